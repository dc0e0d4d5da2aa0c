/**
 * The attendance area (考勤): check-in/out, the patrol log and its daily rule, leave. The module
 * is created from its dependencies; commands.ts, patrol-timer.ts and cards.ts hold the parts.
 */
import type { BotModule } from '../bot';
import type { ScheduleDeclaration } from '../schedules/registry';
import { attendanceCommands } from './commands';
import { PATROL_FIRE_TIMER, patrolTimers } from './patrol-timer';
import type { AttendanceRepos } from './ports';

export { PATROL_FIRE_TIMER } from './patrol-timer';
export { backupSettingKey } from './commands';

export const PATROL_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'patrol-reminder', name: '巡查提醒', defaultPattern: '0 0 16 * * *', timerName: PATROL_FIRE_TIMER, data: { step: 'reminder' }, description: 'schedule.desc.patrolReminder' },
  { id: 'patrol-summary', name: '巡查日报', defaultPattern: '0 0 18 * * *', timerName: PATROL_FIRE_TIMER, data: { step: 'summary' }, description: 'schedule.desc.patrolSummary' },
];

export function createAttendanceModule(): BotModule<AttendanceRepos> {
  return { ...attendanceCommands(), timers: patrolTimers(), schedules: PATROL_SCHEDULES };
}
