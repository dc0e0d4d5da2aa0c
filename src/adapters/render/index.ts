/** The meetings' renderer (charts, documents) and the download route for exported documents. */
import type { MeetingRenderer } from '../../bot/meetings/render-port';
import { findCjkFamily, renderBarChart } from './bar-chart';
import { toDocx, toMarkdown } from './document';

export { mountMeetingFiles } from './files-route';

export function createMeetingRenderer(): MeetingRenderer {
  const family = findCjkFamily();
  return {
    chartPng: async (spec) => renderBarChart(spec, family),
    document: async (doc, format) => (format === 'docx' ? toDocx(doc) : Buffer.from(toMarkdown(doc), 'utf8')),
  };
}
