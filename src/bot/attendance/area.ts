/** The modules of issue 5 as one list for src/bot/modules.ts: attendance, the info report, and 日程. */
import type { BotModule } from '../bot';
import { createInfoReportModule } from '../inforeport';
import { createSchedulesModule } from '../schedules';
import { createAttendanceModule } from '.';

/** `all` is the final module list, read lazily by 日程 so every area's schedules show. */
export function attendanceAreaModules(all: () => readonly BotModule[]): BotModule[] {
  return [createAttendanceModule(), createInfoReportModule(), createSchedulesModule(all)];
}
