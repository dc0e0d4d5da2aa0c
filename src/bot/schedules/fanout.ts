/**
 * Exactly once per grid and period: a firing becomes one fan-out job per period, and the fan-out
 * one job per grid, each with a deterministic id (`inforeport-prompt-2026-11-24-7`) handled in its
 * own transaction. A repeated firing, a second process or a restart mid-way re-emits the same ids,
 * which BullMQ and the handled-key record both refuse to run twice.
 */
import { z } from 'zod';
import type { LocalDate } from '../../domain/calendar/working-calendar';
import { periodJobId } from '../../domain/inforeport/period';
import type { TimerContext, TimerHandler } from '../timers';
import type { OrgUnit } from '../../domain/org/org';
import type { CoreRepos, Tx } from '../ports';

export type PeriodicArea = 'inforeport' | 'patrol' | 'visits';

export const periodStepPayload = z.object({ step: z.string().min(1).max(32), period: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });
export const gridStepPayload = periodStepPayload.extend({ unitId: z.number().int().positive() });
export type GridStep = z.infer<typeof gridStepPayload>;

export const fanoutTimerName = (area: PeriodicArea) => `${area}-fanout`;
export const gridTimerName = (area: PeriodicArea) => `${area}-grid`;
export const communityTimerName = (area: PeriodicArea) => `${area}-community`;

/** The period's fan-out, now or at a later moment (a report moved past a holiday). */
export function scheduleFanout(tx: Tx, area: PeriodicArea, step: string, period: LocalDate, runAt: Date): void {
  tx.effects.schedule({ name: fanoutTimerName(area), jobId: periodJobId(area, step, period), data: { step, period }, runAt });
}

/** The per-grid job: `run` gets the grid (skipped when the unit is gone or no longer a grid), the step and the period. */
export function gridStepTimer<R extends CoreRepos>(area: PeriodicArea, run: (ctx: TimerContext<R>, grid: OrgUnit, step: string, period: LocalDate) => Promise<void>): TimerHandler<R> {
  return {
    name: gridTimerName(area),
    async run(ctx, data) {
      const { step, period, unitId } = gridStepPayload.parse(data);
      const grid = await ctx.tx.repos.org.unit(unitId);
      if (!grid || grid.level !== 'grid') return;
      await run(ctx, grid, step, period);
    },
  };
}

/**
 * One timer job per grid of the whole tree; for the steps in `perCommunity` also one per community
 * (a digest of its grids: summaries scale with the organisation, not with the number of grids).
 */
export function fanoutTimer(area: PeriodicArea, perCommunity: readonly string[] = []): TimerHandler {
  return {
    name: fanoutTimerName(area),
    async run(ctx: TimerContext, data) {
      const { step, period } = periodStepPayload.parse(data);
      for (const root of await ctx.tx.repos.org.roots()) {
        for (const unit of await ctx.tx.repos.org.subtree(root.path)) {
          if (unit.level === 'community' && perCommunity.includes(step)) {
            ctx.tx.effects.schedule({ name: communityTimerName(area), jobId: periodJobId(area, `${step}-c`, period, unit.id), data: { step, period, unitId: unit.id }, runAt: ctx.now });
          }
          if (unit.level !== 'grid') continue;
          ctx.tx.effects.schedule({ name: gridTimerName(area), jobId: periodJobId(area, step, period, unit.id), data: { step, period, unitId: unit.id }, runAt: ctx.now });
        }
      }
    },
  };
}
