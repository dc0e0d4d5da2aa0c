/**
 * The tasks area (限时办结): commands, the 办结 dialog, the reminder rung handler, and the
 * TaskService other areas dispatch through. One instance per process; listeners are added by
 * the areas that dispatch (events, meetings) when the module list is built.
 */
import type { BotModule } from '../bot';
import { taskCommands } from './commands';
import type { TaskListener, TaskService } from './contract';
import { TaskPolicyLoader, type TaskPolicyOptions } from './policy';
import { reminderTimer } from './reminder-timer';
export type { RungOutcome } from './reminder-timer';
import { TasksService } from './service';

export { TASK_REMINDER_TIMER, TaskRefusedError } from './service';
export { REMINDER_SETTING, type ReminderSetting } from './policy';

export interface TasksModuleOptions extends TaskPolicyOptions {
  /** Hears every fired rung (sent or skipped): benchmarks and diagnostics. */
  onRungFired?: Parameters<typeof reminderTimer>[1];
}

export interface TasksModule {
  module: BotModule;
  service: TaskService;
  addListener(listener: TaskListener): void;
}

export function createTasksModule(options: TasksModuleOptions = {}): TasksModule {
  const service = new TasksService(new TaskPolicyLoader(options));
  const { commands, dialogs } = taskCommands(service);
  return {
    module: { commands, dialogs, timers: [reminderTimer(service, options.onRungFired)] },
    service,
    addListener: (listener) => service.addListener(listener),
  };
}

