/**
 * The scheduled summaries: on the 1st of each month last month's ranking, and on the first day of
 * a quarter the quarter's result, to every community (its grids) and town (its communities) as a
 * card with a bar chart. Fired by the schedules mechanism with `{ kind }`; safe to run twice.
 */
import { z } from 'zod';
import { periodContaining, previousPeriod, topAndBottom } from '../../domain/assessment';
import type { TimerHandler } from '../timers';
import { t } from '../texts';
import type { MeetingOutput } from '../meetings/render-port';
import { cardToText, type BotMessage, type Card } from '../message';
import { AssessmentService, loadRules } from './service';
import { formatPoints, rankingLines, trendText } from './format';
import type { AssessmentRepos } from './ports';

export const SUMMARY_TIMER = 'assessment-summary';
/** Charts larger than this stay out of the outbox row; the card goes without. */
const MAX_INLINE_CHART_BYTES = 48 * 1024;

const payload = z.object({ kind: z.enum(['monthly', 'quarterly']) });

export function summaryTimer(service: AssessmentService, output: MeetingOutput): TimerHandler<AssessmentRepos> {
  return {
    name: SUMMARY_TIMER,
    async run(ctx, data) {
      const { kind } = payload.parse(data);
      // Fired at the start of a month or quarter: the summary is of the one just ended.
      const period = previousPeriod(periodContaining(kind === 'monthly' ? 'month' : 'quarter', ctx.now, ctx.tx.calendar.timeZone), ctx.tx.calendar.timeZone);
      const rules = await loadRules(ctx.tx.repos);
      for (const root of await ctx.tx.repos.org.roots()) {
        for (const unit of await ctx.tx.repos.org.subtree(root.path)) {
          if (unit.level !== 'community' && unit.level !== 'town') continue;
          if (!(await ctx.tx.repos.org.conversationsOf(unit.id)).length) continue;
          const ranked = await service.rankChildren(ctx.tx.repos, ctx.tx.calendar, unit, period, ctx.now, true);
          if (!ranked.length || ranked.every((r) => r.item.grids.length === 0)) continue;
          const { top, bottom } = topAndBottom(ranked, Math.min(3, Math.ceil(ranked.length / 2)));
          const average = ranked.reduce((s, r) => s + r.total, 0) / ranked.length;
          const names = (rs: typeof top) => rs.map((r) => `${r.item.unit.name} ${formatPoints(r.total)}${trendText(r.item.trend)}`).join('、');
          const title = t(kind === 'monthly' ? 'summary.monthly.title' : 'summary.quarterly.title', { period: period.label, unit: unit.name });
          let imageUrl: string | undefined;
          const renderer = output.renderer;
          if (renderer) {
            const png = await renderer.chartPng({
              title: t('summary.chart', { unit: unit.name, period: period.label }),
              asciiTitle: `${unit.code} ${period.key}`,
              bars: ranked.map((r) => ({ label: r.item.unit.name, shortLabel: r.item.unit.code, value: r.total })),
            });
            if (png.length <= MAX_INLINE_CHART_BYTES) imageUrl = `data:image/png;base64,${png.toString('base64')}`;
          }
          const card: Card = {
            title,
            fields: [{ label: t('assess.field.total'), value: t('summary.average', { total: formatPoints(average), trend: '' }) }],
            lines: [t('summary.top', { list: names(top) }), t('summary.bottom', { list: names(bottom) }), ...rankingLines(ranked, rules)],
            ...(imageUrl ? { imageUrl } : {}),
          };
          const message: BotMessage = { text: cardToText(card), card };
          await ctx.notify.unit(unit, message);
        }
      }
    },
  };
}
