import { TaskRefusedError, taskRefusals } from './index';
import type { TaskServiceRefusal } from './service';

const REASONS: TaskServiceRefusal[] = [
  'wrong_state', 'not_your_task', 'not_allowed', 'reason_required', 'result_required', 'note_required',
  'deadline_in_past', 'extension_not_later', 'same_assignee', 'not_accepted', 'title_required', 'no_assignee', 'unknown_task',
];

describe('a task refusal met through another area', () => {
  it.each(REASONS)('reads as a Chinese sentence for %s, naming the task where there is one', (reason) => {
    const text = taskRefusals(new TaskRefusedError(reason, 'RW-20261207-001'))!;
    expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(text).not.toMatch(/[a-z]+_[a-z]+/);
    if (['wrong_state', 'not_your_task', 'not_allowed', 'extension_not_later', 'not_accepted', 'unknown_task'].includes(reason)) expect(text).toContain('RW-20261207-001');
  });

  it('leaves other errors to the other areas', () => {
    expect(taskRefusals(new Error('boom'))).toBeNull();
  });
});
