/** The chat side of 培训: record a training (培训) and see the year's hours (学时). */
import { parseRosterDay } from '../../domain/duty/roster';
import { isWithin, roleRank, type Member } from '../../domain/org/org';
import { parseHours, REQUIRED_HOURS_PER_YEAR, shortfall, yearOf } from '../../domain/training/training';
import { arg, commandsOf, type ArgSpec, type Command, type TargetArg } from '../commands/framework';
import { SessionError } from '../errors';
import { t } from '../texts';
import type { TrainingRepos } from './ports';

const num = (n: number) => String(Math.round(n * 10) / 10);

/** Who may record trainings for a unit: a grid head or above there, or a department above it. */
function mayRecordFor(member: Member, unitPath: string): boolean {
  return member.roles.some((g) => (roleRank(g.role) >= roleRank('grid_head') || g.role === 'department') && isWithin(unitPath, g.unitPath));
}

/** 参加人或单位: members and units joined by 、 or ，. */
function attendeesArg(): ArgSpec<TargetArg[]> {
  const target = arg.target('arg.trainingAttendees', 'arg.targetNotFound');
  return {
    label: 'arg.trainingAttendees',
    optional: false,
    rest: true,
    async parse(raw, ctx) {
      const out: TargetArg[] = [];
      for (const part of raw.split(/[、,，;；\s]+/).filter(Boolean)) {
        const parsed = await target.parse(part, ctx);
        if (!parsed.ok) return parsed;
        out.push(parsed.value);
      }
      return { ok: true, value: out };
    },
  };
}

export function trainingCommands<R extends TrainingRepos>(): Command<R>[] {
  const defineCommand = commandsOf<R>();
  return [
    defineCommand({
      id: 'recordTraining',
      name: '培训',
      access: { anyOf: ['grid_head', 'department'] },
      args: {
        name: arg.word('arg.trainingName'),
        day: {
          label: 'arg.trainingDay',
          optional: false,
          rest: false,
          parse: (raw, ctx) => {
            const day = parseRosterDay(raw, ctx.now, ctx.tx.calendar);
            return day ? { ok: true, value: day } : { ok: false, reason: t('duty.err.day') };
          },
        } satisfies ArgSpec<string>,
        hours: {
          label: 'arg.trainingHours',
          optional: false,
          rest: false,
          parse: (raw) => {
            const h = parseHours(raw);
            return h.ok ? { ok: true, value: h.hours } : { ok: false, reason: t('training.err.hours') };
          },
        } satisfies ArgSpec<number>,
        attendees: attendeesArg(),
      },
      async run(ctx, { name, day, hours, attendees }) {
        const actor = ctx.requireMember();
        if (day > ctx.tx.calendar.localDate(ctx.now)) throw new SessionError('training.err.future', { day });
        const memberIds = new Set<number>();
        for (const a of attendees) {
          if (a.kind === 'member') {
            const member = await ctx.repos.org.member(a.member.id);
            if (!member?.roles.some((g) => mayRecordFor(actor, g.unitPath))) throw new SessionError('training.err.outside', { name: a.member.name });
            memberIds.add(member.id);
            continue;
          }
          if (!mayRecordFor(actor, a.unit.path)) throw new SessionError('training.err.outside', { name: a.unit.name });
          for (const m of await ctx.repos.org.membersUnder(a.unit.path)) memberIds.add(m.id);
        }
        if (!memberIds.size) throw new SessionError('training.err.nobody');
        await ctx.repos.training.record({ name, day, hours }, [...memberIds], actor.id, ctx.now);
        await ctx.repos.audit.record({ at: ctx.now, actorMemberId: actor.id, action: 'training.record', target: name, detail: { day, hours, members: memberIds.size } });
        return t('training.recorded', { name, day, hours: num(hours), count: memberIds.size });
      },
    }),
    defineCommand({
      id: 'trainingHours',
      name: '学时',
      access: 'member',
      args: { member: arg.optional(arg.member()) },
      async run(ctx, { member }) {
        const me = ctx.requireMember();
        const subject = member ?? { id: me.id, name: me.name };
        if (subject.id !== me.id) {
          const other = await ctx.repos.org.member(subject.id);
          if (!other?.roles.some((g) => mayRecordFor(me, g.unitPath))) throw new SessionError('training.err.notYours', { name: subject.name });
        }
        const { year, from, to } = yearOf(ctx.now, ctx.tx.calendar);
        const attended = await ctx.repos.training.attendances([subject.id], from, to);
        const total = attended.reduce((s, a) => s + a.training.hours, 0);
        const lines = [t('training.hours.head', { name: subject.name, year, hours: num(total), required: REQUIRED_HOURS_PER_YEAR })];
        const missing = shortfall(total);
        lines.push(missing > 0 ? t('training.hours.short', { missing: num(missing) }) : t('training.hours.met'));
        for (const a of attended) lines.push(t('training.hours.line', { day: a.training.day, name: a.training.name, hours: num(a.training.hours) }));
        return lines.join('\n');
      },
    }),
  ];
}
