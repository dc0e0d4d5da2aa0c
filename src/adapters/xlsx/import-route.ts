/**
 * The organisation import (导入) over HTTP; ledgers are downloads of the one files route
 * (ledger-file.ts):
 * - GET  /files/xlsx/template/:name  the empty organisation template.
 * - GET  /files/xlsx/import/:token   a small upload page behind a file link of kind `org-import`;
 *   POST the .xlsx body to the same address. The import is all or nothing; its row-by-row errors
 *   come back as JSON and on the page.
 * Four path segments, so /files/:token/:name never shadows them.
 */
import crypto from 'node:crypto';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../log';
import type { Clock, FileLinkLookup, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import { applyImport, checkImport, importTemplate } from '../../bot/assessment';
import { ORG_IMPORT_LINK } from '../../bot/assessment/org-import';
import { FILE_TOKEN } from '../../bot/files';
import { XLSX_MIME } from '../../bot/assessment/sheets';
import { t } from '../../bot/texts';
import { Notifier } from '../../bot/notify';
import { MAX_UPLOAD_BYTES, UnreadableWorkbookError, readWorkbook, writeWorkbook } from './workbook';
import { uploadPage } from './upload-page';

export interface OrgImportRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
}

/** An upload link, looked at without using it (the page, and the check before reading the upload). */
function uploadLink(lookup: FileLinkLookup): FileLinkLookup {
  return lookup.ok && lookup.link.kind !== ORG_IMPORT_LINK ? { ok: false, reason: 'unknown' } : lookup;
}

/** The checked import changed under us between the check and the write (someone else imported). */
class ImportRaceError extends Error {
  override readonly name = 'ImportRaceError';
  constructor(readonly errors: string[]) {
    super('import no longer valid');
  }
}

export function attachment(ctx: Context, fileName: string, body: Buffer): void {
  ctx.set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`);
  ctx.set('cache-control', 'no-store');
  ctx.type = XLSX_MIME;
  ctx.body = body;
}

export async function readBody(ctx: Context): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function mountOrgImport(router: Router, deps: OrgImportRouteDeps): void {
  router.get('/files/xlsx/template/:name', async (ctx) => {
    const book = importTemplate();
    attachment(ctx, book.fileName, await writeWorkbook(book, await deps.uow.read(async (_repos, calendar) => calendar.timeZone)));
  });

  router.get('/files/xlsx/import/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const seen = FILE_TOKEN.test(token) ? uploadLink(await deps.uow.read((repos) => repos.files.peek(token, deps.clock.now()))) : null;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('cache-control', 'no-store');
    if (!seen?.ok) ctx.status = 410;
    ctx.body = uploadPage(seen?.ok ?? false);
  });

  router.post('/files/xlsx/import/:token', async (ctx) => {
    const token = String(ctx.params.token);
    const answer = (status: number, body: Record<string, unknown>) => {
      ctx.status = status;
      ctx.body = body;
    };
    const seen = FILE_TOKEN.test(token) ? uploadLink(await deps.uow.read((repos) => repos.files.peek(token, deps.clock.now()))) : null;
    if (!seen?.ok) return answer(410, { ok: false, errors: [t('import.page.expired')] });
    const bytes = await readBody(ctx);
    if (!bytes) return answer(413, { ok: false, errors: [t('import.unreadable')] });
    let sheets;
    try {
      sheets = await readWorkbook(bytes);
    } catch (err) {
      if (!(err instanceof UnreadableWorkbookError)) throw err;
      return answer(422, { ok: false, errors: [t('import.unreadable')] });
    }
    const check = await deps.uow.read((repos) => checkImport(repos, sheets));
    if (!check.ok) {
      deps.logger.info({ errors: check.errors.length }, 'organisation import refused');
      return answer(422, { ok: false, errors: [t('import.failed', { count: String(check.errors.length) }), ...check.errors] });
    }
    const digest = crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16);
    try {
      const outcome = await deps.uow.runOnce(`org-import-${token}-${digest}`, async (tx) => {
        const claim = uploadLink(await tx.repos.files.open(token, tx.now));
        if (!claim.ok || claim.link.memberId === null) throw new ImportRaceError([t('import.page.expired')]);
        const memberId = claim.link.memberId;
        const again = await checkImport(tx.repos, sheets);
        if (!again.ok) throw new ImportRaceError(again.errors);
        const result = await applyImport(tx.repos, again, memberId, tx.now);
        const lines = [t('import.ok', { units: String(result.units), members: String(result.members), roles: String(result.roles) })];
        if (result.invites.length) lines.push(t('import.invites', { days: '7' }), ...result.invites.map((i) => `${i.name}（${i.unit}）：${i.code}`));
        await new Notifier(tx).member(memberId, { text: lines.join('\n') });
        return { result, text: lines.join('\n') };
      });
      if (!outcome.ran) return answer(410, { ok: false, errors: [t('import.page.expired')] });
      deps.logger.info({ units: outcome.result.result.units, members: outcome.result.result.members }, 'organisation imported');
      return answer(200, { ok: true, message: outcome.result.text, units: outcome.result.result.units, members: outcome.result.result.members, roles: outcome.result.result.roles });
    } catch (err) {
      if (!(err instanceof ImportRaceError)) throw err;
      return answer(409, { ok: false, errors: [t('import.failed', { count: String(err.errors.length) }), ...err.errors] });
    }
  });
}
