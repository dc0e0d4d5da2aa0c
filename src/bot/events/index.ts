/**
 * The events area (事件): reporting from the chat and the closed loop up the grid tree. Built on
 * the TaskService, through which a dispatched event becomes a task; the returned listener must be
 * registered with the tasks module so the event hears 接单 / 进度 / 办结 / 退回.
 */
import type { BotModule } from '../bot';
import type { TaskListener, TaskService } from '../tasks/contract';
import type { EventObserver, EventsRepos } from './ports';
import { eventCommands } from './commands';
import { createReportFlow } from './dialogs';
import { eventRefusals } from './cards';
import { EventService } from './service';

export interface EventsModule {
  module: BotModule<EventsRepos>;
  service: EventService;
  listener: TaskListener<EventsRepos>;
}

export function createEventsModule(deps: { tasks: TaskService<EventsRepos>; observers?: readonly EventObserver[] }): EventsModule {
  const service = new EventService(deps.tasks, deps.observers ?? []);
  const flow = createReportFlow(service);
  const commands = eventCommands(service, flow);
  return {
    module: { commands, dialogs: [...flow.dialogs, flow.more(commands)], attachmentHandlers: [flow.attachmentHandler], refusals: eventRefusals },
    service,
    listener: service.listener(),
  };
}
