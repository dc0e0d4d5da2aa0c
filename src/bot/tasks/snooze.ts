/** A task's reminder, as 稍后提醒 brings it back: only while the task is active and still the member's. */
import { isActiveTask, parseTaskNumber } from '../../domain/task/task';
import type { Snoozable } from '../snooze';
import { snoozeButton } from '../snooze/button';
import { t } from '../texts';
import { formatTime } from './format';
import type { TasksRepos } from './ports';
import type { TasksService } from './service';

export function taskSnoozable<R extends TasksRepos>(service: TasksService<R>): Snoozable<R> {
  return {
    numberOf: parseTaskNumber,
    async reminder(tx, number, memberId) {
      const task = await tx.repos.tasks.byNumber(number);
      if (!task || !isActiveTask(task) || task.assigneeId !== memberId) return null;
      const policy = await service.policy.load(tx);
      const text = t('task.remind.snoozed', { number, title: task.title, deadline: formatTime(task.deadline, policy.calendar, tx.now) });
      const message = await service.taskMessage(tx, task, policy, t('task.card.task', { number }), text);
      return { ...message, card: { ...message.card!, buttons: [...(message.card?.buttons ?? []), snoozeButton(number)] } };
    },
  };
}
