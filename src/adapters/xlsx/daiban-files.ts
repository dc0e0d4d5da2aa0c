/**
 * 代办 over HTTP: the ledger file (kind `daiban-ledger`, built and logged when opened) and the
 * catalogue import (导入代办事项):
 * - GET  /files/xlsx/daiban-template/:name  the template, filled with the catalogue in force.
 * - GET  /files/xlsx/daiban/:token          the upload page behind a `daiban-import` file link;
 *   POST the .xlsx body to the same address. All or nothing; errors by row come back as JSON.
 */
import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Logger } from '../../log';
import type { Clock, FileLinkLookup, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { FILE_TOKEN } from '../../bot/files';
import { t } from '../../bot/texts';
import { Notifier } from '../../bot/notify';
import { XLSX_MIME } from '../../bot/assessment/sheets';
import { buildDaibanLedger, catalogueTemplate, checkCatalogueImport, daibanLedgerSpecSchema, DAIBAN_IMPORT_LINK, DAIBAN_TEMPLATE_PATH, type DaibanService } from '../../bot/daiban';
import type { FileKind } from '../http/files-route';
import { UnreadableWorkbookError, readWorkbook, writeWorkbook } from './workbook';
import { uploadPage } from './upload-page';
import { attachment, readBody } from './import-route';

export const daibanLedgerFile: FileKind = {
  expiredText: 'daiban.ledger.expired',
  usedText: 'daiban.ledger.used',
  async load(repos, link, now, calendar) {
    const spec = daibanLedgerSpecSchema.safeParse(link.spec);
    const book = spec.success ? await buildDaibanLedger(repos, link.memberId, spec.data, now, calendar) : null;
    return book && { fileName: book.fileName, mimeType: XLSX_MIME, write: () => writeWorkbook(book, calendar.timeZone) };
  },
};

export interface DaibanImportRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  service: DaibanService;
}

const uploadLink = (lookup: FileLinkLookup): FileLinkLookup => (lookup.ok && lookup.link.kind !== DAIBAN_IMPORT_LINK ? { ok: false, reason: 'unknown' } : lookup);

const pageTexts = () => ({ title: t('daiban.import.pageTitle'), expired: t('daiban.import.expired'), templateUrl: DAIBAN_TEMPLATE_PATH, templateName: '代办事项导入模板.xlsx' });

export function mountDaibanImport(router: Router, deps: DaibanImportRouteDeps): void {
  router.get('/files/xlsx/daiban-template/:name', async (ctx) => {
    const { items, zone } = await deps.uow.read(async (repos, calendar) => ({ items: await deps.service.catalogue({ repos }), zone: calendar.timeZone }));
    const book = catalogueTemplate(items);
    attachment(ctx, book.fileName, await writeWorkbook(book, zone));
  });

  const peek = async (token: string) => (FILE_TOKEN.test(token) ? uploadLink(await deps.uow.read((repos) => repos.files.peek(token, deps.clock.now()))) : null);

  router.get('/files/xlsx/daiban/:token', async (ctx) => {
    const seen = await peek(String(ctx.params.token));
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('cache-control', 'no-store');
    if (!seen?.ok) ctx.status = 410;
    ctx.body = uploadPage(seen?.ok ?? false, pageTexts());
  });

  router.post('/files/xlsx/daiban/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const answer = (status: number, body: Record<string, unknown>) => {
      ctx.status = status;
      ctx.body = body;
    };
    const seen = await peek(token);
    if (!seen?.ok || seen.link.memberId === null) return answer(410, { ok: false, errors: [t('daiban.import.expired')] });
    const memberId = seen.link.memberId;
    const bytes = await readBody(ctx);
    if (!bytes) return answer(413, { ok: false, errors: [t('daiban.import.unreadable')] });
    let sheets;
    try {
      sheets = await readWorkbook(bytes);
    } catch (err) {
      if (!(err instanceof UnreadableWorkbookError)) throw err;
      return answer(422, { ok: false, errors: [t('daiban.import.unreadable')] });
    }
    const check = checkCatalogueImport(sheets);
    if (!check.ok) return answer(422, { ok: false, errors: [t('daiban.import.failed', { count: check.errors.length }), ...check.errors] });
    const digest = crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16);
    const outcome = await deps.uow.runOnce(`daiban-import-${token}-${digest}`, async (tx) => {
      const claim = uploadLink(await tx.repos.files.open(token, tx.now));
      const member = await tx.repos.org.member(memberId);
      if (!claim.ok || !member) return null;
      await deps.service.putItems({ tx, member, channel: 'http', conversationId: '' }, check.items);
      const text = t('daiban.import.ok', { count: check.items.length });
      await new Notifier(tx).member(member.id, { text });
      return text;
    });
    if (!outcome.ran || outcome.result === null) return answer(410, { ok: false, errors: [t('daiban.import.expired')] });
    deps.logger.info({ items: check.items.length }, 'daiban catalogue imported');
    return answer(200, { ok: true, message: outcome.result, count: check.items.length });
  });
}
