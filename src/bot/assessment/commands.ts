/** 考核, 统计, 加分 / 扣分, 导出 (台账) and 导入: the assessment area's commands. */
import { GLOBAL_UNIT_ID, hasAuthority, roleRank, type Member, type OrgUnit, type RoleGrant } from '../../domain/org/org';
import { parsePeriod, type AssessmentPeriod } from '../../domain/assessment';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { cardToText, type BotMessage, type Card } from '../message';
import type { MeetingOutput } from '../meetings/render-port';
import { arg, commandsOf, inputWords, type ArgSpec, type CommandContext, type ParseResult } from '../commands/framework';
import type { MemberSummary } from '../ports';
import { fileLinkUrl, issueFileLink } from '../files';
import { AssessmentService, loadRules } from './service';
import { formatPoints, rankingCard, ratioText, rulesLines, scoreCard } from './format';
import { LEDGER_FILE, LEDGER_KINDS, trainingAttendances, type LedgerKind, type LedgerSpec } from './ledgers';
import { ORG_IMPORT_LINK } from './org-import';
import { XLSX_MIME } from './sheets';
import type { AssessmentRepos } from './ports';

const defineCommand = commandsOf<AssessmentRepos>();

/** How long a download or upload link stays valid. */
export const LINK_TTL_MINUTES = 30;

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });

type Target = { kind: 'period'; period: AssessmentPeriod } | { kind: 'member'; member: MemberSummary } | { kind: 'unit'; unit: OrgUnit };

/** A period, `@成员` / `#编号`, or a unit code, in any order. */
const targetArg = (): ArgSpec<Target> => ({
  label: 'arg.periodOrTarget',
  optional: false,
  rest: false,
  parse: async (raw, ctx) => {
    const period = parsePeriod(inputWords('input.periods').get(raw) ?? raw, ctx.now, ctx.tx.calendar.timeZone);
    if (period) return ok({ kind: 'period', period });
    if (/^[@＠#]/.test(raw)) {
      const m = await arg.member().parse(raw, ctx);
      return m.ok ? ok({ kind: 'member', member: m.value }) : m;
    }
    const u = await arg.unit().parse(raw, ctx);
    return u.ok ? ok({ kind: 'unit', unit: u.value }) : { ok: false, reason: t('assess.badTarget', { value: raw }) };
  },
});

function strongestGrant(member: Member): RoleGrant | null {
  let best: RoleGrant | null = null;
  for (const g of member.roles) if (!best || roleRank(g.role) > roleRank(best.role)) best = g;
  return best;
}

/** The unit a command without an explicit unit is about: the group's unit if the sender leads it, else the sender's own. */
async function defaultUnit(ctx: CommandContext<AssessmentRepos>, member: Member): Promise<OrgUnit> {
  if (ctx.conversationUnit && hasAuthority(member, ctx.conversationUnit.path, 'grid_head')) return ctx.conversationUnit;
  const grant = strongestGrant(member);
  if (!grant) throw new SessionError('assess.noRole');
  if (grant.unitId === GLOBAL_UNIT_ID) {
    const [root] = await ctx.repos.org.roots();
    if (!root) throw new SessionError('assess.noRole');
    return root;
  }
  const unit = await ctx.repos.org.unit(grant.unitId);
  if (!unit) throw new SessionError('assess.noRole');
  return unit;
}

function pickTargets(targets: (Target | undefined)[], ctx: CommandContext<AssessmentRepos>) {
  let period: AssessmentPeriod | null = null;
  let subject: Exclude<Target, { kind: 'period' }> | null = null;
  for (const target of targets) {
    if (!target) continue;
    if (target.kind === 'period') period = target.period;
    else subject = target;
  }
  return { period: period ?? parsePeriod('本月', ctx.now, ctx.tx.calendar.timeZone)!, subject };
}

export function assessmentCommands(service: AssessmentService, output: MeetingOutput) {
  /** Where links point: PUBLIC_URL or this server. */
  const baseUrl = (): string => (output.baseUrl() ?? '').replace(/\/$/, '');

  async function gridCard(ctx: CommandContext<AssessmentRepos>, grid: OrgUnit, period: AssessmentPeriod): Promise<BotMessage> {
    const rules = await loadRules(ctx.repos);
    const parent = grid.parentId !== null ? await ctx.repos.org.unit(grid.parentId) : null;
    if (parent) {
      const ranked = await service.rankChildren(ctx.repos, ctx.tx.calendar, parent, period, ctx.now);
      const mine = ranked.find((r) => r.item.unit.id === grid.id);
      const scored = mine?.item.grids[0];
      if (mine && scored) return scoreCard(t('assess.title.grid', { name: grid.name, period: period.label }), scored.score, scored.facts, rules, { rank: mine.rank, of: ranked.length, unit: parent.name });
    }
    const [scored] = await service.gridScores(ctx.repos, ctx.tx.calendar, [grid], period, ctx.now);
    return scoreCard(t('assess.title.grid', { name: grid.name, period: period.label }), scored.score, scored.facts, rules);
  }

  async function memberCard(ctx: CommandContext<AssessmentRepos>, member: MemberSummary, period: AssessmentPeriod): Promise<BotMessage> {
    const rules = await loadRules(ctx.repos);
    const scored = await service.memberScore(ctx.repos, ctx.tx.calendar, member.id, period, ctx.now);
    return scoreCard(t('assess.title.member', { name: member.name, period: period.label }), scored.score, scored.facts, rules);
  }

  async function unitCard(ctx: CommandContext<AssessmentRepos>, unit: OrgUnit, period: AssessmentPeriod): Promise<BotMessage> {
    if (unit.level === 'grid') return gridCard(ctx, unit, period);
    const ranked = await service.rankChildren(ctx.repos, ctx.tx.calendar, unit, period, ctx.now, true);
    if (!ranked.length || ranked.every((r) => r.item.grids.length === 0)) throw new SessionError('assess.noGrids', { unit: unit.name });
    return rankingCard(unit.name, period, ranked, await loadRules(ctx.repos));
  }

  /** A member may see another's score when they lead a unit the other holds a role in. */
  async function authorizeMember(ctx: CommandContext<AssessmentRepos>, sender: Member, target: MemberSummary): Promise<void> {
    if (target.id === sender.id) return;
    const full = await ctx.repos.org.member(target.id);
    if (!full?.roles.some((g) => hasAuthority(sender, g.unitPath, 'grid_head'))) throw new SessionError('error.notAllowed', { command: '考核' });
  }

  const assess = defineCommand({
    id: 'assessment',
    name: '考核',
    aliases: ['考核得分', '我的考核'],
    access: 'member',
    args: { first: arg.optional(targetArg()), second: arg.optional(targetArg()) },
    details: async (ctx) => rulesLines(await loadRules(ctx.repos)),
    async run(ctx, { first, second }) {
      const sender = ctx.requireMember();
      const { period, subject } = pickTargets([first, second], ctx);
      if (subject?.kind === 'member') {
        await authorizeMember(ctx, sender, subject.member);
        return memberCard(ctx, subject.member, period);
      }
      if (subject?.kind === 'unit') {
        ctx.authorize(subject.unit, 'grid_head');
        return unitCard(ctx, subject.unit, period);
      }
      const grant = strongestGrant(sender);
      if (!grant) throw new SessionError('assess.noRole');
      // A gridworker (or a department's staff) sees their own score; leaders see their unit.
      if (roleRank(grant.role) < roleRank('grid_head')) return memberCard(ctx, { id: sender.id, name: sender.name, phone: null }, period);
      return unitCard(ctx, await defaultUnit(ctx, sender), period);
    },
  });

  const stats = defineCommand({
    id: 'stats',
    name: '统计',
    aliases: ['统计数据'],
    access: 'grid_head',
    args: { first: arg.optional(targetArg()), second: arg.optional(targetArg()) },
    async run(ctx, { first, second }) {
      const sender = ctx.requireMember();
      const { period, subject } = pickTargets([first, second], ctx);
      if (subject?.kind === 'member') throw new SessionError('assess.badTarget', { value: subject.member.name });
      const unit = subject?.kind === 'unit' ? subject.unit : await defaultUnit(ctx, sender);
      ctx.authorize(unit, 'grid_head');
      const units = await ctx.repos.org.subtree(unit.path);
      const gridIds = units.filter((u) => u.level === 'grid').map((u) => u.id);
      const events = await ctx.repos.assessment.eventStats(gridIds, period);
      const tasks = await ctx.repos.assessment.taskStats(units.map((u) => u.id), period, ctx.now);
      const facts = await service.unitFacts(ctx.repos, ctx.tx.calendar, unit, period, ctx.now);
      const list = (m: Map<string, number>, key: (k: string) => string) =>
        [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${key(k)} ${n}`).join('、') || t('common.none');
      const lines = [
        t('stats.events', { total: String(events.total), closed: String(events.closed) }),
        t('stats.byCategory', { list: list(events.byCategory, (k) => k) }),
        t('stats.byLevel', { list: list(events.byLevel, (k) => t(`level.${k}` as TextKey)) }),
        t('stats.byState', { list: list(events.byState, (k) => t(`event.state.${k}` as TextKey)) }),
        t('stats.byUrgency', { list: list(events.byUrgency, (k) => t(`event.urgency.${k}` as TextKey)) }),
        events.meanHoursToClose === null ? t('stats.meanCloseNone') : t('stats.meanClose', { hours: formatPoints(events.meanHoursToClose) }),
        t('stats.tasks', { due: String(tasks.due), onTime: String(tasks.onTime), rate: ratioText({ done: tasks.onTime, of: tasks.due }), open: String(tasks.open), overdue: String(tasks.overdueOpen) }),
        t('stats.infoReports', { rate: ratioText(facts.infoReports) }),
        t('stats.patrols', { rate: ratioText(facts.patrols) }),
        t('stats.satisfaction', { rate: ratioText(facts.satisfaction) }),
        t('stats.memberRatings', { rate: ratioText(facts.memberRatings ?? null) }),
      ];
      const daiban = await service.daibanTally(ctx.repos, unit, period, ctx.now);
      if (daiban) lines.push(t('stats.daiban', { received: daiban.received, done: daiban.done, returned: daiban.returned, due: daiban.due, onTime: daiban.onTime, rate: ratioText({ done: daiban.onTime, of: daiban.due }) }));
      const card: Card = { title: t('stats.title', { unit: unit.name, period: period.label }), lines };
      return { text: cardToText(card), card };
    },
  });

  function adjustCommand(kind: 'add' | 'deduct') {
    return defineCommand({
      id: kind === 'add' ? 'addPoints' : 'deductPoints',
      name: kind === 'add' ? '加分' : '扣分',
      access: 'community_secretary',
      args: { target: arg.word('arg.assessTarget'), points: arg.word('arg.points'), reason: arg.text('arg.reason') },
      async run(ctx, args) {
        const sender = ctx.requireMember();
        const rules = await loadRules(ctx.repos);
        const max = kind === 'add' ? rules.manual.maxAdd : rules.manual.maxDeduct;
        const value = Number(args.points.replace(/分$/, ''));
        if (!Number.isFinite(value) || value < 0.5 || value > max || Math.round(value * 10) !== value * 10) throw new SessionError('adjust.badPoints', { max: formatPoints(max) });
        const reason = args.reason.trim();
        if (!reason) throw new SessionError('adjust.reasonRequired');
        const period = parsePeriod('本月', ctx.now, ctx.tx.calendar.timeZone)!;
        let subjectKind: 'grid' | 'member';
        let subjectId: number;
        let label: string;
        let scopeUnit: OrgUnit;
        let notify: (m: BotMessage) => Promise<void>;
        if (/^[@＠#]/.test(args.target)) {
          const parsed = await arg.member().parse(args.target, ctx);
          if (!parsed.ok) throw new SessionError('error.badArg', { arg: t('arg.assessTarget'), value: args.target, reason: parsed.reason });
          const full = await ctx.repos.org.member(parsed.value.id);
          const grant = full?.roles.find((g) => (g.role === 'gridworker' || g.role === 'grid_head') && hasAuthority(sender, g.unitPath, 'community_secretary'));
          if (!full?.roles.some((g) => g.role === 'gridworker' || g.role === 'grid_head')) throw new SessionError('adjust.notGridworker', { name: parsed.value.name });
          if (!grant) throw new SessionError('error.notAllowed', { command: kind === 'add' ? '加分' : '扣分' });
          [subjectKind, subjectId, label] = ['member', parsed.value.id, parsed.value.name];
          scopeUnit = (await ctx.repos.org.unit(grant.unitId))!;
          notify = async (m) => void (await ctx.notify.member(parsed.value.id, m));
        } else {
          const parsed = await arg.unit().parse(args.target, ctx);
          if (!parsed.ok || parsed.value.level !== 'grid') throw new SessionError('error.badArg', { arg: t('arg.assessTarget'), value: args.target, reason: t('arg.unitNotFound') });
          ctx.authorize(parsed.value, 'community_secretary');
          [subjectKind, subjectId, label] = ['grid', parsed.value.id, `${parsed.value.code} ${parsed.value.name}`];
          scopeUnit = parsed.value;
          const grid = parsed.value;
          notify = (m) => ctx.notify.unit(grid, m);
        }
        const points = kind === 'add' ? value : -value;
        const enteringUnitId = scopeUnit.parentId ?? scopeUnit.id;
        await ctx.repos.assessment.addAdjustment({ subjectKind, subjectId, points, reason, unitId: enteringUnitId, actorId: sender.id, effectiveAt: ctx.now, createdAt: ctx.now });
        await ctx.repos.audit.record({ at: ctx.now, actorMemberId: sender.id, action: kind === 'add' ? 'assessment.add' : 'assessment.deduct', target: `${subjectKind}#${subjectId}`, detail: { points, reason, period: period.key } });
        const params = { target: label, points: formatPoints(value), reason, period: period.label };
        await notify({ text: t('adjust.notice', { actor: sender.name, target: label, verb: t(kind === 'add' ? 'adjust.verb.add' : 'adjust.verb.deduct'), points: formatPoints(value), reason }) });
        return t(kind === 'add' ? 'adjust.added' : 'adjust.deducted', params);
      },
    });
  }

  const ledgerWords: Record<string, LedgerKind> = Object.fromEntries(LEDGER_KINDS.map((k) => [t(`ledger.kind.${k}` as TextKey), k]));
  const exportLedger = defineCommand({
    id: 'export',
    name: '导出',
    aliases: ['导出台账'],
    access: 'grid_head',
    args: {
      kind: arg.oneOf('arg.ledgerKind', Object.keys(ledgerWords), { 事件: '事件台账', 任务: '任务台账', 报送: '报送台账', 信息报送台账: '报送台账', 考核台账: '考核', 考核结果: '考核', 培训: '培训台账' }),
      first: arg.optional(targetArg()),
      second: arg.optional(targetArg()),
    },
    async run(ctx, { kind, first, second }) {
      const sender = ctx.requireMember();
      const { period, subject } = pickTargets([first, second], ctx);
      if (subject?.kind === 'member') throw new SessionError('assess.badTarget', { value: subject.member.name });
      const unit = subject?.kind === 'unit' ? subject.unit : await defaultUnit(ctx, sender);
      ctx.authorize(unit, 'grid_head');
      const ledger = ledgerWords[kind];
      const spec: LedgerSpec = { kind: ledger, unitId: unit.id, period: period.key };
      const link = await issueFileLink(ctx, { kind: LEDGER_FILE, spec, memberId: sender.id, lifetimeMs: LINK_TTL_MINUTES * 60_000, once: true });
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: sender.id, action: 'ledger.export', target: unit.code, detail: { kind: ledger, period: period.key } });
      const name = t('ledger.fileName', { kind, unit: unit.name, period: period.key });
      const url = fileLinkUrl(output.baseUrl(), link.token, name);
      const rows = await countRows(ctx, ledger, unit, period);
      return {
        text: t('ledger.ready', { kind, unit: unit.name, period: period.label, rows: String(rows), minutes: String(LINK_TTL_MINUTES), url }),
        file: { name, url, mimeType: XLSX_MIME },
      };
    },
  });

  async function countRows(ctx: CommandContext<AssessmentRepos>, kind: LedgerKind, unit: OrgUnit, period: AssessmentPeriod): Promise<number> {
    const units = await ctx.repos.org.subtree(unit.path);
    const gridIds = units.filter((u) => u.level === 'grid').map((u) => u.id);
    if (kind === 'events') return (await ctx.repos.assessment.eventLedger(gridIds, period)).length;
    if (kind === 'tasks') return (await ctx.repos.assessment.taskLedger(units.map((u) => u.id), period)).length;
    if (kind === 'assessment') return gridIds.length;
    if (kind === 'training') return (await trainingAttendances(ctx.repos, unit, period, ctx.tx.calendar)).attendances.length;
    const members = new Set<number>();
    for (const g of gridIds) for (const m of await ctx.repos.org.membersWithRole(g, 'gridworker')) members.add(m.id);
    return (await ctx.repos.assessment.infoReportsFiled([...members], period, ctx.tx.calendar.timeZone)).length;
  }

  const importOrg = defineCommand({
    id: 'import',
    name: '导入',
    aliases: ['导入组织'],
    access: 'admin',
    args: {},
    async run(ctx) {
      const sender = ctx.requireMember();
      const link = await issueFileLink(ctx, { kind: ORG_IMPORT_LINK, spec: {}, memberId: sender.id, lifetimeMs: LINK_TTL_MINUTES * 60_000, once: true });
      const base = baseUrl();
      return t('import.link', { minutes: String(LINK_TTL_MINUTES), url: `${base}/files/xlsx/import/${link.token}`, template: `${base}/files/xlsx/template/${encodeURIComponent('组织导入模板.xlsx')}` });
    },
  });

  return [assess, stats, adjustCommand('add'), adjustCommand('deduct'), exportLedger, importOrg];
}

