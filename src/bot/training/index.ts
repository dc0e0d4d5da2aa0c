/**
 * The training area (培训): trainings recorded by chat, each member's hours of the year, the
 * fourth-quarter shortfall warning; the hours count in 考核 (the `trainingHours` indicator) and
 * are listed in the 培训台账 (导出 培训台账).
 */
import type { BotModule } from '../bot';
import type { ScheduleDeclaration } from '../schedules/registry';
import { trainingCommands } from './commands';
import type { TrainingRepos } from './ports';
import { shortfallTimer, TRAINING_SHORTFALL_TIMER } from './shortfall-timer';

export { TRAINING_SHORTFALL_TIMER } from './shortfall-timer';

/** 1 October, 1 November and 1 December at 09:00. */
export const TRAINING_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'training-shortfall', name: '培训学时提醒', defaultPattern: '0 0 9 1 10,11,12 *', timerName: TRAINING_SHORTFALL_TIMER, description: 'schedule.desc.trainingShortfall' },
];

export function createTrainingModule<R extends TrainingRepos>(): BotModule<R> {
  return { commands: trainingCommands<R>(), timers: [shortfallTimer<R>()], schedules: TRAINING_SCHEDULES };
}
