/** The chat side of 值班: 排班 (enter or swap a shift), 值班 (today's roster), 值班设置 (after-hours routing). */
import { parseRosterDay, shiftAt, type AfterHoursRouting, type DutyShift } from '../../domain/duty/roster';
import type { OrgUnit } from '../../domain/org/org';
import { arg, commandsOf, inputWords, type ArgSpec, type Command } from '../commands/framework';
import { SessionError } from '../errors';
import type { Tx } from '../ports';
import { t } from '../texts';
import { ROUTING_SETTING } from './desk';
import { issueFileLink } from '../files';
import { DUTY_IMPORT_LINK, DUTY_TEMPLATE_FILE } from './roster-import';

/** How long the upload link stays valid. */
const LINK_TTL_MINUTES = 30;
import type { DutyRepos } from './ports';

/** Duty is kept by communities and towns (and a county centre): not by grids. */
const ROSTER_LEVELS = new Set(['community', 'town', 'county']);

function dayArg(): ArgSpec<string> {
  return {
    label: 'arg.dutyDay',
    optional: false,
    rest: false,
    parse: (raw, ctx) => {
      const day = parseRosterDay(raw, ctx.now, ctx.tx.calendar);
      return day ? { ok: true, value: day } : { ok: false, reason: t('duty.err.day') };
    },
  };
}

function shiftsArg(): ArgSpec<DutyShift[]> {
  return {
    label: 'arg.dutyShift',
    optional: false,
    rest: false,
    parse: (raw) => {
      const value = inputWords('input.dutyShift').get(raw);
      if (value === 'both') return { ok: true, value: ['day', 'night'] };
      if (value === 'day' || value === 'night') return { ok: true, value: [value] };
      return { ok: false, reason: t('arg.notInList', { values: '白班、夜班、全天' }) };
    },
  };
}

/** Today's roster of the units, as lines: each unit's day and night shift. */
async function rosterLines(tx: Tx<DutyRepos>, units: OrgUnit[]): Promise<string[]> {
  const { day, shift: current } = shiftAt(tx.now, tx.calendar);
  const entries = await tx.repos.duty.forDay(units.map((u) => u.id), day);
  const name = async (id: number | undefined) => (id === undefined ? t('duty.nobody') : ((await tx.repos.org.memberSummary(id))?.name ?? `#${id}`));
  const lines: string[] = [];
  for (const unit of units) {
    const of = (s: DutyShift) => entries.find((e) => e.unitId === unit.id && e.shift === s)?.memberId;
    if (of('day') === undefined && of('night') === undefined) continue;
    const mark = (s: DutyShift) => (s === current ? t('duty.now') : '');
    lines.push(t('duty.roster.line', { unit: unit.name, day: await name(of('day')), night: await name(of('night')), dayMark: mark('day'), nightMark: mark('night') }));
  }
  return lines;
}

/** Where links point: PUBLIC_URL or this server, known once it listens. */
export function dutyCommands<R extends DutyRepos>(baseUrl: () => string | null = () => null): Command<R>[] {
  const defineCommand = commandsOf<R>();
  return [
    defineCommand({
      id: 'dutyRoster',
      name: '排班',
      access: 'community_secretary',
      args: { unit: arg.unit(), day: dayArg(), shifts: shiftsArg(), member: arg.member('arg.dutyMember') },
      async run(ctx, { unit, day, shifts, member }) {
        if (!ROSTER_LEVELS.has(unit.level)) throw new SessionError('duty.err.level', { unit: unit.name });
        ctx.authorize(unit, 'community_secretary');
        const actor = ctx.requireMember();
        for (const shift of shifts) await ctx.repos.duty.put({ unitId: unit.id, day, shift, memberId: member.id }, actor.id, ctx.now);
        const shiftNames = shifts.map((s) => t(`duty.shift.${s}`)).join('、');
        const dayText = ctx.tx.calendar.formatDay(ctx.tx.calendar.at(day, '12:00'));
        return t('duty.entered', { unit: unit.name, day: dayText, shifts: shiftNames, name: member.name });
      },
    }),
    defineCommand({
      id: 'dutyToday',
      name: '值班',
      access: 'member',
      args: { unit: arg.optional(arg.unit()) },
      async run(ctx, { unit }) {
        const member = ctx.requireMember();
        const units: OrgUnit[] = [];
        const starts = unit ? [unit] : await Promise.all(member.roles.map((g) => ctx.repos.org.unit(g.unitId)));
        for (const start of starts) {
          if (!start) continue;
          for (const u of [start, ...(await ctx.repos.org.ancestors(start))]) if (!units.some((x) => x.id === u.id)) units.push(u);
        }
        const lines = await rosterLines(ctx.tx, units);
        const today = ctx.tx.calendar.formatDay(ctx.now);
        if (!lines.length) return t('duty.roster.empty', { day: today });
        return [t('duty.roster.head', { day: today }), ...lines].join('\n');
      },
    }),
    defineCommand({
      id: 'dutyImport',
      name: '导入值班表',
      access: 'community_secretary',
      args: {},
      async run(ctx) {
        const sender = ctx.requireMember();
        const link = await issueFileLink(ctx, { kind: DUTY_IMPORT_LINK, spec: {}, memberId: sender.id, lifetimeMs: LINK_TTL_MINUTES * 60_000, once: true });
        const base = (baseUrl() ?? '').replace(/\/$/, '');
        const template = `${base}/files/xlsx/template/${encodeURIComponent(DUTY_TEMPLATE_FILE)}`;
        return t('duty.import.link', { minutes: LINK_TTL_MINUTES, url: `${base}/files/xlsx/import/${link.token}`, template });
      },
    }),
    defineCommand({
      id: 'dutyRouting',
      name: '值班设置',
      access: 'admin',
      args: { routing: arg.oneOf<AfterHoursRouting>('arg.dutyRouting', ['also', 'instead'], Object.fromEntries(inputWords('input.dutyRouting')) as Record<string, AfterHoursRouting>) },
      async run(ctx, { routing }) {
        await ctx.repos.settings.put(ROUTING_SETTING, routing, ctx.now);
        return t(`duty.routing.${routing}`);
      },
    }),
  ];
}
