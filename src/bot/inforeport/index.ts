/**
 * The twice-weekly info report (每周二、五报送): the module, created from its dependencies;
 * commands.ts holds the answers and settings, report-timer.ts the prompt, reminder and summary.
 */
import type { BotModule } from '../bot';
import type { ScheduleDeclaration } from '../schedules/registry';
import type { InfoReportRepos } from './ports';
import { infoReportCommands } from './commands';
import { REPORT_FIRE_TIMER, reportTimers } from './report-timer';

export { HOLIDAY_SETTING } from './commands';
export { REPORT_FIRE_TIMER } from './report-timer';

export const INFO_REPORT_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'inforeport-prompt', name: '信息报送', defaultPattern: '0 0 9 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'prompt' }, description: 'schedule.desc.reportPrompt' },
  { id: 'inforeport-reminder', name: '报送提醒', defaultPattern: '0 0 15 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'reminder' }, description: 'schedule.desc.reportReminder' },
  { id: 'inforeport-summary', name: '报送汇总', defaultPattern: '0 30 17 * * 2,5', timerName: REPORT_FIRE_TIMER, data: { step: 'summary' }, description: 'schedule.desc.reportSummary' },
];

export function createInfoReportModule(): BotModule<InfoReportRepos> {
  return { ...infoReportCommands(), timers: reportTimers(), schedules: INFO_REPORT_SCHEDULES };
}
