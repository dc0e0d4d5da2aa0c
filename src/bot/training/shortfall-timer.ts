/**
 * In the fourth quarter (1 October, 1 November, 1 December) every gridworker whose hours of the
 * year fall short of the 40 required hears how many are missing, and so does the head of their grid.
 */
import { LEADER_ROLE } from '../../domain/org/org';
import { isFourthQuarter, REQUIRED_HOURS_PER_YEAR, shortfall, yearOf } from '../../domain/training/training';
import type { TimerContext, TimerHandler } from '../timers';
import { t } from '../texts';
import type { TrainingRepos } from './ports';

export const TRAINING_SHORTFALL_TIMER = 'training.shortfall';
const num = (n: number) => String(Math.round(n * 10) / 10);

export function shortfallTimer<R extends TrainingRepos>(): TimerHandler<R> {
  return {
    name: TRAINING_SHORTFALL_TIMER,
    async run(ctx: TimerContext<R>) {
      const { tx } = ctx;
      if (!isFourthQuarter(tx.now, tx.calendar)) return;
      const { year, from, to } = yearOf(tx.now, tx.calendar);
      const workers = new Map<number, { name: string; unitId: number }>();
      for (const root of await tx.repos.org.roots()) for (const m of await tx.repos.org.membersUnder(root.path)) if (m.role === 'gridworker' && !workers.has(m.id)) workers.set(m.id, { name: m.name, unitId: m.unitId });
      const hours = await tx.repos.training.hoursByMember([...workers.keys()], from, to);
      const byHead = new Map<number, string[]>();
      for (const [id, w] of workers) {
        const done = hours.get(id) ?? 0;
        const missing = shortfall(done);
        if (missing === 0) continue;
        const params = { name: w.name, year, hours: num(done), required: REQUIRED_HOURS_PER_YEAR, missing: num(missing) };
        await ctx.notify.member(id, { text: t('training.warn.member', params) });
        const unit = await tx.repos.org.unit(w.unitId);
        if (!unit) continue;
        for (const head of await tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[unit.level])) byHead.set(head.id, [...(byHead.get(head.id) ?? []), t('training.warn.line', params)]);
      }
      for (const [headId, lines] of byHead) await ctx.notify.member(headId, { text: [t('training.warn.head', { year, required: REQUIRED_HOURS_PER_YEAR }), ...lines].join('\n') });
    },
  };
}
