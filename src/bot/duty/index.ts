/**
 * The duty area (值班): rosters per community and town (by chat and .xlsx), today's roster, the
 * start-of-duty list, and the desk that sends after-hours urgent items to the person on duty.
 */
import type { BotModule } from '../bot';
import type { EventsRepos } from '../events/ports';
import type { ScheduleDeclaration } from '../schedules/registry';
import { dutyCommands } from './commands';
import { DUTY_START_TIMER, dutyStartTimer } from './start-timer';

export { onDutyFor, routeUrgent, ROUTING_SETTING } from './desk';
export { DUTY_START_TIMER } from './start-timer';
export { DUTY_IMPORT_LINK, DUTY_TEMPLATE_FILE, applyRosterImport, checkRosterImport, rosterTemplate } from './roster-import';

/** 08:00 and 20:00 every day, holidays included: the start of the day and the night shift. */
export const DUTY_SCHEDULES: ScheduleDeclaration[] = [{ id: 'duty-start', name: '值班交接', defaultPattern: '0 0 8,20 * * *', timerName: DUTY_START_TIMER, description: 'schedule.desc.dutyStart' }];

/** `baseUrl`: where the upload link points (PUBLIC_URL or this server, known once it listens). */
export function createDutyModule<R extends EventsRepos>(baseUrl: () => string | null = () => null): BotModule<R> {
  return { commands: dutyCommands<R>(baseUrl), timers: [dutyStartTimer<R>()], schedules: DUTY_SCHEDULES };
}
