/** Wording of the tasks service's refusals (services return codes, never chat text). */
import { t, type TextKey } from '../texts';
import { TaskRefusedError } from './service';

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
