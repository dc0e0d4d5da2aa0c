/**
 * Assessment (考核), statistics (统计), ledgers (台账) and the organisation import (导入): scores
 * from what the platform saw, rankings, scheduled summaries, Excel in and out.
 */
import type { BotModule } from '../bot';
import { NO_OUTPUT, type MeetingOutput } from '../meetings/render-port';
import type { AssessmentRepos } from './ports';
import type { ScheduleDeclaration } from '../schedules/registry';
import { assessmentCommands } from './commands';
import { AssessmentService } from './service';
import { summaryTimer, SUMMARY_TIMER } from './summary-timer';

export { AssessmentService } from './service';
export { buildLedger, ledgerSpecSchema } from './ledgers';
export { applyImport, checkImport, importTemplate } from './org-import';
export { SUMMARY_TIMER } from './summary-timer';

/** Default times of the summaries (cron with seconds, in TIMEZONE). */
export const SUMMARY_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'assessment-monthly', name: '考核月报', defaultPattern: '0 0 9 1 * *', timerName: SUMMARY_TIMER, data: { kind: 'monthly' }, description: 'schedule.assessmentMonthly' },
  { id: 'assessment-quarterly', name: '考核季报', defaultPattern: '0 30 9 1 1,4,7,10 *', timerName: SUMMARY_TIMER, data: { kind: 'quarterly' }, description: 'schedule.assessmentQuarterly' },
];

export function createAssessmentModule(deps: { service?: AssessmentService; output?: MeetingOutput } = {}): BotModule<AssessmentRepos> {
  const service = deps.service ?? new AssessmentService();
  const output = deps.output ?? NO_OUTPUT;
  return { commands: assessmentCommands(service, output), timers: [summaryTimer(service, output)], schedules: SUMMARY_SCHEDULES };
}
