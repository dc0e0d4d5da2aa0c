/** The events commands: 上报, 已处置, 事件, the loop's steps, 督办/催办, lists and categories. */
import {
  DEFAULT_EVENT_CATALOGUE,
  OTHER_CATEGORY,
  OPEN_EVENT_STATES,
  applyEventAction,
  formatCategory,
  parseEventNumber,
  suggestCategory,
  resolveCategory,
  type EventAction,
  type EventCatalogue,
  type EventCategory,
  type EventRefusal,
  type EventUrgency,
  type CategoryRef,
} from '../../domain/event';
import { LEADER_ROLE, isAdmin, type Member } from '../../domain/org/org';
import { SessionError } from '../errors';
import type { BotMessage } from '../message';
import { t, type TextKey } from '../texts';
import { arg, commandsOf, inputWords, usageError, type ArgSpec, type Command, type CommandContext } from '../commands/framework';
import { eventMessage, type Audience } from './cards';
import { deadlineNotice } from '../commands/deadline-notice';
import type { StoredEvent } from './ports';
import type { EventService } from './service';
import { EventRefusedError } from './refusals';
import type { EventsRepos } from './ports';
import { lookup } from '../../domain/lookup';

const defineCommand = commandsOf<EventsRepos>();

export const CATALOGUE_SETTING = 'events.catalogue';
export const MORE_DIALOG = 'event.more';


export async function loadCatalogue(repos: EventsRepos): Promise<EventCatalogue> {
  return (await repos.settings.get<EventCategory[]>(CATALOGUE_SETTING)) ?? DEFAULT_EVENT_CATALOGUE;
}

export function catalogueLines(catalogue: EventCatalogue): string {
  return catalogue.map((c) => t('event.categories.line', { category: c.name, items: c.items.map((i) => i.name).join('、') || '—' })).join('\n');
}

const eventNumber = (): ArgSpec<string> => arg.eventNumber();

export function audienceOf(ctx: CommandContext<EventsRepos>): Audience {
  const member = ctx.requireMember();
  return ctx.inbound.conversation.kind === 'group' ? { kind: 'groupMember', member } : { kind: 'member', member };
}

/** Asks for what a button could not carry (a reason, whom to dispatch to); the answer completes the command. */
async function askMore(ctx: CommandContext<EventsRepos>, command: string, prompt: string): Promise<string> {
  await ctx.dialog.start(MORE_DIALOG, { command });
  return prompt;
}

/**
 * Refuses early (before asking anything) when the domain would refuse the step anyway; a missing
 * reason or deadline is what is about to be asked for, and `asked` names refusals the command handles.
 */
async function precheck(ctx: CommandContext<EventsRepos>, service: EventService, event: StoredEvent, action: EventAction, asked: readonly EventRefusal[] = []): Promise<void> {
  const member = ctx.requireMember();
  const result = applyEventAction(event, action, { memberId: member.id, relation: await service.relationsOf(ctx.tx, member, event) }, ctx.now);
  if (result.ok || ['reason_required', 'deadline_in_past', ...asked].includes(result.reason)) return;
  throw new EventRefusedError({ code: result.reason, number: event.number, state: event.state, action: action.type });
}

/** The grid a report belongs to: the grid group it is sent in, or the sender's only grid. */
export async function reportGrid(ctx: CommandContext<EventsRepos>): Promise<number> {
  const member = ctx.requireMember();
  const here = ctx.conversationUnit;
  if (here?.level === 'grid' && member.roles.some((g) => here.path.startsWith(g.unitPath))) return here.id;
  const grids: number[] = [];
  for (const g of member.roles) {
    const unit = await ctx.repos.org.unit(g.unitId);
    if (unit?.level === 'grid' && !grids.includes(unit.id)) grids.push(unit.id);
  }
  if (grids.length === 1) return grids[0];
  throw new SessionError(grids.length ? 'event.tooMuchNoGrid' : 'event.noGrid');
}

/** `紧急` / `重大` as a word anywhere in a one-liner sets the urgency and is taken out. */
export function takeUrgency(words: string[]): { urgency: EventUrgency; words: string[] } {
  const flags = inputWords('input.urgency');
  const i = words.findIndex((w) => flags.has(w) && flags.get(w) !== 'normal');
  if (i < 0) return { urgency: 'normal', words };
  return { urgency: flags.get(words[i]) as EventUrgency, words: words.filter((_, j) => j !== i) };
}

/** A category named without its item gets the item the keywords suggest within it. */
function withItem(category: CategoryRef, description: string, catalogue: EventCatalogue): CategoryRef {
  if (category.item) return category;
  return { category: category.category, item: suggestCategory(description, catalogue.filter((c) => c.name === category.category))?.item ?? null };
}

function listLine(e: StoredEvent): string {
  const description = [...e.description].length > 20 ? [...e.description].slice(0, 20).join('') + '…' : e.description;
  return t('event.list.line', { number: e.number, category: formatCategory(e.category), description, state: t(`event.state.${e.state}` as TextKey) });
}

/** The units where the member is the leader (待办 is what waits at their own level). */
async function ledUnits(ctx: CommandContext<EventsRepos>, member: Member): Promise<number[]> {
  const ids: number[] = [];
  for (const g of member.roles) {
    const unit = await ctx.repos.org.unit(g.unitId);
    if (unit && LEADER_ROLE[unit.level] === g.role) ids.push(unit.id);
  }
  return ids;
}

export interface ReportFlow {
  /** Runs the guided dialog from the given start, or files the report when complete. */
  begin(ctx: CommandContext<EventsRepos>, draft: { gridUnitId: number; category?: CategoryRef; suggestion?: CategoryRef; description?: string; urgency?: EventUrgency }): Promise<BotMessage | string>;
  file(ctx: CommandContext<EventsRepos>, draft: { gridUnitId: number; category: CategoryRef; description: string; location: string | null; attachments: string[]; urgency: EventUrgency }): Promise<BotMessage | string>;
}

export function eventCommands(service: EventService, flow: ReportFlow): Command<EventsRepos>[] {
  const report = defineCommand({
    id: 'report',
    name: '上报',
    aliases: ['事件上报', '报事'],
    access: 'gridworker',
    args: { rest: arg.optional(arg.text()) },
    async run(ctx, { rest }) {
      const gridUnitId = await reportGrid(ctx);
      const taken = takeUrgency((rest ?? '').split(/\s+/).filter(Boolean));
      const [first, ...others] = taken.words;
      const catalogue = await loadCatalogue(ctx.repos);
      const category = first ? resolveCategory(first, catalogue) : null;
      const urgency = taken.urgency;
      // Only an urgency the sender actually typed skips the dialog's question.
      const urgencyGiven = urgency === 'normal' ? {} : { urgency };
      if (!first) return flow.begin(ctx, { gridUnitId });
      if (!category) {
        const description = taken.words.join(' ');
        const suggestion = suggestCategory(description, catalogue);
        return flow.begin(ctx, { gridUnitId, description, ...urgencyGiven, ...(suggestion ? { suggestion: { category: suggestion.category, item: suggestion.item } } : {}) });
      }
      const description = others.join(' ');
      if (!description) return flow.begin(ctx, { gridUnitId, category, ...urgencyGiven });
      // A one-liner without an item gets the item the keywords suggest within that category.
      return flow.file(ctx, { gridUnitId, category: withItem(category, description, catalogue), description, location: null, attachments: [], urgency });
    },
  });

  const settle = defineCommand({
    id: 'settle',
    name: '已处置',
    aliases: ['现场处置'],
    access: 'gridworker',
    args: { text: arg.text() },
    async run(ctx, { text }) {
      const member = ctx.requireMember();
      const [first, ...others] = text.split(/\s+/);
      const number = parseEventNumber(first);
      if (number) {
        const event = await service.settleReported(ctx.tx, member, number, others.join(' '));
        return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.settled', { number }));
      }
      const gridUnitId = await reportGrid(ctx);
      const catalogue = await loadCatalogue(ctx.repos);
      const named = resolveCategory(first, catalogue);
      const description = named ? others.join(' ') : text;
      const suggested = suggestCategory(description, catalogue);
      const category = named ? withItem(named, description, catalogue) : suggested ? { category: suggested.category, item: suggested.item } : { category: OTHER_CATEGORY, item: null };
      const event = await service.report(ctx.tx, member, { category, description, location: null, attachments: [], urgency: 'normal', gridUnitId, settledOnSpot: { result: description } });
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.settled', { number: event.number }));
    },
  });

  const show = defineCommand({
    id: 'eventShow',
    name: '事件',
    aliases: ['查看事件', '事件详情'],
    access: 'member',
    args: { number: eventNumber() },
    async run(ctx, { number }) {
      const member = ctx.requireMember();
      const event = await ctx.repos.events.byNumber(number);
      // Someone without standing learns nothing, not even whether the number exists.
      if (!event || !(await service.maySee(ctx.tx, member, event))) throw new SessionError('event.notFound', { number }); // the same whether it exists or not
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), undefined, { timeline: true });
    },
  });

  const accept = defineCommand({
    id: 'eventAccept',
    name: '受理',
    access: 'grid_head',
    args: { number: eventNumber(), note: arg.optional(arg.text()) },
    async run(ctx, { number, note }) {
      const event = await service.accept(ctx.tx, ctx.requireMember(), number, note);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.accepted', { number }));
    },
  });

  const dispatch = defineCommand({
    id: 'eventDispatch',
    name: '派遣',
    aliases: ['派遣事件'],
    access: 'grid_head',
    // Without whom and when, the command asks for them (a button can carry only the number).
    args: { number: eventNumber(), who: arg.optional(arg.member()), deadline: arg.optional(arg.deadline()), note: arg.optional(arg.text()) },
    async run(ctx, { number, who, deadline, note }) {
      const member = ctx.requireMember();
      const event = await service.load(ctx.tx, number);
      if (!who) {
        await precheck(ctx, service, event, { type: 'dispatch', assignee: { kind: 'member', memberId: member.id }, deadline: new Date(ctx.now.getTime() + 86400_000) });
        return askMore(ctx, `派遣 ${number}`, t('event.dispatchAsk'));
      }
      if (!deadline) throw usageError('eventDispatch', 'error.missingArg', { arg: t('arg.deadline') });
      const { event: next, task } = await service.dispatch(ctx.tx, member, number, who, deadline.deadline, note);
      const message = await eventMessage(ctx.tx, service, next, audienceOf(ctx), t('event.dispatched', { number, assignee: who.name, deadline: ctx.tx.calendar.formatMoment(deadline.deadline, ctx.now), task: task.number }));
      // A deadline on a day off or in quiet hours: said, with one press to the next working day's end.
      const notice = deadlineNotice(deadline.deadline, ctx.tx.calendar);
      if (!notice) return message;
      const move = { label: notice.label, command: `改期 ${task.number} ${notice.typed}` };
      return { ...message, text: `${message.text}\n${notice.text}`, ...(message.card ? { card: { ...message.card, lines: [...(message.card.lines ?? []), notice.text], buttons: [move, ...(message.card.buttons ?? [])] } } : {}) };
    },
  });

  const escalate = defineCommand({
    id: 'eventEscalate',
    name: '上报上级',
    aliases: ['上报至上级', '转上级'],
    access: 'grid_head',
    args: { number: eventNumber(), reason: arg.optional(arg.text()) },
    async run(ctx, { number, reason }) {
      const member = ctx.requireMember();
      if (!reason) {
        const event = await service.load(ctx.tx, number);
        if (event.state !== 'submitted') await precheck(ctx, service, event, { type: 'escalate', to: event.handler, reason: '-' }, ['wrong_level']);
        return askMore(ctx, `上报上级 ${number}`, t('event.reasonAsk', { action: t('event.action.escalate') }));
      }
      const { event, to } = await service.escalate(ctx.tx, member, number, reason);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.escalated', { number, unit: to.name }));
    },
  });

  const sendBack = defineCommand({
    id: 'eventSendBack',
    name: '回退',
    aliases: ['退回事件', '下发'],
    access: 'grid_head',
    args: { number: eventNumber(), reason: arg.optional(arg.text()) },
    async run(ctx, { number, reason }) {
      const member = ctx.requireMember();
      if (!reason) {
        const event = await service.load(ctx.tx, number);
        await precheck(ctx, service, event, { type: 'return_to_reporter', reason: '-' });
        return askMore(ctx, `回退 ${number}`, t('event.reasonAsk', { action: t('event.button.sendBack') }));
      }
      const { event, to } = await service.sendBack(ctx.tx, member, number, reason);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), to ? t('event.sentDown', { number, unit: to.name }) : t('event.returned', { number }));
    },
  });

  const resubmit = defineCommand({
    id: 'eventResubmit',
    name: '重新上报',
    access: 'gridworker',
    args: { number: eventNumber(), note: arg.optional(arg.text()) },
    async run(ctx, { number, note }) {
      const event = await service.resubmit(ctx.tx, ctx.requireMember(), number, note);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.resubmitted', { number }));
    },
  });

  const verify = defineCommand({
    id: 'eventVerify',
    name: '核查',
    aliases: ['核实'],
    access: 'grid_head',
    args: { number: eventNumber(), verdict: arg.oneOf('arg.word', ['通过', '不通过'] as const, { 合格: '通过', 不合格: '不通过' }), reason: arg.optional(arg.text()) },
    async run(ctx, { number, verdict, reason }) {
      const member = ctx.requireMember();
      if (verdict === '不通过' && !reason) {
        await precheck(ctx, service, await service.load(ctx.tx, number), { type: 'verify_fail', reason: '-' });
        return askMore(ctx, `核查 ${number} 不通过`, t('event.reasonAsk', { action: t('event.action.verify_fail') }));
      }
      const event = await service.verify(ctx.tx, member, number, verdict === '通过', reason ?? '');
      const assignee = event.assignee?.kind === 'member' ? ((await ctx.repos.org.memberSummary(event.assignee.memberId))?.name ?? '') : '';
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), verdict === '通过' ? t('event.verifyPassed', { number }) : t('event.verifyFailed', { number, name: assignee }));
    },
  });

  const close = defineCommand({
    id: 'eventClose',
    name: '结案',
    access: 'grid_head',
    args: { number: eventNumber() },
    async run(ctx, { number }) {
      const event = await service.close(ctx.tx, ctx.requireMember(), number);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.verifyPassed', { number }));
    },
  });

  const ratingWords = { 满意: 'satisfied', 基本满意: 'basically_satisfied', 不满意: 'unsatisfied' } as const;
  const rate = defineCommand({
    id: 'eventRate',
    name: '评价',
    aliases: ['满意度'],
    access: 'member',
    args: { number: eventNumber(), rating: arg.oneOf('arg.word', ['满意', '基本满意', '不满意'] as const), reason: arg.optional(arg.text()) },
    async run(ctx, { number, rating, reason }) {
      const member = ctx.requireMember();
      const value = ratingWords[rating];
      if (value === 'unsatisfied' && !reason) {
        await precheck(ctx, service, await service.load(ctx.tx, number), { type: 'rate', rating: value, reason: '-' });
        return askMore(ctx, `评价 ${number} 不满意`, t('event.rateAsk'));
      }
      const event = await service.rate(ctx.tx, member, number, value, reason);
      if (value === 'unsatisfied') {
        const unit = (await ctx.repos.org.unit(event.handler.unitId))?.name ?? '';
        return t('event.reopened', { number, unit });
      }
      return t('event.rated', { number, rating });
    },
  });

  const supervisionWords = { 普通: 'normal', 黄牌: 'yellow', 红牌: 'red' } as const;
  const supervise = defineCommand({
    id: 'eventSupervise',
    name: '督办',
    access: 'grid_head',
    args: { number: eventNumber(), rest: arg.optional(arg.text()) },
    async run(ctx, { number, rest }) {
      const words = (rest ?? '').split(/\s+/).filter(Boolean);
      const named = words[0] === undefined ? undefined : lookup(supervisionWords, words[0]);
      const level = named ?? 'normal';
      const note = (named ? words.slice(1) : words).join(' ') || undefined;
      const event = await service.supervise(ctx.tx, ctx.requireMember(), number, level, note);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.supervised', { number, level: t(`event.supervision.${level}`) }));
    },
  });

  const urge = defineCommand({
    id: 'eventUrge',
    name: '催办',
    access: 'grid_head',
    args: { number: eventNumber(), note: arg.optional(arg.text()) },
    async run(ctx, { number, note }) {
      const event = await service.urge(ctx.tx, ctx.requireMember(), number, note);
      return eventMessage(ctx.tx, service, event, audienceOf(ctx), t('event.urged', { number }));
    },
  });

  const mine = defineCommand({
    id: 'myEvents',
    name: '我的事件',
    access: 'member',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      const byNumber = new Map<string, StoredEvent>();
      for (const e of [...(await ctx.repos.events.byReporter(member.id, 20)), ...(await ctx.repos.events.involving(member.id, 20)), ...(await ctx.repos.events.heldBy(await ledUnits(ctx, member), OPEN_EVENT_STATES, 20))]) byNumber.set(e.number, e);
      const list = [...byNumber.values()].sort((a, b) => b.number.localeCompare(a.number)).slice(0, 20);
      if (!list.length) return t('event.list.emptyMine');
      return [t('event.list.mine', { count: list.length }), ...list.map(listLine)].join('\n');
    },
  });

  const todo = defineCommand({
    id: 'eventTodo',
    name: '待办',
    aliases: ['待办事件', '待处理'],
    access: 'member',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      const waiting = await ctx.repos.events.heldBy(await ledUnits(ctx, member), ['reported', 'accepted', 'submitted'], 30);
      const mineToAct = (await ctx.repos.events.byReporter(member.id, 50)).filter((e) => e.state === 'closed' || e.state === 'returned');
      const checks = (await ctx.repos.events.involving(member.id, 50)).filter((e) => e.state === 'submitted' && e.dispatcherId === member.id);
      const byNumber = new Map<string, StoredEvent>();
      for (const e of [...waiting, ...checks, ...mineToAct]) byNumber.set(e.number, e);
      const list = [...byNumber.values()].sort((a, b) => a.number.localeCompare(b.number));
      if (!list.length) return t('event.list.emptyTodo');
      return [t('event.list.todo', { count: list.length }), ...list.map(listLine)].join('\n');
    },
  });

  const categories = defineCommand({
    id: 'eventCategories',
    name: '事件类别',
    aliases: ['类别'],
    access: 'member',
    args: { verb: arg.optional(arg.oneOf('arg.word', ['添加'] as const, { 新增: '添加' })), name: arg.optional(arg.word()), keywords: arg.optional(arg.text()) },
    async run(ctx, { verb, name, keywords }) {
      const catalogue = await loadCatalogue(ctx.repos);
      if (!verb) return [t('event.categories.title'), catalogueLines(catalogue)].join('\n');
      if (!isAdmin(ctx.requireMember())) throw new SessionError('event.categories.notAdmin');
      const [category, item, more] = (name ?? '').split(/\s*[|｜/／]\s*/);
      if (!category || more !== undefined || [...category].length > 20 || (item && [...item].length > 20)) throw new SessionError('event.categories.bad');
      const words = (keywords ?? '').split(/[\s,，、]+/).filter(Boolean).slice(0, 20);
      const existing = catalogue.find((c) => c.name === category);
      if (existing && (!item || existing.items.some((i) => i.name === item))) throw new SessionError('event.categories.exists', { category: name ?? '' });
      const next: EventCategory[] = existing
        ? catalogue.map((c) => (c.name === category ? { ...c, items: [...c.items, { name: item!, keywords: words }] } : c))
        : [...catalogue.filter((c) => c.name !== OTHER_CATEGORY), { name: category, keywords: item ? [] : words, items: item ? [{ name: item, keywords: words }] : [] }, ...catalogue.filter((c) => c.name === OTHER_CATEGORY)];
      await ctx.repos.settings.put(CATALOGUE_SETTING, next, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'event.category.add', target: name });
      return t('event.categories.added', { category: name ?? '' });
    },
  });

  return [report, settle, show, accept, dispatch, escalate, sendBack, resubmit, verify, close, rate, supervise, urge, mine, todo, categories];
}
