/** The meetings' renderer (charts, documents) and the file kind of exported minutes. */
import type { MeetingRenderer } from '../../bot/meetings/render-port';
import { findCjkFamily, renderBarChart } from './bar-chart';
import { toDocx, toMarkdown } from './document';

export { minutesFile } from './minutes-file';

export function createMeetingRenderer(): MeetingRenderer {
  const family = findCjkFamily();
  return {
    chartPng: async (spec) => renderBarChart(spec, family),
    document: async (doc, format) => (format === 'docx' ? toDocx(doc) : Buffer.from(toMarkdown(doc), 'utf8')),
  };
}
