/**
 * Periodic work (日程): every area declares its schedules (registry.ts); this module lets an admin
 * list, change and run them (commands.ts); fanout.ts spreads one firing over the grids.
 */
import type { BotModule } from '../bot';
import { scheduleCommands } from './commands';

export * from './registry';
export { describePattern, parsePatternInput } from './pattern';

/** `modules` is read when a command runs, so the list may include the module itself. */
export function createSchedulesModule(modules: () => readonly Pick<BotModule, 'schedules'>[]): BotModule {
  return { commands: scheduleCommands(modules) };
}
