/**
 * The meetings use cases inside one transaction: prepare (compose and store) an agenda, record a
 * decision as a task, close a meeting, file a monthly plan, create an export link.
 */
import { LEADER_ROLE, type OrgUnit } from '../../domain/org/org';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
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
  type MeetingOccurrence,
  type MeetingTimes,
  type Ratio,
  type TrackedItem,
} from '../../domain/meeting';
import { MEETING_LEVEL } from '../../domain/meeting/meeting';
import type { BotMessage } from '../message';
import { cardToText } from '../message';
import type { Notifier } from '../notify';
import type { Tx } from '../ports';
import { fileLinkUrl, issueFileLink } from '../files';
import { exportFileName, MINUTES_FILE, type MinutesSpec } from './exports';
import { t } from '../texts';
import type { TaskService } from '../tasks/contract';
import { agendaCard, agendaSnapshot, meetingName, minutesCard, type AgendaSnapshot } from './format';
import type { AttendanceFacts, MinuteEntry, StoredMeeting } from './ports';
import type { DaibanFigures, VisitCoverage } from '../assessment/ports';
import { NO_OUTPUT, type DocumentFormat, type MeetingOutput } from './render-port';
import type { MeetingsRepos } from './ports';

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
  readonly times: MeetingTimes;
  private readonly tasks: TaskService<MeetingsRepos>;
  private readonly attendance: AttendanceFacts;
  private readonly output: MeetingOutput;
  private readonly visits: VisitCoverage | null;
  private readonly daiban: DaibanFigures | null;

  constructor(deps: { tasks: TaskService<MeetingsRepos>; attendance: AttendanceFacts; visits?: VisitCoverage; daiban?: DaibanFigures; output?: MeetingOutput; times?: MeetingTimes }) {
    this.tasks = deps.tasks;
    this.visits = deps.visits ?? null;
    this.daiban = deps.daiban ?? null;
    this.attendance = deps.attendance;
    this.output = deps.output ?? NO_OUTPUT;
    this.times = deps.times ?? DEFAULT_MEETING_TIMES;
  }

  /** 信息报送 and 巡查 per grid: the sums over its active gridworkers, judged at the period's end. */
  private async gridAttendance(repos: MeetingsRepos, calendar: WorkingCalendar, gridUnitIds: number[], period: { from: Date; to: Date }): Promise<{ infoReports: Map<number, Ratio>; patrols: Map<number, Ratio> }> {
    const infoReports = new Map<number, Ratio>(gridUnitIds.map((id) => [id, { done: 0, of: 0 }]));
    const patrols = new Map<number, Ratio>(gridUnitIds.map((id) => [id, { done: 0, of: 0 }]));
    const workers = await repos.meetings.gridworkers(gridUnitIds);
    const memberIds = [...new Set([...workers.values()].flat())];
    if (!memberIds.length) return { infoReports, patrols };
    // The reviewed period has ended, so its end is the instant it is judged at: every day of it counts.
    const perMember = await this.attendance.attendanceFacts(repos, calendar, memberIds, { start: period.from, end: period.to }, period.to);
    const add = (a: Ratio, b: Ratio): Ratio => ({ done: a.done + b.done, of: a.of + b.of });
    for (const [gridId, ids] of workers) {
      for (const id of ids) {
        const m = perMember.get(id);
        if (!m) continue;
        infoReports.set(gridId, add(infoReports.get(gridId)!, m.infoReports));
        patrols.set(gridId, add(patrols.get(gridId)!, m.patrols));
      }
    }
    return { infoReports, patrols };
  }

  /** Composes the unit's agenda for the current period and stores it; a closed meeting is shown as it was. */
  async prepareAgenda(tx: Tx<MeetingsRepos>, kind: MeetingKind, unit: OrgUnit, notify: Notifier): Promise<PreparedAgenda> {
    const repo = tx.repos.meetings;
    const occ = occurrenceOf(kind, tx.now, tx.calendar, tx.calendar.timeZone, this.times);
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
        ? composeWeeklyAgenda({ ...base, community: ref, ...(await this.weeklyFigures(tx.repos, tx.calendar, subtree, occ.reviews, tx.now)) })
        : composeMonthlyAgenda({ ...base, town: ref, ...(await this.monthlyFigures(tx.repos, tx.calendar, subtree, occ, tx.now)) });

    const snapshot = agendaSnapshot(tx.calendar, agenda);
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
    await this.tellSupervisors(tx.calendar, notify, meeting, newlySupervised);
    return { meeting: { ...meeting, agenda: JSON.stringify(snapshot) }, snapshot, message: await this.agendaMessage(snapshot), newlySupervised };
  }

  private async tellSupervisors(calendar: WorkingCalendar, notify: Notifier, meeting: StoredMeeting, items: TrackedItem[]): Promise<void> {
    const byLeader = new Map<number, TrackedItem[]>();
    for (const i of items) if (i.supervisor) byLeader.set(i.supervisor.memberId, [...(byLeader.get(i.supervisor.memberId) ?? []), i]);
    for (const [memberId, list] of byLeader) {
      const text = t('meeting.supervision.notice', { meeting: meetingName(calendar, meeting), items: list.map((i) => `· ${i.title}`).join('\n') });
      await notify.member(memberId, { text });
    }
  }

  async agendaMessage(snapshot: AgendaSnapshot): Promise<BotMessage> {
    const { renderer } = this.output;
    let imageUrl: string | null = null;
    if (renderer && snapshot.chart.bars.length) {
      const png = await renderer.chartPng(snapshot.chart);
      if (png.length <= MAX_INLINE_CHART_BYTES) imageUrl = `data:image/png;base64,${png.toString('base64')}`;
    }
    const card = agendaCard(snapshot, imageUrl);
    return { text: cardToText(card), card };
  }

  private async weeklyFigures(repos: MeetingsRepos, calendar: WorkingCalendar, subtree: OrgUnit[], period: { from: Date; to: Date }, now: Date) {
    const grids = subtree.filter((u) => u.level === 'grid');
    const ids = grids.map((g) => g.id);
    const counts = new Map((await repos.meetings.eventCounts(ids, period)).map((c) => [c.gridUnitId, c]));
    const problems = await repos.meetings.eventsReported(ids, period, now, LIST_LIMIT);
    const { infoReports: info, patrols } = await this.gridAttendance(repos, calendar, ids, period);
    // 未按期走访: households due a visit and not visited in time, as the reviewed week ends.
    const visits = this.visits && ids.length ? await this.visits.ofGrids(repos, ids, period.to) : null;
    const gridWeeks: GridWeek[] = grids.map((g) => {
      const c = counts.get(g.id);
      const v = visits?.get(g.id);
      return {
        overdueVisits: v ? v.of - v.done : null,
        grid: { id: g.id, code: g.code, name: g.name },
        events: { reported: c?.reported ?? 0, solved: c?.solved ?? 0, open: c?.open ?? 0, returned: c?.returned ?? 0, settledOnSpot: c?.settledOnSpot ?? 0 },
        infoReports: info.get(g.id) ?? { done: 0, of: 0 },
        patrols: patrols.get(g.id) ?? { done: 0, of: 0 },
        notable: problems
          .filter((p) => p.gridUnitId === g.id && p.urgency !== 'normal')
          .slice(-3)
          .reverse()
          .map((p) => `${p.number} ${p.title}`),
      };
    });
    return { grids: gridWeeks, problems };
  }

  /** 代办 of a community's month (by the one definition in src/domain/figures); null when it had none. */
  private async daibanOf(repos: MeetingsRepos, path: string, period: { start: Date; end: Date }, now: Date): Promise<{ done: number; of: number } | null> {
    if (!this.daiban) return null;
    const tally = await this.daiban.tally(repos, path, period, now);
    return tally.received || tally.due ? { done: tally.onTime, of: tally.due } : null;
  }

  /** Figures of the month the meeting `occ` reviews, and the plans submitted for that meeting's month. */
  private async monthlyFigures(repos: MeetingsRepos, calendar: WorkingCalendar, subtree: OrgUnit[], occ: MeetingOccurrence, now: Date) {
    const period = occ.reviews;
    const communities = subtree.filter((u) => u.level === 'community');
    const grids = subtree.filter((u) => u.level === 'grid');
    const communityOf = new Map<number, number>();
    for (const g of grids) {
      const c = communities.find((x) => g.path.startsWith(x.path));
      if (c) communityOf.set(g.id, c.id);
    }
    const gridIds = grids.map((g) => g.id);
    const counts = await repos.meetings.eventCounts(gridIds, period);
    const { infoReports: info, patrols } = await this.gridAttendance(repos, calendar, gridIds, period);
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
        events: { reported: sum((x) => x.reported), solved: sum((x) => x.solved), open: sum((x) => x.open), returned: sum((x) => x.returned), settledOnSpot: sum((x) => x.settledOnSpot), escalated: sum((x) => x.escalated), byCategory },
        tasks: await repos.meetings.tasksDue(
          subtree.filter((u) => u.path.startsWith(c.path)).map((u) => u.id),
          period,
          now,
        ),
        infoReports: ratioOf(info),
        patrols: ratioOf(patrols),
        daiban: await this.daibanOf(repos, c.path, { start: period.from, end: period.to }, now),
      });
    }
    // The month follows from the meeting, not from when the agenda is asked for: after the meeting
    // has started, its agenda still lists the plans submitted for it.
    const planMonth = occ.key;
    const plans = await repos.meetings.plans(
      communities.map((c) => c.id),
      planMonth,
    );
    const openBefore = new Date(now.getTime() - HARD_CASE_OPEN_DAYS * 86_400_000);
    const candidates = (await repos.meetings.hardCaseCandidates(gridIds, openBefore, now, LIST_LIMIT)).map((e) => ({ ...e, communityId: communityOf.get(e.gridUnitId) ?? 0 }));
    return { communities: months, planMonth, plans, candidates };
  }


  async recordDecision(
    tx: Tx<MeetingsRepos>,
    meeting: StoredMeeting,
    input: { text: string; responsible: { id: number; name: string }; deadline: Date; authorId: number },
  ): Promise<{ minute: MinuteEntry; taskNumber: string; n: number }> {
    const [task] = await this.tasks.dispatch(tx, {
      title: t('meeting.decision.title', { text: input.text }).slice(0, 200),
      details: `${meetingName(tx.calendar, meeting)}（${meeting.number}）`,
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

  async close(tx: Tx<MeetingsRepos>, meeting: StoredMeeting, memberId: number, unit: OrgUnit, notify: Notifier): Promise<BotMessage> {
    await tx.repos.meetings.close(meeting.id, memberId, tx.now);
    const card = minutesCard(tx.calendar, meeting, await tx.repos.meetings.minutes(meeting.id));
    const message: BotMessage = { text: `${t('meeting.minutes.closed', { meeting: meetingName(tx.calendar, meeting) })}\n${cardToText(card)}`, card };
    await notify.unit(unit, message);
    return message;
  }

  async createExport(tx: Tx<MeetingsRepos>, meeting: StoredMeeting, format: DocumentFormat): Promise<{ url: string; fileName: string }> {
    const spec: MinutesSpec = { meetingId: meeting.id, format };
    const link = await issueFileLink(tx, { kind: MINUTES_FILE, spec, memberId: null, lifetimeMs: EXPORT_TTL_MS, once: false });
    const fileName = exportFileName(meeting, format);
    return { url: fileLinkUrl(this.output.baseUrl(), link.token, fileName), fileName };
  }

  planMonth(now: Date, calendar: WorkingCalendar): string {
    return planMonthFor(now, calendar, calendar.timeZone, this.times);
  }
}
