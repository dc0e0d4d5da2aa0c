/**
 * The leaders' console (驾驶舱): the one-time sign-in link handed out in chat, sessions, and what a
 * signed-in member may see — always their own units and everything under them. The figures come
 * from the assessment service and src/domain/figures (the same definitions agendas and 考核 use);
 * nothing here counts on its own.
 */
import crypto from 'node:crypto';
import type { Member, OrgUnit } from '../../domain/org/org';
import { GLOBAL_UNIT_ID, isWithin, roleRank } from '../../domain/org/org';
import { OPEN_EVENT_STATES } from '../../domain/event/event';
import { ACTIVE_TASK_STATES } from '../../domain/task/task';
import { isDaibanOverdue, OPEN_DAIBAN_STATES, parseDaibanNumber } from '../../domain/daiban/daiban';
import { periodContaining } from '../../domain/assessment/period';
import { eventStanding } from '../../domain/figures';
import { ageBucket, boundaryCentre, eventPlace, AGE_BUCKETS, type AgeBucket } from '../../domain/console/map';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { Tx } from '../ports';
import { issueFileLink } from '../files';
import { AssessmentService } from '../assessment/service';
import { LEDGER_FILE, LEDGER_KINDS, type LedgerKind, type LedgerSpec } from '../assessment/ledgers';
import type { ConsoleRepos, ConsoleSession } from './ports';
import { t, type TextKey } from '../texts';
import { consoleTiles } from './tiles';

/** The file-link kind of a sign-in link: used up by its first opening. */
export const CONSOLE_LOGIN_LINK = 'console-login';
export const LOGIN_LINK_MINUTES = 5;
export const SESSION_HOURS = 8;
/** Ledger download links made in the console live as long as those made in chat. */
const DOWNLOAD_MINUTES = 30;
/** Most open 代办 the console counts at once (a county's worth; the list shows the oldest). */
const DAIBAN_QUEUE_LIMIT = 5000;

/** Rows a queue list shows (the oldest); its total is always given. */
export const QUEUE_ROWS = 200;
/**
 * Points the map ships at most: open events first, then the period's newest. A county's month is
 * tens of thousands of events — more than a map can show or a first page can wait for; the heat
 * view draws the period's count per grid instead (counted in the database).
 */
export const MAP_POINTS = 2000;
/** Who may open the console: grid heads and everyone ranked above them. */
export const CONSOLE_MIN_ROLE = 'grid_head' as const;

export const sessionHash = (value: string): string => crypto.createHash('sha256').update(value).digest('hex');

export type LoginOutcome = { ok: true; cookie: string; session: ConsoleSession } | { ok: false; reason: 'unknown' | 'expired' | 'used' | 'not_allowed' };

export interface SignedIn {
  member: Member;
  session: ConsoleSession;
  /** The highest units the member leads; everything shown lies within them. */
  scope: OrgUnit[];
}

export class ConsoleService {
  constructor(private readonly assessment = new AssessmentService()) {}

  /** Issues the one-time sign-in link of `控制台`. */
  async issueLogin(tx: Pick<Tx<ConsoleRepos>, 'now' | 'repos'>, member: Member): Promise<string> {
    const link = await issueFileLink(tx, { kind: CONSOLE_LOGIN_LINK, spec: {}, memberId: member.id, lifetimeMs: LOGIN_LINK_MINUTES * 60_000, once: true });
    return link.token;
  }

  /** Uses a sign-in link up and opens a session for its member. */
  async login(tx: Pick<Tx<ConsoleRepos>, 'now' | 'repos'>, token: string): Promise<LoginOutcome> {
    const seen = await tx.repos.files.peek(token, tx.now);
    if (!seen.ok) return seen.kind === CONSOLE_LOGIN_LINK || seen.kind === undefined ? { ok: false, reason: seen.reason } : { ok: false, reason: 'unknown' };
    if (seen.link.kind !== CONSOLE_LOGIN_LINK || seen.link.memberId === null) return { ok: false, reason: 'unknown' };
    const opened = await tx.repos.files.open(token, tx.now);
    if (!opened.ok) return { ok: false, reason: opened.reason };
    const member = await tx.repos.org.member(seen.link.memberId);
    if (!member || (await this.scopeOf(tx.repos, member)).length === 0) return { ok: false, reason: 'not_allowed' };
    const cookie = crypto.randomBytes(32).toString('base64url');
    const session: ConsoleSession = { memberId: member.id, csrf: crypto.randomBytes(24).toString('base64url'), expiresAt: new Date(tx.now.getTime() + SESSION_HOURS * 3600_000) };
    await tx.repos.console.createSession({ ...session, idHash: sessionHash(cookie), createdAt: tx.now });
    await tx.repos.audit.record({ at: tx.now, actorMemberId: member.id, action: 'console.login' });
    return { ok: true, cookie, session };
  }

  /** The member behind a session cookie, with what they may see; null for no valid session. */
  async signedIn(repos: ConsoleRepos, cookie: string | undefined, now: Date): Promise<SignedIn | null> {
    if (!cookie || cookie.length > 100) return null;
    const session = await repos.console.session(sessionHash(cookie), now);
    if (!session) return null;
    const member = await repos.org.member(session.memberId);
    if (!member) return null;
    const scope = await this.scopeOf(repos, member);
    return scope.length ? { member, session, scope } : null;
  }

  /** The highest units where the member holds grid head or a stronger role (all roots for a global admin). */
  async scopeOf(repos: ConsoleRepos, member: Member): Promise<OrgUnit[]> {
    const grants = member.roles.filter((g) => roleRank(g.role) >= roleRank(CONSOLE_MIN_ROLE));
    if (grants.some((g) => g.unitId === GLOBAL_UNIT_ID)) return repos.org.roots();
    const units: OrgUnit[] = [];
    for (const g of grants) {
      const unit = await repos.org.unit(g.unitId);
      if (unit) units.push(unit);
    }
    return units.filter((u) => !units.some((o) => o.id !== u.id && isWithin(u.path, o.path) && o.path !== u.path)).filter((u, i, all) => all.findIndex((o) => o.id === u.id) === i);
  }

  private async unitsIn(repos: ConsoleRepos, scope: OrgUnit[]): Promise<OrgUnit[]> {
    const out: OrgUnit[] = [];
    for (const root of scope) out.push(...(await repos.org.subtree(root.path)));
    return out;
  }

  /** This month's figures of each scope unit and the ranking of its children, with the trend since last month. */
  async overview(repos: ConsoleRepos, calendar: WorkingCalendar, who: SignedIn, now: Date) {
    const period = periodContaining('month', now, calendar.timeZone);
    const units = [];
    for (const unit of who.scope) {
      const { facts, ranking: ranked } = await this.assessment.unitOverview(repos, calendar, unit, period, now);
      units.push({
        unit: { code: unit.code, name: unit.name, level: unit.level },
        figures: facts,
        ranking: ranked.map((r) => ({ rank: r.rank, code: r.item.unit.code, name: r.item.unit.name, total: r.item.total, trend: r.item.trend })),
      });
    }
    return { period: { key: period.key, label: period.label }, member: { name: who.member.name }, units };
  }

  /** Boundaries as one GeoJSON FeatureCollection, events as points, and check-ins made outside their grid. */
  async map(repos: ConsoleRepos, calendar: WorkingCalendar, who: SignedIn, now: Date) {
    const period = periodContaining('month', now, calendar.timeZone);
    const units = await this.unitsIn(repos, who.scope);
    const grids = units.filter((u) => u.level === 'grid');
    const boundaries = await repos.console.boundaries(grids.map((g) => g.id));
    const features = [];
    const centres = new Map<number, ReturnType<typeof boundaryCentre>>();
    for (const g of grids) {
      const text = boundaries.get(g.id);
      if (!text) continue;
      const geometry = JSON.parse(text) as { type: string; geometry?: unknown };
      features.push({ type: 'Feature', properties: { name: `${g.code} ${g.name}`, code: g.code }, geometry: geometry.type === 'Feature' ? geometry.geometry : geometry });
      centres.set(g.id, boundaryCentre(text));
    }
    const rows = await repos.console.mapEvents(grids.map((g) => g.id), period.start, OPEN_EVENT_STATES, MAP_POINTS);
    const open = rows.filter((e) => eventStanding(e.state as never) === 'open');
    const chosen = [...open, ...rows.filter((e) => eventStanding(e.state as never) !== 'open')].slice(0, MAP_POINTS);
    const events = [];
    for (const e of chosen) {
      const place = eventPlace(e.location, centres.get(e.gridUnitId) ?? null);
      if (!place) continue;
      events.push({ number: e.number, category: e.category, state: e.state, standing: eventStanding(e.state as never), urgency: e.urgency, at: e.reportedAt.toISOString(), lng: place.point.longitude, lat: place.point.latitude, approximate: place.approximate });
    }
    const counts = await repos.console.mapGridCounts(grids.map((g) => g.id), period.start);
    const heat = [];
    for (const g of grids) {
      const centre = centres.get(g.id);
      const n = counts.get(g.id) ?? 0;
      if (centre && n) heat.push({ code: g.code, lng: centre.longitude, lat: centre.latitude, events: n });
    }
    const checks = (await repos.console.outsideChecks(grids.map((g) => g.id), period.start)).map((c) => ({ at: c.at.toISOString(), lng: c.longitude, lat: c.latitude, unit: grids.find((g) => g.id === c.unitId)?.code ?? '' }));
    // The base-map tile template (设置地图底图), or null: the offline boundary map.
    const tiles = await consoleTiles(repos.settings);
    return { period: { key: period.key, label: period.label, start: period.start.toISOString() }, tiles: tiles?.template ?? null, boundaries: { type: 'FeatureCollection', features }, events, capped: rows.length > chosen.length || chosen.length >= MAP_POINTS, heat, outsideChecks: checks };
  }

  /** Open events by level and age, overdue and unsigned tasks, items under 督办. */
  async queues(repos: ConsoleRepos, who: SignedIn, now: Date) {
    const units = await this.unitsIn(repos, who.scope);
    const grids = units.filter((u) => u.level === 'grid');
    const code = new Map(units.map((u) => [u.id, u.code]));
    const open = await repos.console.openEvents(grids.map((g) => g.id), OPEN_EVENT_STATES);
    const byLevel: Record<string, Record<AgeBucket, number>> = {};
    for (const e of open) {
      byLevel[e.handlerLevel] ??= Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
      byLevel[e.handlerLevel][ageBucket(e.reportedAt, now)] += 1;
    }
    const eventRow = (e: (typeof open)[number]) => ({ number: e.number, category: e.category, state: e.state, level: e.handlerLevel, urgency: e.urgency, grid: code.get(e.gridUnitId) ?? '', at: e.reportedAt.toISOString(), age: ageBucket(e.reportedAt, now), supervision: e.supervision, command: `事件 ${e.number}` });
    const tasks = await repos.console.activeTasks(units.map((u) => u.id), ACTIVE_TASK_STATES);
    const taskRow = (t: (typeof tasks)[number]) => ({ number: t.number, title: t.title, state: t.state, deadline: t.deadline.toISOString(), unit: code.get(t.gridId ?? t.scopeUnitId) ?? '', command: `任务 ${t.number}` });
    // Oldest first; a list shows its first QUEUE_ROWS rows and says how many there are.
    const list = <T, R>(items: T[], row: (item: T) => R) => ({ total: items.length, rows: items.slice(0, QUEUE_ROWS).map(row) });
    const overdue = tasks.filter((t) => t.deadline.getTime() <= now.getTime());
    // 代办 still open, oldest first: the household's number only, never its address.
    const daiban = (await repos.daiban.list({ scopes: who.scope.map((s) => s.path), states: OPEN_DAIBAN_STATES, limit: DAIBAN_QUEUE_LIMIT })).reverse();
    const daibanRow = (d: (typeof daiban)[number]) => ({ number: d.number, item: d.item, state: d.state, unit: code.get(d.unitId) ?? '', household: `H${d.householdId}`, deadline: d.deadline?.toISOString() ?? null, overdue: isDaibanOverdue(d, now), command: `代办详情 ${d.number}` });
    return {
      daiban: list(daiban, daibanRow),
      events: list(open, eventRow),
      eventsByLevel: byLevel,
      overdueTasks: list(overdue, taskRow),
      unsignedTasks: list(tasks.filter((t) => t.state === 'dispatched'), taskRow),
      supervised: list(open.filter((e) => e.supervision !== null), eventRow),
      notices: list(await repos.console.noticesAwaitingReceipts(units.map((u) => u.id)), (n) => ({
        number: n.number,
        title: n.body.length > 30 ? `${n.body.slice(0, 29)}…` : n.body,
        awaiting: n.awaiting,
        recipients: n.recipients,
        deadline: n.deadline?.toISOString() ?? null,
        overdue: n.deadline !== null && n.deadline.getTime() <= now.getTime(),
        command: `通知进度 ${n.number}`,
      })),
    };
  }

  /** One event or task with its timeline, when it lies within the member's units; null otherwise. */
  async item(repos: ConsoleRepos, who: SignedIn, number: string, now: Date) {
    const within = async (unitId: number | null) => {
      const unit = unitId === null ? null : await repos.org.unit(unitId);
      return unit !== null && who.scope.some((s) => isWithin(unit.path, s.path));
    };
    let out = null;
    const event = await repos.console.eventByNumber(number);
    if (event && (await within(event.gridUnitId))) {
      const timeline = await repos.console.eventTimeline(event.id);
      out = { kind: 'event', number: event.number, title: `${event.category}：${event.description}`, state: event.state, timeline: timeline.map((r) => ({ ...r, at: r.at.toISOString() })), commands: [`事件 ${event.number}`, `催办 ${event.number}`, `督办 ${event.number}`] };
    }
    const daiban = out || !parseDaibanNumber(number) ? null : await repos.daiban.byNumber(number);
    if (daiban && (await within(daiban.unitId))) {
      const steps = await repos.daiban.steps(daiban.id);
      out = { kind: 'daiban', number: daiban.number, title: daiban.item, state: daiban.state, timeline: steps.map((s) => ({ at: s.at.toISOString(), action: t(`daiban.step.${s.action.startsWith('rung.') ? 'rung' : s.action}` as TextKey), toState: '', note: s.note })), commands: [`代办详情 ${daiban.number}`] };
    }
    const task = out ? null : await repos.console.taskByNumber(number);
    if (task && (await within(task.gridId ?? task.scopeUnitId))) {
      const timeline = await repos.console.taskTimeline(task.id);
      out = { kind: 'task', number: task.number, title: task.title, state: task.state, timeline: timeline.map((r) => ({ ...r, at: r.at.toISOString() })), commands: [`任务 ${task.number}`, `任务进度 ${task.number}`] };
    }
    if (!out) {
      const units = await this.unitsIn(repos, who.scope);
      const notice = await repos.console.noticeReceipts(number, units.map((u) => u.id));
      if (notice) {
        const names = new Map<number, string>();
        for (const r of notice.receipts) names.set(r.memberId, (await repos.org.member(r.memberId))?.name ?? '');
        const timeline = [
          { at: notice.notice.sentAt.toISOString(), action: t('console.notice.sent', { recipients: String(notice.notice.recipients) }), toState: 'sent', note: null },
          ...notice.receipts
            .filter((r) => r.confirmedAt !== null)
            .sort((a, b) => a.confirmedAt!.getTime() - b.confirmedAt!.getTime())
            .map((r) => ({ at: r.confirmedAt!.toISOString(), action: t('console.notice.confirmed', { name: names.get(r.memberId) ?? '' }), toState: 'confirmed', note: r.reply })),
        ];
        const waiting = notice.receipts.filter((r) => r.confirmedAt === null).map((r) => names.get(r.memberId) ?? '');
        out = { kind: 'notice', number: notice.notice.number, title: notice.notice.body, state: waiting.length ? 'awaiting' : 'confirmed', timeline, awaiting: waiting, commands: [`通知进度 ${notice.notice.number}`] };
      }
    }
    if (out) await repos.audit.record({ at: now, actorMemberId: who.member.id, action: 'console.view', target: out.number });
    return out;
  }

  /** A ledger of the member's first unit for this month, through the one file-link mechanism. */
  async download(tx: Pick<Tx<ConsoleRepos>, 'now' | 'repos'>, who: SignedIn, kind: string, zone: string): Promise<{ token: string; kind: LedgerKind; unit: OrgUnit; periodKey: string } | null> {
    if (!(LEDGER_KINDS as readonly string[]).includes(kind)) return null;
    const unit = who.scope[0];
    const period = periodContaining('month', tx.now, zone);
    const spec: LedgerSpec = { kind: kind as LedgerKind, unitId: unit.id, period: period.key };
    const link = await issueFileLink(tx, { kind: LEDGER_FILE, spec, memberId: who.member.id, lifetimeMs: DOWNLOAD_MINUTES * 60_000, once: true });
    await tx.repos.audit.record({ at: tx.now, actorMemberId: who.member.id, action: 'ledger.export', target: unit.code, detail: { kind, period: period.key, via: 'console' } });
    return { token: link.token, kind: kind as LedgerKind, unit, periodKey: period.key };
  }
}
