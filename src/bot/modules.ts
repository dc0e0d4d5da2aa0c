/** Every area's contribution to the bot, in the order their commands appear in 帮助. */
import type { BotModule } from './bot';
import { orgModule } from './commands/org';
import { createTasksModule } from './tasks';
import { createEventsModule } from './events';
import { createMeetingsModule } from './meetings';
import { attendanceAreaModules } from './attendance/area';

import { createAssessmentModule } from './assessment';
import { createCalendarModule } from './calendar';
/** The one tasks instance of this process: events and meetings dispatch through `tasks.service`. */
export const tasks = createTasksModule();

/** Events dispatch through the tasks service and hear back about their tasks. */
export const events = createEventsModule({ tasks: tasks.service });
tasks.addListener(events.listener);

export const botModules: BotModule[] = [orgModule, events.module, tasks.module, createMeetingsModule({ tasks: tasks.service }), ...attendanceAreaModules(() => botModules), createAssessmentModule(), createCalendarModule()];
