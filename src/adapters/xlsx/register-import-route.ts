/**
 * The register import (导入住户) over HTTP, beside the organisation import:
 * - GET  /files/xlsx/residents-template/:name  the empty template.
 * - GET  /files/xlsx/residents/:token          the upload page behind a `register-import` file link;
 *   POST the .xlsx body to the same address. All or nothing; row-by-row errors come back as JSON.
 * The upload is checked outside the transaction, then checked again and written inside it.
 */
import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Logger } from '../../log';
import type { Clock, FileLinkLookup, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { FILE_TOKEN } from '../../bot/files';
import { t } from '../../bot/texts';
import { Notifier } from '../../bot/notify';
import { applyRegisterImport, checkRegisterImport, registerTemplate, REGISTER_IMPORT_LINK, REGISTER_TEMPLATE_PATH, type RegisterService } from '../../bot/register';
import { UnreadableWorkbookError, readWorkbook, writeWorkbook } from './workbook';
import { uploadPage } from './upload-page';
import { attachment, readBody } from './import-route';

export interface RegisterImportRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  service: RegisterService;
}

const uploadLink = (lookup: FileLinkLookup): FileLinkLookup => (lookup.ok && lookup.link.kind !== REGISTER_IMPORT_LINK ? { ok: false, reason: 'unknown' } : lookup);

class ImportRaceError extends Error {
  override readonly name = 'ImportRaceError';
  constructor(readonly errors: string[]) {
    super('register import no longer valid');
  }
}

const pageTexts = () => ({ title: t('register.import.pageTitle'), expired: t('register.import.expired'), templateUrl: REGISTER_TEMPLATE_PATH, templateName: '住户导入模板.xlsx' });

export function mountRegisterImport(router: Router, deps: RegisterImportRouteDeps): void {
  router.get('/files/xlsx/residents-template/:name', async (ctx) => {
    const book = registerTemplate();
    attachment(ctx, book.fileName, await writeWorkbook(book, await deps.uow.read(async (_repos, calendar) => calendar.timeZone)));
  });

  const peek = async (token: string) => (FILE_TOKEN.test(token) ? uploadLink(await deps.uow.read((repos) => repos.files.peek(token, deps.clock.now()))) : null);

  router.get('/files/xlsx/residents/:token', async (ctx) => {
    const seen = await peek(String(ctx.params.token));
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('cache-control', 'no-store');
    if (!seen?.ok) ctx.status = 410;
    ctx.body = uploadPage(seen?.ok ?? false, pageTexts());
  });

  router.post('/files/xlsx/residents/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const answer = (status: number, body: Record<string, unknown>) => {
      ctx.status = status;
      ctx.body = body;
    };
    const seen = await peek(token);
    if (!seen?.ok || seen.link.memberId === null) return answer(410, { ok: false, errors: [t('register.import.expired')] });
    const memberId = seen.link.memberId;
    const bytes = await readBody(ctx);
    if (!bytes) return answer(413, { ok: false, errors: [t('register.import.unreadable')] });
    let sheets;
    try {
      sheets = await readWorkbook(bytes);
    } catch (err) {
      if (!(err instanceof UnreadableWorkbookError)) throw err;
      return answer(422, { ok: false, errors: [t('register.import.unreadable')] });
    }
    const member = await deps.uow.read((repos) => repos.org.member(memberId));
    if (!member) return answer(410, { ok: false, errors: [t('register.import.expired')] });
    const check = await deps.uow.read((repos) => checkRegisterImport(repos, deps.service, member, sheets));
    if (!check.ok) {
      deps.logger.info({ errors: check.errors.length }, 'register import refused');
      return answer(422, { ok: false, errors: [t('register.import.failed', { count: String(check.errors.length) }), ...check.errors] });
    }
    const digest = crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16);
    const spec = seen.link.spec as { channel?: string; conversationId?: string };
    try {
      const outcome = await deps.uow.runOnce(`register-import-${token}-${digest}`, async (tx) => {
        const claim = uploadLink(await tx.repos.files.open(token, tx.now));
        if (!claim.ok) throw new ImportRaceError([t('register.import.expired')]);
        const again = await checkRegisterImport(tx.repos, deps.service, member, sheets);
        if (!again.ok) throw new ImportRaceError(again.errors);
        const result = await applyRegisterImport(tx.repos, { member, channel: spec.channel ?? null, conversationId: spec.conversationId ?? null }, again.lines, tx.now);
        const text = t('register.import.ok', { households: result.households, added: result.added, updated: result.updated });
        await new Notifier(tx).member(member.id, { text });
        return { result, text };
      });
      if (!outcome.ran) return answer(410, { ok: false, errors: [t('register.import.expired')] });
      deps.logger.info({ ...outcome.result.result }, 'register imported');
      return answer(200, { ok: true, message: outcome.result.text, ...outcome.result.result });
    } catch (err) {
      if (!(err instanceof ImportRaceError)) throw err;
      return answer(409, { ok: false, errors: [t('register.import.failed', { count: String(err.errors.length) }), ...err.errors] });
    }
  });
}
