/**
 * The organisation import (导入) over HTTP; ledgers are downloads of the one files route
 * (ledger-file.ts):
 * - GET  /files/xlsx/template/:name  the empty organisation template.
 * - GET  /files/xlsx/import/:token   a small upload page behind a file link of kind `org-import`;
 *   POST the .xlsx body to the same address. The import is all or nothing; its row-by-row errors
 *   come back as JSON and on the page.
 * The same page takes the duty roster (值班表) behind a link of kind `duty-import` (导入值班表).
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
import { DUTY_IMPORT_LINK, DUTY_TEMPLATE_FILE, applyRosterImport, checkRosterImport, rosterTemplate } from '../../bot/duty';
import type { ReadSheet } from '../../bot/assessment/sheets';
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

const UPLOAD_KINDS = new Set([ORG_IMPORT_LINK, DUTY_IMPORT_LINK]);

/** An upload link, looked at without using it (the page, and the check before reading the upload). */
function uploadLink(lookup: FileLinkLookup): FileLinkLookup {
  return lookup.ok && !UPLOAD_KINDS.has(lookup.link.kind) ? { ok: false, reason: 'unknown' } : lookup;
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
    const book = String(ctx.params.name) === DUTY_TEMPLATE_FILE ? rosterTemplate() : importTemplate();
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
    if (seen.link.kind === DUTY_IMPORT_LINK) return importRoster(deps, token, bytes, sheets, answer);
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

/** 导入值班表: the roster rows checked as the link's member, then entered all at once (or not at all). */
async function importRoster(deps: OrgImportRouteDeps, token: string, bytes: Buffer, sheets: ReadSheet[], answer: (status: number, body: Record<string, unknown>) => void): Promise<void> {
  const check = await deps.uow.read(async (repos, calendar) => {
    const link = uploadLink(await repos.files.peek(token, deps.clock.now()));
    const actor = link.ok && link.link.memberId !== null ? await repos.org.member(link.link.memberId) : null;
    return actor ? checkRosterImport(repos, actor, sheets, deps.clock.now(), calendar) : { ok: false as const, errors: [t('import.page.expired')] };
  });
  if (!check.ok) return answer(422, { ok: false, errors: [t('import.failed', { count: String(check.errors.length) }), ...check.errors] });
  const digest = crypto.createHash('sha1').update(bytes).digest('hex').slice(0, 16);
  try {
    const outcome = await deps.uow.runOnce(`duty-import-${token}-${digest}`, async (tx) => {
      const claim = uploadLink(await tx.repos.files.open(token, tx.now));
      const actor = claim.ok && claim.link.memberId !== null ? await tx.repos.org.member(claim.link.memberId) : null;
      if (!actor) throw new ImportRaceError([t('import.page.expired')]);
      const again = await checkRosterImport(tx.repos, actor, sheets, tx.now, tx.calendar);
      if (!again.ok) throw new ImportRaceError(again.errors);
      const count = await applyRosterImport(tx.repos, again.entries, actor.id, tx.now);
      const text = t('duty.import.done', { count });
      await new Notifier(tx).member(actor.id, { text });
      return { count, text };
    });
    if (!outcome.ran) return answer(410, { ok: false, errors: [t('import.page.expired')] });
    return answer(200, { ok: true, message: outcome.result.text, shifts: outcome.result.count });
  } catch (err) {
    if (!(err instanceof ImportRaceError)) throw err;
    return answer(409, { ok: false, errors: [t('import.failed', { count: String(err.errors.length) }), ...err.errors] });
  }
}
