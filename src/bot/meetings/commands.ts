/**
 * Meeting commands: 周例会 议程 / 月例会 议程, 决议, 纪要, 散会 (结束会议), 月度计划, 导出纪要.
 * The meeting is found from the group the command is sent in, or in 1:1 from the sender's role.
 */
import { LEADER_ROLE, type OrgUnit } from '../../domain/org/org';
import { parseDeadline } from '../../domain/calendar/deadline-parser';
import { MEETING_LEVEL, type MeetingKind } from '../../domain/meeting/meeting';
import { arg, commandsOf, helpText, type Command, type CommandContext } from '../commands/framework';
import { SessionError } from '../errors';
import { cardToText } from '../message';
import { t, type TextKey } from '../texts';
import { meetingName, minutesCard, when } from './format';
import type { StoredMeeting } from './ports';
import type { MeetingService } from './service';
import { MIME } from './exports';
import type { DocumentFormat } from './render-port';
import type { MeetingsRepos } from './ports';

const defineCommand = commandsOf<MeetingsRepos>();

const MEETING_LEVELS = ['community', 'town'] as const;

async function meetingUnit(ctx: CommandContext<MeetingsRepos>, kind: MeetingKind, given: OrgUnit | undefined): Promise<OrgUnit> {
  const level = MEETING_LEVEL[kind];
  let unit = given ?? (ctx.conversationUnit?.level === level ? ctx.conversationUnit : undefined);
  if (!unit && !given && !ctx.conversationUnit) {
    const member = ctx.requireMember();
    for (const g of member.roles) {
      const u = await ctx.repos.org.unit(g.unitId);
      if (u?.level === level) {
        unit = u;
        break;
      }
    }
  }
  if (!unit) throw new SessionError(ctx.conversationUnit ? 'meeting.error.wrongLevel' : 'meeting.error.whichUnit', { kind: t(`meeting.kind.${kind}` as TextKey), level: t(`meeting.level.${level}` as TextKey) });
  if (unit.level !== level) throw new SessionError('meeting.error.wrongLevel', { kind: t(`meeting.kind.${kind}` as TextKey), level: t(`meeting.level.${level}` as TextKey) });
  ctx.authorize(unit, LEADER_ROLE[level]);
  return unit;
}

/** The newest meeting (open only, if asked) of the group's unit, or of the units the sender leads. */
async function currentMeeting(ctx: CommandContext<MeetingsRepos>, openOnly: boolean): Promise<{ meeting: StoredMeeting; unit: OrgUnit }> {
  const member = ctx.requireMember();
  const units: OrgUnit[] = [];
  const cu = ctx.conversationUnit;
  if (cu && (MEETING_LEVELS as readonly string[]).includes(cu.level)) units.push(cu);
  else if (!cu) {
    for (const g of member.roles) {
      const u = await ctx.repos.org.unit(g.unitId);
      if (u && (MEETING_LEVELS as readonly string[]).includes(u.level)) units.push(u);
    }
  }
  let best: { meeting: StoredMeeting; unit: OrgUnit } | null = null;
  for (const unit of units) {
    const m = await ctx.repos.meetings.latest(unit.id, openOnly ? 'open' : undefined);
    if (m && (!best || m.heldAt.getTime() > best.meeting.heldAt.getTime())) best = { meeting: m, unit };
  }
  if (!best) throw new SessionError(openOnly ? 'meeting.error.noMeeting' : 'meeting.error.noMeetingAtAll');
  ctx.authorize(best.unit, LEADER_ROLE[best.unit.level]);
  return best;
}

function agendaCommand(service: MeetingService, kind: MeetingKind): Command<MeetingsRepos> {
  return defineCommand({
    id: kind === 'weekly' ? 'weeklyMeeting' : 'monthlyMeeting',
    name: kind === 'weekly' ? '周例会' : '月例会',
    access: kind === 'weekly' ? 'community_secretary' : 'town_center',
    args: { what: arg.oneOf('arg.meetingAgenda', ['议程'] as const), unit: arg.optional(arg.unit()) },
    async run(ctx, { unit }) {
      const target = await meetingUnit(ctx, kind, unit);
      const prepared = await service.prepareAgenda(ctx.tx, kind, target, ctx.notify);
      return prepared.message;
    },
  });
}

/** `内容 负责人 期限`: the deadline is the last word (or two), the member the word before it. */
async function parseDecision(ctx: CommandContext<MeetingsRepos>, service: MeetingService, raw: string) {
  const words = raw.trim().split(/\s+/);
  if (words.length < 3) throw new SessionError('meeting.error.decisionFormat');
  for (const deadlineWords of [1, 2]) {
    if (words.length < deadlineWords + 2) break;
    const deadlineText = words.slice(-deadlineWords).join(' ');
    const parsed = parseDeadline(deadlineText, ctx.now, ctx.tx.calendar);
    if (!parsed.ok && parsed.error === 'unreadable') continue;
    if (!parsed.ok) throw new SessionError('meeting.error.deadlinePast', { value: deadlineText });
    const memberWord = words[words.length - deadlineWords - 1];
    const member = await arg.member().parse(memberWord, ctx);
    if (!member.ok) throw new SessionError('meeting.error.member', { value: memberWord }, [member.reason]);
    return { text: words.slice(0, words.length - deadlineWords - 1).join(' '), responsible: member.value, deadline: parsed.deadline };
  }
  throw new SessionError('meeting.error.deadline', { value: words[words.length - 1] }, [t('error.example', { usage: helpText('meetingDecision', 'usage'), example: helpText('meetingDecision', 'example') })]);
}

export function meetingCommands(service: MeetingService): Command<MeetingsRepos>[] {
  const decision = defineCommand({
    id: 'meetingDecision',
    name: '决议',
    access: 'community_secretary',
    args: { rest: arg.text() },
    async run(ctx, { rest }) {
      const { meeting } = await currentMeeting(ctx, true);
      const d = await parseDecision(ctx, service, rest);
      const member = ctx.requireMember();
      const r = await service.recordDecision(ctx.tx, meeting, { text: d.text, responsible: { id: d.responsible.id, name: d.responsible.name }, deadline: d.deadline, authorId: member.id });
      return t('meeting.decision.recorded', { meeting: meetingName(ctx.tx.calendar, meeting), n: r.n, task: r.taskNumber, name: d.responsible.name, deadline: ctx.tx.calendar.formatMoment(d.deadline, ctx.now) });
    },
  });

  const minutes = defineCommand({
    id: 'meetingMinutes',
    name: '纪要',
    access: 'community_secretary',
    args: { note: arg.optional(arg.text()) },
    async run(ctx, { note }) {
      const { meeting } = await currentMeeting(ctx, note !== undefined);
      if (note !== undefined) {
        const member = ctx.requireMember();
        await ctx.repos.meetings.addMinute({ meetingId: meeting.id, kind: 'note', text: note, responsibleId: null, responsibleName: null, deadline: null, taskNumber: null, authorId: member.id, at: ctx.now });
        return t('meeting.note.recorded', { meeting: meetingName(ctx.tx.calendar, meeting) });
      }
      const card = minutesCard(ctx.tx.calendar, meeting, await ctx.repos.meetings.minutes(meeting.id));
      if (meeting.status === 'open') card.buttons = [{ label: t('meeting.button.close'), command: '散会' }, { label: t('meeting.button.export'), command: '导出纪要' }];
      return { text: cardToText(card), card };
    },
  });

  const close = defineCommand({
    id: 'meetingClose',
    name: '散会',
    aliases: ['结束会议'],
    access: 'community_secretary',
    args: {},
    async run(ctx) {
      const { meeting, unit } = await currentMeeting(ctx, true);
      const member = ctx.requireMember();
      await service.close(ctx.tx, meeting, member.id, unit, ctx.notify);
      // The minutes went to the unit's groups; say so only where they did not arrive.
      const groups = await ctx.repos.org.conversationsOf(unit.id);
      const here = groups.some((g) => g.channel === ctx.inbound.channel && g.conversationId === ctx.inbound.conversation.id);
      if (!here) return t('meeting.closed.elsewhere', { unit: unit.name });
    },
  });

  const plan = defineCommand({
    id: 'monthlyPlan',
    name: '月度计划',
    access: 'community_secretary',
    args: { text: arg.text() },
    async run(ctx, { text }) {
      const unit = await meetingUnit(ctx, 'weekly', undefined);
      const member = ctx.requireMember();
      const month = service.planMonth(ctx.now, ctx.tx.calendar);
      const result = await ctx.repos.meetings.savePlan({ communityId: unit.id, month, text, submittedBy: member.name, submittedById: member.id, submittedAt: ctx.now });
      return t(result === 'created' ? 'meeting.plan.saved' : 'meeting.plan.updated', { unit: unit.name, month });
    },
  });

  const exportMinutes = defineCommand({
    id: 'exportMinutes',
    name: '导出纪要',
    access: 'community_secretary',
    args: { format: arg.optional(arg.oneOf<DocumentFormat>('arg.exportFormat', ['docx', 'md'] as const, { word: 'docx', Word: 'docx', WORD: 'docx', markdown: 'md', Markdown: 'md', MD: 'md' })) },
    async run(ctx, { format }) {
      const { meeting } = await currentMeeting(ctx, false);
      const f = format ?? 'docx';
      const link = await service.createExport(ctx.tx, meeting, f);
      return { text: t('meeting.export.ready', { meeting: meetingName(ctx.tx.calendar, meeting), format: f === 'docx' ? 'Word' : 'Markdown', url: link.url }), file: { name: link.fileName, url: link.url, mimeType: MIME[f] } };
    },
  });

  return [agendaCommand(service, 'weekly'), agendaCommand(service, 'monthly'), decision, minutes, close, plan, exportMinutes];
}
