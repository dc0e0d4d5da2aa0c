/**
 * The composition of the bot, above the areas: the full set of repositories a transaction carries,
 * and every area's module created from its dependencies, in the order their commands appear in
 * 帮助. Nothing here runs at import; the runtime (and tests) call `createBotModules`.
 */
import type { BotModule } from './bot';
import { parseNoticeNumber } from '../domain/notice/notice';
import { createOrgModule } from './org';
import { createTasksModule, type TasksModuleOptions } from './tasks';
import type { TasksService } from './tasks/service';
import { createEventsModule } from './events';
import type { EventService } from './events/service';
import type { EventsRepos } from './events/ports';
import { createMeetingsModule } from './meetings';
import type { MeetingsRepos } from './meetings/ports';
import { NO_OUTPUT, type MeetingOutput } from './meetings/render-port';
import { createAttendanceModule } from './attendance';
import type { AttendanceRepos } from './attendance/ports';
import { createInfoReportModule } from './inforeport';
import { createSchedulesModule } from './schedules';
import { AssessmentService, createAssessmentModule } from './assessment';
import type { AssessmentRepos } from './assessment/ports';
import { createCalendarModule } from './calendar';
import { createNoticesModule, NoticeService } from './notices';
import type { NoticesRepos } from './notices/ports';
import { createSnoozeModule } from './snooze';
import { createDutyModule } from './duty';
import { createTrainingModule } from './training';
import { taskSnoozable } from './tasks/snooze';
import type { ConsoleRepos } from './console/ports';
import { createConsoleModule } from './console';

/** Every repository, bound to one transaction: the union of what the areas need. */
export type BotRepos = EventsRepos & MeetingsRepos & AttendanceRepos & AssessmentRepos & NoticesRepos & ConsoleRepos;

export interface BotModulesDeps {
  /** Charts, documents and where download links point (the runtime knows its address once it listens). */
  output?: MeetingOutput;
  tasks?: TasksModuleOptions;
}

export interface BotModules {
  modules: BotModule<BotRepos>[];
  /** The TaskService other areas dispatch through (tests and benchmarks dispatch with it too). */
  tasks: TasksService<BotRepos>;
  events: EventService;
}

export function createBotModules(deps: BotModulesDeps = {}): BotModules {
  const output = deps.output ?? NO_OUTPUT;
  const assessment = new AssessmentService();
  const notices = new NoticeService<BotRepos>();
  const tasks = createTasksModule<BotRepos>(deps.tasks);
  // Events dispatch through the tasks service and hear back about their tasks.
  const events = createEventsModule({ tasks: tasks.service });
  tasks.addListener(events.listener);
  const modules: BotModule<BotRepos>[] = [
    createOrgModule(),
    events.module,
    tasks.module,
    createMeetingsModule({ tasks: tasks.service, attendance: assessment, output }),
    createAttendanceModule(),
    createInfoReportModule(),
    // 日程 reads the final list when it runs, so every area's schedules show, its own included.
    createSchedulesModule(() => modules),
    createAssessmentModule({ service: assessment, output }),
    createCalendarModule(),
    createNoticesModule(notices),
    createDutyModule<BotRepos>(() => output.baseUrl()),
    createTrainingModule<BotRepos>(),
    // 稍后提醒 on every reminder card: the areas whose reminders can be put off.
    createSnoozeModule<BotRepos>([taskSnoozable(tasks.service), { numberOf: parseNoticeNumber, reminder: (tx, number, memberId) => notices.snoozedReminder(tx, number, memberId) }]),
    createConsoleModule({ output }),
  ];
  return { modules, tasks: tasks.service, events: events.service };
}
