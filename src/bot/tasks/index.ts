/**
 * The tasks area (限时办结): commands, the 办结 dialog, the reminder rung handler, and the
 * TaskService other areas dispatch through. Created by the composition (src/bot/modules.ts),
 * which adds the listeners of the areas that dispatch (events).
 */
import type { BotModule } from '../bot';
import { taskCommands } from './commands';
import type { TaskListener } from './contract';
import type { TasksRepos } from './ports';
import { TaskPolicyLoader, type TaskPolicyOptions } from './policy';
import { reminderTimer } from './reminder-timer';
export type { RungOutcome } from './reminder-timer';
import { TasksService } from './service';
import { taskRefusals } from './refusals';

export { TASK_REMINDER_TIMER, TaskRefusedError } from './service';
export { taskRefusals } from './refusals';
export { REMINDER_SETTING, type ReminderSetting } from './policy';

export interface TasksModuleOptions extends TaskPolicyOptions {
  /** Hears every fired rung (sent or skipped): benchmarks and diagnostics. */
  onRungFired?: Parameters<typeof reminderTimer>[1];
}

/** The tasks area for transactions carrying `R`: what its listeners (events, meetings) need besides the tasks. */
export interface TasksModule<R extends TasksRepos = TasksRepos> {
  module: BotModule<R>;
  service: TasksService<R>;
  addListener(listener: TaskListener<R>): void;
}

export function createTasksModule<R extends TasksRepos = TasksRepos>(options: TasksModuleOptions = {}): TasksModule<R> {
  const service = new TasksService<R>(new TaskPolicyLoader(options));
  const { commands, dialogs } = taskCommands(service);
  return {
    module: { commands, dialogs, timers: [reminderTimer(service, options.onRungFired)], refusals: taskRefusals },
    service,
    addListener: (listener) => service.addListener(listener),
  };
}

