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
import { TaskRefusedError, TasksService } from './service';
import { t, type TextKey } from '../texts';

export { TASK_REMINDER_TIMER, TaskRefusedError } from './service';
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

/**
 * How a refusal reads when another area (events, meetings) acted on a task through the service and
 * the task could not take it: the task's number and what to do, in the sender's words.
 */
export function taskRefusals(err: unknown): string | null {
  if (!(err instanceof TaskRefusedError)) return null;
  const number = err.taskNumber ?? '';
  switch (err.reason) {
    case 'no_assignee':
      return t('task.refused.noAssignee');
    case 'unknown_task':
      return t('task.err.unknownTask', { number });
    case 'title_required':
    case 'deadline_in_past':
    case 'reason_required':
    case 'result_required':
    case 'note_required':
    case 'same_assignee':
      return t(`task.refusal.${err.reason}` as TextKey);
    case 'not_accepted':
      return t('task.refused.notAccepted', { number });
    case 'wrong_state':
    case 'not_your_task':
    case 'not_allowed':
    case 'extension_not_later':
      return t('task.refused.changed', { number });
  }
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

