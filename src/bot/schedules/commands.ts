/**
 * The admin's view of periodic work: 日程 lists every schedule, 修改日程 changes one (the
 * scheduler process re-upserts it), 立即执行 runs one now. Declarations come from the modules.
 */
import type { BotModule } from '../bot';
import { SessionError } from '../errors';
import { t } from '../texts';
import { arg, defineCommand, type Command, type CommandContext } from '../commands/framework';
import { collectSchedules, currentPattern, scheduleSettingKey, type ScheduleDeclaration } from './registry';
import { describePattern, parsePatternInput } from './pattern';

function find(declarations: ScheduleDeclaration[], name: string): ScheduleDeclaration {
  const found = declarations.find((d) => d.name === name || d.id === name);
  if (!found) throw new SessionError('schedule.unknown', { name, names: declarations.map((d) => d.name).join('、') });
  return found;
}

/** `modules` is read when a command runs, so the list may include the module itself. */
export function scheduleCommands(modules: () => readonly Pick<BotModule, 'schedules'>[]): Command[] {
  const declarations = () => collectSchedules(modules());

  const list = defineCommand({
    id: 'schedules',
    name: '日程',
    aliases: ['定时任务'],
    access: 'admin',
    args: {},
    async run(ctx) {
      const lines: string[] = [];
      for (const d of declarations()) {
        const pattern = await currentPattern(ctx.repos.settings, d);
        const changed = pattern !== d.defaultPattern ? t('schedule.changedFrom', { default: describePattern(d.defaultPattern) }) : '';
        lines.push(t('schedule.line', { name: d.name, when: describePattern(pattern), changed, what: t(d.description) }));
      }
      return { text: [t('schedule.title'), ...lines, t('schedule.footer')].join('\n'), card: { title: t('schedule.title'), lines: [...lines, t('schedule.footer')] } };
    },
  });

  const change = defineCommand({
    id: 'changeSchedule',
    name: '修改日程',
    aliases: ['设置日程'],
    access: 'admin',
    args: { name: arg.word('arg.scheduleName'), spec: arg.text('arg.scheduleSpec') },
    async run(ctx, { name, spec }) {
      const d = find(declarations(), name);
      const before = await currentPattern(ctx.repos.settings, d);
      const parsed = parsePatternInput(spec, before);
      if (!parsed.ok) throw new SessionError('schedule.badSpec', { spec });
      const pattern = parsed.pattern ?? d.defaultPattern;
      await ctx.repos.settings.put(scheduleSettingKey(d.id), { pattern }, ctx.now);
      requestSync(ctx, d);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'schedule.change', target: d.id, detail: { from: before, to: pattern } });
      return t('schedule.changed', { name: d.name, when: describePattern(pattern) });
    },
  });

  const runNow = defineCommand({
    id: 'runSchedule',
    name: '立即执行',
    aliases: ['马上执行'],
    access: 'admin',
    args: { name: arg.word('arg.scheduleName') },
    async run(ctx, { name }) {
      const d = find(declarations(), name);
      ctx.tx.effects.schedule({ name: d.timerName, jobId: `manual-${d.id}-${ctx.now.getTime()}`, data: { ...(d.data ?? {}), scheduleId: d.id, manual: true }, runAt: ctx.now });
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'schedule.run', target: d.id });
      return t('schedule.ran', { name: d.name });
    },
  });

  return [list, change, runNow];
}

/** Asks the scheduler process to re-upsert the schedule from settings (through the outbox: never lost). */
function requestSync(ctx: CommandContext, d: ScheduleDeclaration): void {
  ctx.tx.effects.syncSchedule(d.id, `sync-${d.id}-${ctx.now.getTime()}`);
}
