/**
 * GET /files/:token/:name — downloads of exported agendas and minutes. The token is a random
 * 128-bit id with an expiry, made when 导出纪要 was sent; the document is rendered on request
 * from what the database holds, so any process can serve it.
 */
import type Router from '@koa/router';
import type { Logger } from '../../log';
import type { Clock, UnitOfWork } from '../../bot/ports';
import { resolveExport, type MeetingRenderer } from '../../bot/meetings';

export interface FilesRouteDeps {
  uow: UnitOfWork;
  renderer: MeetingRenderer;
  clock: Clock;
  logger: Logger;
}

export function mountMeetingFiles(router: Router, deps: FilesRouteDeps): void {
  router.get('/files/:token/:name', async (ctx) => {
    const token = String(ctx.params.token);
    const found = await deps.uow.read((repos, calendar) => resolveExport(repos, token, deps.clock.now(), calendar));
    if (!found.ok) {
      ctx.status = found.reason === 'expired' ? 410 : 404;
      ctx.type = 'text/plain; charset=utf-8';
      ctx.body = found.reason === 'expired' ? '下载链接已过期，请重新发送「导出纪要」。' : '文件不存在。';
      return;
    }
    const body = await deps.renderer.document(found.export.document, found.export.format);
    deps.logger.info({ format: found.export.format, bytes: body.length }, 'meeting export downloaded');
    ctx.set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(found.export.fileName)}`);
    ctx.type = found.export.mimeType;
    ctx.body = body;
  });
}
