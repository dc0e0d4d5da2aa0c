/**
 * Ledgers (台账): the rows of 事件台账, 任务台账, 报送台账 and the assessment table for one unit's
 * subtree and one period, with Chinese headers. Built when the download link is opened, from what
 * the database holds then.
 */
import { z } from 'zod';
import type { OrgUnit } from '../../domain/org/org';
import { parsePeriod, type AssessmentPeriod } from '../../domain/assessment';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { eventStanding, isTaskDue, isTaskOnTime, reportedDoneAt } from '../../domain/figures';
import type { EventState } from '../../domain/event/event';
import type { TaskState } from '../../domain/task/task';
import { t, type TextKey } from '../texts';
import type { Sheet, SheetBook } from './sheets';
import { AssessmentService, reportDaysOf } from './service';
import { gradeName, indicatorName } from './format';
import type { AssessmentRepos } from './ports';

export const LEDGER_KINDS = ['events', 'tasks', 'reports', 'assessment', 'training'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** What a download token stands for. */
/** The file-link kind of a ledger download (src/bot/files.ts). */
export const LEDGER_FILE = 'ledger';

export const ledgerSpecSchema = z.object({ kind: z.enum(LEDGER_KINDS), unitId: z.number().int(), period: z.string().max(16) });
export type LedgerSpec = z.infer<typeof ledgerSpecSchema>;

const h = (key: string) => t(`ledger.h.${key}` as TextKey);
const yesNo = (v: boolean) => t(v ? 'ledger.yes' : 'ledger.no');

class Names {
  private readonly cache = new Map<number, string>();
  constructor(private readonly repos: AssessmentRepos) {}
  /** The names of the unit's members, read in one pass (a ledger names them row after row). */
  async preload(unitPath: string): Promise<void> {
    for (const m of await this.repos.org.membersUnder(unitPath)) this.cache.set(m.id, m.name);
  }
  async of(id: number | null): Promise<string> {
    if (id === null) return '';
    if (!this.cache.has(id)) this.cache.set(id, (await this.repos.org.memberSummary(id))?.name ?? `#${id}`);
    return this.cache.get(id)!;
  }
}

/** Attendances at trainings held in the period by members of the unit's subtree, and where each member stands. */
export async function trainingAttendances(repos: AssessmentRepos, unit: OrgUnit, period: AssessmentPeriod, calendar: WorkingCalendar) {
  const unitOf = new Map<number, number>();
  for (const m of await repos.org.membersUnder(unit.path)) if (!unitOf.has(m.id)) unitOf.set(m.id, m.unitId);
  const attendances = await repos.training.attendances([...unitOf.keys()], calendar.localDate(period.start), calendar.localDate(new Date(period.end.getTime() - 1)));
  return { attendances, unitOf };
}

export function ledgerFileName(kind: LedgerKind, unit: OrgUnit, period: AssessmentPeriod): string {
  return t('ledger.fileName', { kind: t(`ledger.kind.${kind}` as TextKey), unit: unit.name, period: period.key });
}

export async function buildLedger(repos: AssessmentRepos, spec: LedgerSpec, now: Date, calendar: WorkingCalendar, service = new AssessmentService()): Promise<SheetBook | null> {
  const unit = await repos.org.unit(spec.unitId);
  const period = parsePeriod(spec.period, now, calendar.timeZone);
  if (!unit || !period) return null;
  const units = await repos.org.subtree(unit.path);
  const byId = new Map(units.map((u) => [u.id, u]));
  const gridIds = units.filter((u) => u.level === 'grid').map((u) => u.id);
  const names = new Names(repos);
  await names.preload(unit.path);
  const sheet = await SHEETS[spec.kind]({ repos, unit, period, now, byId, gridIds, unitIds: units.map((u) => u.id), names, service, calendar });
  return { fileName: ledgerFileName(spec.kind, unit, period), sheets: Array.isArray(sheet) ? sheet : [sheet] };
}

interface LedgerInput {
  repos: AssessmentRepos;
  unit: OrgUnit;
  period: AssessmentPeriod;
  now: Date;
  byId: Map<number, OrgUnit>;
  gridIds: number[];
  unitIds: number[];
  names: Names;
  service: AssessmentService;
  calendar: WorkingCalendar;
}

const SHEETS: Record<LedgerKind, (i: LedgerInput) => Promise<Sheet | Sheet[]>> = {
  async events({ repos, period, byId, gridIds, names }) {
    const rows = await repos.assessment.eventLedger(gridIds, period);
    const header = ['number', 'gridCode', 'grid', 'category', 'item', 'urgency', 'description', 'location', 'reporter', 'reportedAt', 'state', 'standing', 'level', 'deadline', 'closedAt', 'rating', 'reopen', 'supervision', 'result'].map(h);
    const out = [];
    for (const r of rows) {
      const grid = byId.get(r.gridUnitId);
      out.push([
        r.number,
        grid?.code ?? '',
        grid?.name ?? '',
        r.category,
        r.item ?? '',
        t(`event.urgency.${r.urgency}` as TextKey),
        r.description,
        r.location ?? '',
        r.reporterId !== null ? await names.of(r.reporterId) : r.originKind === 'resident' ? t('event.origin.resident') : t('event.origin.intake', { client: '' }),
        r.reportedAt,
        t(`event.state.${r.state}` as TextKey),
        // 统计口径: the figures' own standing (domain/figures), so the sheet adds up to the agenda and 统计.
        t(`ledger.standing.${eventStanding(r.state as EventState)}` as TextKey),
        t(`level.${r.closedByLevel ?? r.handlerLevel}` as TextKey),
        r.deadline,
        r.closedAt,
        r.rating ? t(`event.rating.${r.rating}` as TextKey) : '',
        r.reopenCount,
        r.supervision ? t(`event.supervision.${r.supervision}` as TextKey) : '',
        r.result ?? '',
      ]);
    }
    return { name: t('ledger.kind.events'), header, rows: out, widths: [18, 12, 14, 12, 12, 8, 40, 20, 10, 18, 14, 8, 10, 18, 18, 10, 8, 8, 30] };
  },

  async tasks({ repos, period, now, byId, unitIds, names }) {
    const rows = await repos.assessment.taskLedger(unitIds, period);
    const header = ['number', 'title', 'priority', 'state', 'unit', 'dispatcher', 'assignee', 'event', 'dispatchedAt', 'deadline', 'submittedAt', 'due', 'onTime', 'escalation', 'result'].map(h);
    const out = [];
    for (const r of rows) {
      const unit = byId.get(r.gridId ?? r.scopeUnitId);
      const facts = { state: r.state as TaskState, deadline: r.deadline, submittedAt: r.submittedAt, finishedAt: r.finishedAt };
      const done = reportedDoneAt(facts);
      // 本期到期 and 是否按期 are the figures' own rules (domain/figures), so the sheet adds up to 统计 and 考核.
      const due = yesNo(isTaskDue(facts, period, now));
      const onTime = done ? yesNo(isTaskOnTime(facts)) : r.state === 'withdrawn' ? '' : t('ledger.pending');
      out.push([
        r.number,
        r.title,
        t(`task.priority.${r.priority}` as TextKey),
        t(`task.state.${r.state}` as TextKey),
        unit?.name ?? '',
        await names.of(r.dispatcherId),
        await names.of(r.assigneeId),
        r.eventNumber ?? '',
        r.dispatchedAt,
        r.deadline,
        done,
        due,
        onTime,
        r.escalation ? t(`task.rung.${r.escalation}` as TextKey) : '',
        r.result ?? '',
      ]);
    }
    return { name: t('ledger.kind.tasks'), header, rows: out, widths: [16, 30, 8, 10, 14, 10, 10, 18, 18, 18, 18, 8, 8, 8, 30] };
  },

  async reports({ repos, period, now, byId, gridIds, names, calendar }) {
    const members = new Map<number, number>();
    for (const g of gridIds) for (const m of await repos.org.membersWithRole(g, 'gridworker')) members.set(m.id, g);
    const filed = await repos.assessment.infoReportsFiled([...members.keys()], period, calendar.timeZone);
    // Report days up to and including today; a filing on another day answers no report day.
    const due = new Set(reportDaysOf(period, new Date(now.getTime() + 86400_000), calendar));
    const header = ['period', 'gridCode', 'grid', 'member', 'filedAt', 'onTime', 'content'].map(h);
    const out = [];
    for (const f of filed) {
      const grid = byId.get(f.unitId) ?? byId.get(members.get(f.memberId) ?? -1);
      out.push([
        f.period,
        grid?.code ?? '',
        grid?.name ?? '',
        await names.of(f.memberId),
        f.reportedAt,
        due.has(f.period) ? yesNo(calendar.localDate(f.reportedAt) <= f.period) : t('ledger.notReportDay'),
        f.unchanged ? t('ledger.unchanged') : f.categories.join('、'),
      ]);
    }
    return { name: t('ledger.kind.reports'), header, rows: out, widths: [12, 12, 14, 10, 18, 8, 40] };
  },

  /** 培训台账: every attendance of a member of the unit's subtree at a training held in the period. */
  async training({ repos, period, unit, byId, names, calendar }) {
    const { attendances, unitOf } = await trainingAttendances(repos, unit, period, calendar);
    const header = ['trainingDay', 'trainingName', 'trainingHours', 'member', 'unit'].map(h);
    const out = [];
    for (const a of attendances) out.push([a.training.day, a.training.name, a.training.hours, await names.of(a.memberId), byId.get(unitOf.get(a.memberId) ?? -1)?.name ?? '']);
    return { name: t('ledger.kind.training'), header, rows: out, widths: [12, 30, 8, 10, 16] };
  },

  async assessment({ repos, unit, period, now, gridIds, byId, names, service, calendar }) {
    const grids = gridIds.map((id) => byId.get(id)!).filter(Boolean);
    const scored = await service.gridScores(repos, calendar, grids, period, now);
    const ranked = [...scored].sort((a, b) => b.score.total - a.score.total || a.subject.code.localeCompare(b.subject.code));
    const header = [h('rank'), h('gridCode'), h('grid'), h('total'), h('grade'), ...ranked[0]?.score.indicators.map((i) => indicatorName(i.indicator)) ?? [], h('deduction'), h('manual')];
    let rankNo = 0;
    const rows = ranked.map((s, i) => {
      if (i === 0 || ranked[i - 1].score.total !== s.score.total) rankNo = i + 1;
      return [
        rankNo,
        s.subject.code,
        s.subject.name,
        s.score.total,
        gradeName(s.score.grade),
        ...s.score.indicators.map((x) => (x.counted ? Math.round(x.points * 10) / 10 : null)),
        -(s.score.supervisionDeduction + s.score.overdueDeduction),
        s.score.manual,
      ];
    });
    const adjustments = await repos.assessment.adjustments('grid', gridIds, period);
    const members = await repos.org.membersUnder(unit.path);
    const memberAdjustments = await repos.assessment.adjustments('member', [...new Set(members.map((m) => m.id))], period);
    const log = [];
    for (const a of [...adjustments, ...memberAdjustments].sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime())) {
      log.push([a.createdAt, a.subjectKind === 'grid' ? `${byId.get(a.subjectId)?.code ?? ''} ${byId.get(a.subjectId)?.name ?? ''}` : await names.of(a.subjectId), a.points, a.reason, await names.of(a.actorId)]);
    }
    return [
      { name: t('ledger.kind.assessment'), header, rows, widths: [6, 12, 14, 8, 8, ...header.slice(5).map(() => 12)] },
      { name: t('ledger.sheet.adjustments'), header: [h('at'), h('unit'), h('points'), h('reason'), h('actor')], rows: log, widths: [18, 20, 8, 40, 10] },
    ];
  },
};
