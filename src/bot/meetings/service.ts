/**
 * The meetings use cases inside one transaction: prepare (compose and store) an agenda, record a
 * decision as a task, close a meeting, file a monthly plan, create an export link.
 */
import crypto from 'node:crypto';
import { LEADER_ROLE, type OrgUnit } from '../../domain/org/org';
import { WorkingCalendar } from '../../domain/calendar/working-calendar';
import {
  composeMonthlyAgenda,
  composeWeeklyAgenda,
  DEFAULT_MEETING_TIMES,
  HARD_CASE_OPEN_DAYS,
  meetingNumber,
  nextStepFor,
  occurrenceOf,
  planMonthFor,
  type Agenda,
  type AgendaStatus,
  type CommunityMonth,
  type GridWeek,
  type Leader,
  type MeetingKind,
  type MeetingTimes,
  type TrackedItem,
} from '../../domain/meeting';
import { MEETING_LEVEL } from '../../domain/meeting/meeting';
import type { BotMessage } from '../message';
import { cardToText } from '../message';
import type { Notifier } from '../notify';
import type { Repos, Tx } from '../ports';
import { t } from '../texts';
import type { TaskService } from '../tasks/contract';
import { agendaCard, agendaSnapshot, meetingName, minutesCard, ZONE, type AgendaSnapshot } from './format';
import type { MinuteEntry, StoredMeeting } from './ports';
import { meetingOutput, type DocumentFormat } from './render-port';

/** Matters listed per agenda section at most; the counts stay exact. */
const LIST_LIMIT = 200;
/** A chart larger than this is not embedded (outbox rows are TEXT). */
const MAX_INLINE_CHART_BYTES = 26_000;
const EXPORT_TTL_MS = 7 * 86_400_000;

export interface PreparedAgenda {
  meeting: StoredMeeting;
  snapshot: AgendaSnapshot;
  message: BotMessage;
  /** Items that went to a leader's 督办 at this composition (leaders were told 1:1). */
  newlySupervised: TrackedItem[];
}

export class MeetingService {
  readonly calendar: WorkingCalendar;

  constructor(
    private readonly tasks: TaskService,
    readonly times: MeetingTimes = DEFAULT_MEETING_TIMES,
    calendar?: WorkingCalendar,
  ) {
    this.calendar = calendar ?? new WorkingCalendar();
  }

  /** Composes the unit's agenda for the current period and stores it; a closed meeting is shown as it was. */
  async prepareAgenda(tx: Tx, kind: MeetingKind, unit: OrgUnit, notify: Notifier): Promise<PreparedAgenda> {
    const repo = tx.repos.meetings;
    const occ = occurrenceOf(kind, tx.now, this.calendar, ZONE, this.times);
    const existing = await repo.byPeriod(unit.id, kind, occ.key);
    if (existing?.status === 'closed') {
      const snapshot = JSON.parse(existing.agenda) as AgendaSnapshot;
      return { meeting: existing, snapshot, message: await this.agendaMessage(snapshot), newlySupervised: [] };
    }
    const previous = await repo.previous(unit.id, kind, occ.key);
    const prevItems = previous ? await repo.items(previous.id) : [];
    const facts = await repo.matters(
      prevItems.map((i) => i.ref),
      tx.now,
    );
    const status = (ref: string): AgendaStatus | undefined => {
      const f = facts.get(ref);
      return f ? { solved: !f.open, nextStep: nextStepFor(f, MEETING_LEVEL[kind]) } : undefined;
    };
    const leaders: Leader[] = (await tx.repos.org.membersWithRole(unit.id, LEADER_ROLE[unit.level]))
      .sort((a, b) => a.id - b.id)
      .map((m) => ({ memberId: m.id, name: m.name }));
    const subtree = await tx.repos.org.subtree(unit.path);
    const ref = { id: unit.id, code: unit.code, name: unit.name };
    const base = { occurrence: occ, previous: previous ? { tracked: prevItems } : null, status, leaders, now: tx.now };
    const agenda: Agenda =
      kind === 'weekly'
        ? composeWeeklyAgenda({ ...base, community: ref, ...(await this.weeklyFigures(tx.repos, subtree, occ.reviews, tx.now)) })
        : composeMonthlyAgenda({ ...base, town: ref, ...(await this.monthlyFigures(tx.repos, subtree, occ.reviews, tx.now)) });

    const snapshot = agendaSnapshot(agenda);
    const number = meetingNumber(kind, unit.code, occ.key);
    const meeting =
      existing ?? (await repo.create({ number, kind, unitId: unit.id, periodKey: occ.key, heldAt: occ.at, agenda: '{}', chairId: leaders[0]?.memberId ?? null, composedAt: tx.now }));
    await repo.saveAgenda(meeting.id, JSON.stringify(snapshot), tx.now);
    const stored = existing ? await repo.items(meeting.id) : [];
    const tracked = new Set(agenda.tracked.map((i) => i.ref));
    // Decisions taken at this meeting are tracked with it from the moment they are taken.
    const ownDecisions = stored.filter((i) => i.source === 'decision' && i.appearances === 1 && !tracked.has(i.ref));
    await repo.replaceItems(meeting.id, [...agenda.tracked, ...ownDecisions]);

    const wasSupervised = new Set(stored.filter((i) => i.supervisedSince !== null).map((i) => i.ref));
    const newlySupervised = agenda.carried.filter((i) => i.supervisedSince !== null && i.supervisedSince.getTime() === tx.now.getTime() && !wasSupervised.has(i.ref));
    await this.tellSupervisors(notify, meeting, newlySupervised);
    return { meeting: { ...meeting, agenda: JSON.stringify(snapshot) }, snapshot, message: await this.agendaMessage(snapshot), newlySupervised };
  }

  private async tellSupervisors(notify: Notifier, meeting: StoredMeeting, items: TrackedItem[]): Promise<void> {
    const byLeader = new Map<number, TrackedItem[]>();
    for (const i of items) if (i.supervisor) byLeader.set(i.supervisor.memberId, [...(byLeader.get(i.supervisor.memberId) ?? []), i]);
    for (const [memberId, list] of byLeader) {
      const text = t('meeting.supervision.notice', { meeting: meetingName(meeting), items: list.map((i) => `· ${i.title}`).join('\n') });
      await notify.member(memberId, { text });
    }
  }

  async agendaMessage(snapshot: AgendaSnapshot): Promise<BotMessage> {
    const { renderer } = meetingOutput();
    let imageUrl: string | null = null;
    if (renderer && snapshot.chart.bars.length) {
      const png = await renderer.chartPng(snapshot.chart);
      if (png.length <= MAX_INLINE_CHART_BYTES) imageUrl = `data:image/png;base64,${png.toString('base64')}`;
    }
    const card = agendaCard(snapshot, imageUrl);
    return { text: cardToText(card), card };
  }

  private async weeklyFigures(repos: Repos, subtree: OrgUnit[], period: { from: Date; to: Date }, now: Date) {
    const grids = subtree.filter((u) => u.level === 'grid');
    const ids = grids.map((g) => g.id);
    const counts = new Map((await repos.meetings.eventCounts(ids, period)).map((c) => [c.gridUnitId, c]));
    const problems = await repos.meetings.eventsReported(ids, period, now, LIST_LIMIT);
    const info = await repos.meetings.infoReports(ids, period);
    const patrols = await repos.meetings.patrols(ids, period, this.workingDays(period));
    const gridWeeks: GridWeek[] = grids.map((g) => {
      const c = counts.get(g.id);
      return {
        grid: { id: g.id, code: g.code, name: g.name },
        events: { reported: c?.reported ?? 0, solved: c?.solved ?? 0, open: c?.open ?? 0, settledOnSpot: c?.settledOnSpot ?? 0 },
        infoReports: info ? (info.get(g.id) ?? { done: 0, of: 0 }) : null,
        patrols: patrols ? (patrols.get(g.id) ?? { done: 0, of: 0 }) : null,
        notable: problems
          .filter((p) => p.gridUnitId === g.id && p.urgency !== 'normal')
          .slice(-3)
          .reverse()
          .map((p) => `${p.number} ${p.title}`),
      };
    });
    return { grids: gridWeeks, problems };
  }

  private async monthlyFigures(repos: Repos, subtree: OrgUnit[], period: { from: Date; to: Date }, now: Date) {
    const communities = subtree.filter((u) => u.level === 'community');
    const grids = subtree.filter((u) => u.level === 'grid');
    const communityOf = new Map<number, number>();
    for (const g of grids) {
      const c = communities.find((x) => g.path.startsWith(x.path));
      if (c) communityOf.set(g.id, c.id);
    }
    const gridIds = grids.map((g) => g.id);
    const counts = await repos.meetings.eventCounts(gridIds, period);
    const info = await repos.meetings.infoReports(gridIds, period);
    const patrols = await repos.meetings.patrols(gridIds, period, this.workingDays(period));
    const months: CommunityMonth[] = [];
    for (const c of communities) {
      const mine = counts.filter((x) => communityOf.get(x.gridUnitId) === c.id);
      const myGrids = grids.filter((g) => communityOf.get(g.id) === c.id).map((g) => g.id);
      const byCategory: Record<string, number> = Object.create(null) as Record<string, number>; // category names are user words
      for (const x of mine) for (const [k, v] of Object.entries(x.byCategory)) byCategory[k] = (byCategory[k] ?? 0) + v;
      const sum = (f: (x: (typeof mine)[number]) => number) => mine.reduce((s, x) => s + f(x), 0);
      const ratioOf = (m: Map<number, { done: number; of: number }> | null) =>
        m ? myGrids.reduce((r, id) => ({ done: r.done + (m.get(id)?.done ?? 0), of: r.of + (m.get(id)?.of ?? 0) }), { done: 0, of: 0 }) : null;
      months.push({
        community: { id: c.id, code: c.code, name: c.name },
        events: { reported: sum((x) => x.reported), solved: sum((x) => x.solved), open: sum((x) => x.open), settledOnSpot: sum((x) => x.settledOnSpot), escalated: sum((x) => x.escalated), byCategory },
        tasks: await repos.meetings.tasksDue(
          subtree.filter((u) => u.path.startsWith(c.path)).map((u) => u.id),
          period,
        ),
        infoReports: ratioOf(info),
        patrols: ratioOf(patrols),
      });
    }
    const planMonth = planMonthFor(now, this.calendar, ZONE, this.times);
    const plans = await repos.meetings.plans(
      communities.map((c) => c.id),
      planMonth,
    );
    const openBefore = new Date(now.getTime() - HARD_CASE_OPEN_DAYS * 86_400_000);
    const candidates = (await repos.meetings.hardCaseCandidates(gridIds, openBefore, now, LIST_LIMIT)).map((e) => ({ ...e, communityId: communityOf.get(e.gridUnitId) ?? 0 }));
    return { communities: months, planMonth, plans, candidates };
  }

  private workingDays(period: { from: Date; to: Date }): number {
    let n = 0;
    for (let d = period.from.getTime(); d < period.to.getTime(); d += 86_400_000) if (this.calendar.isWorkingDay(new Date(d + 12 * 3_600_000))) n++;
    return n;
  }

  async recordDecision(
    tx: Tx,
    meeting: StoredMeeting,
    input: { text: string; responsible: { id: number; name: string }; deadline: Date; authorId: number },
  ): Promise<{ minute: MinuteEntry; taskNumber: string; n: number }> {
    const [task] = await this.tasks.dispatch(tx, {
      title: t('meeting.decision.title', { text: input.text }).slice(0, 200),
      details: `${meetingName(meeting)}（${meeting.number}）`,
      assignee: { kind: 'member', memberId: input.responsible.id },
      dispatcherMemberId: input.authorId,
      scopeUnitId: meeting.unitId,
      deadline: input.deadline,
      priority: 'normal',
      source: { kind: 'meeting', ref: meeting.number },
    });
    const minute = await tx.repos.meetings.addMinute({
      meetingId: meeting.id,
      kind: 'decision',
      text: input.text,
      responsibleId: input.responsible.id,
      responsibleName: input.responsible.name,
      deadline: input.deadline,
      taskNumber: task.number,
      authorId: input.authorId,
      at: tx.now,
    });
    await tx.repos.meetings.addItem(meeting.id, {
      ref: `task:${task.number}`,
      source: 'decision',
      title: `${t('meeting.decision.title', { text: input.text })}（${input.responsible.name}，${task.number}）`,
      unitId: meeting.unitId,
      appearances: 1,
      supervisor: null,
      supervisedSince: null,
    });
    const n = (await tx.repos.meetings.minutes(meeting.id)).length;
    return { minute, taskNumber: task.number, n };
  }

  async close(tx: Tx, meeting: StoredMeeting, memberId: number, unit: OrgUnit, notify: Notifier): Promise<BotMessage> {
    await tx.repos.meetings.close(meeting.id, memberId, tx.now);
    const card = minutesCard(meeting, await tx.repos.meetings.minutes(meeting.id));
    const message: BotMessage = { text: `${t('meeting.minutes.closed', { meeting: meetingName(meeting) })}\n${cardToText(card)}`, card };
    await notify.unit(unit, message);
    return message;
  }

  async createExport(tx: Tx, meeting: StoredMeeting, format: DocumentFormat): Promise<{ url: string; fileName: string }> {
    const token = crypto.randomBytes(16).toString('hex');
    await tx.repos.meetings.createExport({ token, meetingId: meeting.id, format, createdAt: tx.now, expiresAt: new Date(tx.now.getTime() + EXPORT_TTL_MS) });
    const fileName = exportFileName(meeting, format);
    const base = meetingOutput().baseUrl ?? '';
    return { url: `${base.replace(/\/$/, '')}/files/${token}/${encodeURIComponent(fileName)}`, fileName };
  }

  planMonth(now: Date): string {
    return planMonthFor(now, this.calendar, ZONE, this.times);
  }
}

export function exportFileName(meeting: Pick<StoredMeeting, 'number'>, format: DocumentFormat): string {
  return `${meeting.number}.${format}`;
}

export const MIME: Record<DocumentFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
};
