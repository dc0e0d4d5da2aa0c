/**
 * GET /files/:token/:name — the one download route. The token names a file link (src/bot/files.ts);
 * its kind says how to build the file, from the database, when the link is opened. A `once` link
 * is used up in the same transaction that builds its file; others work until they expire.
 */
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from '../../log';
import type { Clock, FileLink, UnitOfWork } from '../../bot/ports';
import type { BotRepos } from '../../bot/modules';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { FILE_TOKEN } from '../../bot/files';
import { t, type TextKey } from '../../bot/texts';

/** A file ready to be written: the heavy part (a workbook, a .docx) runs outside the transaction. */
export interface LoadedFile {
  fileName: string;
  mimeType: string;
  write(): Promise<Buffer>;
}

/** How one kind of link becomes a file. */
export interface FileKind {
  /** Null when what the link points at is gone. */
  load(repos: BotRepos, link: FileLink, now: Date, calendar: WorkingCalendar): Promise<LoadedFile | null>;
  /** What to say when such a link has expired (where to ask for a new one). */
  expiredText: TextKey;
  /** What to say when a `once` link is opened again. */
  usedText?: TextKey;
}

export interface FilesRouteDeps {
  uow: UnitOfWork<BotRepos>;
  clock: Clock;
  logger: Logger;
  kinds: Record<string, FileKind>;
}

function plain(ctx: Context, status: number, text: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = text;
}

export function mountFiles(router: Router, deps: FilesRouteDeps): void {
  const kindOf = (name: string | undefined): FileKind | undefined => (name !== undefined && Object.hasOwn(deps.kinds, name) ? deps.kinds[name] : undefined);
  const refusal = (ctx: Context, reason: 'unknown' | 'expired' | 'used', kind: FileKind | undefined) => {
    if (reason === 'unknown' || !kind) return plain(ctx, 404, t('file.unknown'));
    return plain(ctx, 410, t(reason === 'expired' ? kind.expiredText : (kind.usedText ?? 'file.used')));
  };

  router.get('/files/:token/:name', async (ctx) => {
    const token = String(ctx.params.token);
    if (!FILE_TOKEN.test(token)) return plain(ctx, 404, t('file.unknown'));
    const seen = await deps.uow.read((repos) => repos.files.peek(token, deps.clock.now()));
    if (!seen.ok) return refusal(ctx, seen.reason, kindOf(seen.kind));
    const kind = kindOf(seen.link.kind);
    if (!kind) return plain(ctx, 404, t('file.unknown'));
    let file: LoadedFile | null;
    if (seen.link.once) {
      const outcome = await deps.uow.runOnce(`file-open-${token}`, async (tx) => {
        const opened = await tx.repos.files.open(token, tx.now);
        return opened.ok ? { ok: true as const, file: await kind.load(tx.repos, opened.link, tx.now, tx.calendar) } : opened;
      });
      if (!outcome.ran) return refusal(ctx, 'used', kind);
      if (!outcome.result.ok) return refusal(ctx, outcome.result.reason, kind);
      file = outcome.result.file;
    } else {
      file = await deps.uow.read((repos, calendar) => kind.load(repos, seen.link, deps.clock.now(), calendar));
    }
    if (!file) return plain(ctx, 404, t('file.unknown'));
    const body = await file.write();
    deps.logger.info({ kind: seen.link.kind, bytes: body.length }, 'file downloaded');
    ctx.set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    ctx.set('cache-control', 'no-store');
    ctx.type = file.mimeType;
    ctx.body = body;
  });
}
