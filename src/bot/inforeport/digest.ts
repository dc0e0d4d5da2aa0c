/**
 * 报送汇总: each grid head gets the grid's summary, each community one digest of all its grids — a
 * community with 20 grids gets one message, not 20. Both count 已报送 as 考核 does: gridworkers on
 * approved leave are neither required nor counted (domain/figures `reportDayRatio`).
 */
import type { OrgUnit } from '../../domain/org/org';
import { reportDayRatio } from '../../domain/figures';
import type { BotMessage } from '../message';
import type { Tx } from '../ports';
import type { InfoReportRepos } from './ports';
import { t } from '../texts';
import type { TimerHandler } from '../timers';
import { namesOf } from '../attendance/grid';
import { communityTimerName, gridStepPayload } from '../schedules/fanout';
import { answerLine } from './format';

export interface GridSummary {
  grid: OrgUnit;
  ratio: { done: number; of: number };
  changed: number;
  lines: string[];
  message: BotMessage;
}

/** One grid's summary of a report day, or null when there is nothing to say (no gridworkers). */
export async function gridSummary(tx: Tx<InfoReportRepos>, grid: OrgUnit, period: string): Promise<GridSummary | null> {
  const workers = (await tx.repos.org.membersWithRole(grid.id, 'gridworker')).map((m) => m.id);
  const onLeave = new Set(await tx.repos.attendance.onLeave(workers, period));
  const reports = await tx.repos.attendance.infoReportsOf(grid.id, period);
  const reported = new Set(reports.map((r) => r.memberId));
  const names = await namesOf(tx, workers);
  const lines: string[] = [];
  for (const r of reports) {
    const name = names.get(r.memberId) ?? (await tx.repos.org.memberSummary(r.memberId))?.name ?? `#${r.memberId}`;
    lines.push(t('report.summary.reported', { name, answer: answerLine(r.unchanged ? { unchanged: true } : { unchanged: false, items: r.items }) }));
  }
  const missing = workers.filter((id) => !onLeave.has(id) && !reported.has(id));
  if (missing.length) lines.push(t('report.summary.missing', { names: missing.map((id) => names.get(id)!).join('、') }));
  const leave = workers.filter((id) => onLeave.has(id) && !reported.has(id));
  if (leave.length) lines.push(t('report.summary.leave', { names: leave.map((id) => names.get(id)!).join('、') }));
  if (!lines.length) return null;
  const ratio = reportDayRatio(workers, onLeave, reported);
  const changed = reports.filter((r) => !r.unchanged).length;
  const title = t('report.summary.title', { grid: grid.name, date: period });
  const fields = [
    { label: t('report.summary.field.reported'), value: `${ratio.done}/${ratio.of}` },
    { label: t('report.summary.field.changed'), value: String(changed) },
  ];
  const message = { text: [title, ...fields.map((f) => `${f.label}：${f.value}`), ...lines].join('\n'), card: { title, fields, lines } };
  return { grid, ratio, changed, lines, message };
}

/** The community's digest: one line block per grid, the totals on top. */
export function communityDigestTimer(): TimerHandler<InfoReportRepos> {
  return {
    name: communityTimerName('inforeport'),
    async run(ctx, data) {
      const { period, unitId } = gridStepPayload.parse(data);
      const community = await ctx.tx.repos.org.unit(unitId);
      if (!community || community.level !== 'community') return;
      const grids = (await ctx.tx.repos.org.subtree(community.path)).filter((u) => u.level === 'grid');
      const summaries: GridSummary[] = [];
      for (const grid of grids) {
        const s = await gridSummary(ctx.tx, grid, period);
        if (s) summaries.push(s);
      }
      if (!summaries.length) return;
      const done = summaries.reduce((n, s) => n + s.ratio.done, 0);
      const of = summaries.reduce((n, s) => n + s.ratio.of, 0);
      const changed = summaries.reduce((n, s) => n + s.changed, 0);
      const title = t('report.digest.title', { community: community.name, date: period });
      const fields = [
        { label: t('report.summary.field.reported'), value: `${done}/${of}` },
        { label: t('report.summary.field.changed'), value: String(changed) },
      ];
      const lines = summaries.flatMap((s) => [t('report.digest.grid', { grid: s.grid.name, done: s.ratio.done, of: s.ratio.of }), ...s.lines.map((l) => `  ${l}`)]);
      await ctx.notify.unit(community, { text: [title, ...fields.map((f) => `${f.label}：${f.value}`), ...lines].join('\n'), card: { title, fields, lines } });
    },
  };
}
