/**
 * Files of kind `minutes` (导出纪要): the agenda as posted and the minutes, typeset as .docx or
 * Markdown when the link is opened, from what the database holds, so any process can serve it.
 */
import type { MeetingRenderer } from '../../bot/meetings/render-port';
import { resolveExport } from '../../bot/meetings/exports';
import type { FileKind } from '../http/files-route';

export function minutesFile(renderer: MeetingRenderer): FileKind {
  return {
    expiredText: 'meeting.export.expired',
    async load(repos, link, _now, calendar) {
      const found = await resolveExport(repos, link.spec, calendar);
      if (!found) return null;
      return { fileName: found.fileName, mimeType: found.mimeType, write: () => renderer.document(found.document, found.format) };
    },
  };
}
