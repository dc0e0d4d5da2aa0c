/**
 * The file kind behind 联系卡's link: drawn from the grid as it is when the link is opened.
 * Skia (@napi-rs/canvas), `qrcode` and the font scan are loaded on the first card, not at start
 * (as the meetings' charts, render/index.ts): they hold about 30 MB of a process's memory, and
 * most processes never draw a card.
 */
import type { FileKind } from '../http/files-route';
import { residentPageUrl } from '../../bot/resident-web';
import { t } from '../../bot/texts';
import type { ContactCardSpec } from './contact-card';

export function contactCardFile(baseUrl: () => string | null): FileKind {
  let drawer: { family: string | null; render: (typeof import('./contact-card'))['renderContactCard'] } | null = null;
  const draw = (spec: ContactCardSpec): Buffer => {
    if (!drawer) {
      // A CommonJS build, so require.
      const card = require('./contact-card') as typeof import('./contact-card');
      const chart = require('./bar-chart') as typeof import('./bar-chart');
      drawer = { family: chart.findCjkFamily(), render: card.renderContactCard };
    }
    return drawer.render(spec, drawer.family);
  };
  return {
    expiredText: 'resident.card.expired',
    async load(repos, link) {
      const gridId = Number(link.spec.gridId);
      const grid = Number.isInteger(gridId) ? await repos.org.unit(gridId) : null;
      if (!grid || grid.level !== 'grid') return null;
      const gridworkers = (await repos.org.membersWithRole(grid.id, 'gridworker')).map((m) => m.name);
      const spec: ContactCardSpec = { gridName: grid.name, gridCode: grid.code, gridworkers, url: residentPageUrl(baseUrl(), grid.code) };
      return { fileName: t('resident.card.fileName', { grid: grid.name }), mimeType: 'image/png', write: async () => draw(spec) };
    },
  };
}
