/**
 * The meetings area (周例会 / 月例会): agendas composed from what the bot saw, decisions that
 * become tasks through the TaskService, minutes, monthly plans and exports.
 */
import type { BotModule } from '../bot';
import type { MeetingOutput } from './render-port';
import type { TaskService } from '../tasks/contract';
import type { AttendanceFacts, MeetingsRepos } from './ports';
import type { DaibanFigures, VisitCoverage } from '../assessment/ports';
import { meetingCommands } from './commands';
import { MeetingService } from './service';
import { AGENDA_TIMER, agendaTimer } from './agenda-timer';
import type { ScheduleDeclaration } from '../schedules/registry';

/** 周例会 Monday 08:30 and 月例会 on the first working day: the agenda goes out an hour before. */
export const MEETING_SCHEDULES: ScheduleDeclaration[] = [
  // Checked each morning: the meeting moves to the next working day of its week when its day is off.
  { id: 'meeting-weekly-agenda', name: '周例会议程', defaultPattern: '0 30 7 * * *', timerName: AGENDA_TIMER, data: { kind: 'weekly', onlyOnAgendaDay: true }, description: 'schedule.desc.weeklyAgenda' },
  {
    id: 'meeting-monthly-agenda',
    name: '月例会议程',
    defaultPattern: '0 0 8 * * *',
    timerName: AGENDA_TIMER,
    data: { kind: 'monthly', onlyOnAgendaDay: true },
    description: 'schedule.desc.monthlyAgenda',
  },
];

export { NO_OUTPUT, type MeetingOutput, type MeetingRenderer } from './render-port';
export { MeetingService } from './service';
export { resolveExport } from './exports';

export function createMeetingsModule(deps: { tasks: TaskService<MeetingsRepos>; attendance: AttendanceFacts; visits?: VisitCoverage; daiban?: DaibanFigures; output?: MeetingOutput }): BotModule<MeetingsRepos> {
  const service = new MeetingService(deps);
  return { commands: meetingCommands(service), timers: [agendaTimer(service)], schedules: MEETING_SCHEDULES };
}
