/**
 * The meetings area (周例会 / 月例会): agendas composed from what the bot saw, decisions that
 * become tasks through the TaskService, minutes, monthly plans and exports.
 */
import type { BotModule } from '../bot';
import type { TaskService } from '../tasks/contract';
import { meetingCommands } from './commands';
import { MeetingService } from './service';
import { agendaTimer } from './agenda-timer';

export { installMeetingOutput, meetingOutput, type MeetingRenderer } from './render-port';
export { MeetingService } from './service';
export { resolveExport } from './exports';

export function createMeetingsModule(deps: { tasks: TaskService; service?: MeetingService }): BotModule {
  const service = deps.service ?? new MeetingService(deps.tasks);
  return { commands: meetingCommands(service), timers: [agendaTimer(service)] };
}
