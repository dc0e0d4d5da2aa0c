/** The meetings' renderer (charts, documents) and the file kind of exported minutes. */
import type { MeetingRenderer } from '../../bot/meetings/render-port';
import { toDocx, toMarkdown } from './document';

export { minutesFile } from './minutes-file';

/**
 * Skia (@napi-rs/canvas) and the font scan are loaded on the first chart, not at start: they hold
 * about 20 MB of a process's memory, and most processes never draw one.
 */
export function createMeetingRenderer(): MeetingRenderer {
  let chart: { family: string | null; render: (typeof import('./bar-chart'))['renderBarChart'] } | null = null;
  return {
    chartPng: async (spec) => {
      if (!chart) {
        // A CommonJS build, so require.
        const m = require('./bar-chart') as typeof import('./bar-chart');
        chart = { family: m.findCjkFamily(), render: m.renderBarChart };
      }
      return chart.render(spec, chart.family);
    },
    document: async (doc, format) => (format === 'docx' ? toDocx(doc) : Buffer.from(toMarkdown(doc), 'utf8')),
  };
}
