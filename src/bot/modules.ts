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
import type { EventObserver, EventsRepos } from './events/ports';
import { createMeetingsModule } from './meetings';
import type { MeetingsRepos } from './meetings/ports';
import { NO_OUTPUT, type MeetingOutput } from './meetings/render-port';
import { createAttendanceModule } from './attendance';
import type { AttendanceRepos } from './attendance/ports';
import { createInfoReportModule } from './inforeport';
import { createSchedulesModule } from './schedules';
import { AssessmentService, createAssessmentModule } from './assessment';
import type { AssessmentRepos, DaibanFigures, VisitCoverage } from './assessment/ports';
import type { RegisterRepos } from './register/ports';
import { createRegisterModule, type RegisterService } from './register';
import type { WorkLookup } from './register/linked-work';
import { stateName as taskStateName } from './tasks/format';
import { t, type TextKey } from './texts';
import { createCalendarModule } from './calendar';
import { createNoticesModule, NoticeService } from './notices';
import type { NoticesRepos } from './notices/ports';
import { createSnoozeModule } from './snooze';
import { createDutyModule } from './duty';
import { createTrainingModule } from './training';
import { taskSnoozable } from './tasks/snooze';
import type { ConsoleRepos } from './console/ports';
import { createConsoleModule } from './console';
import type { IntakeRepos } from './intake/ports';
import { createIntakeModule, type IntakeService } from './intake';
import { createDaibanModule, type DaibanService } from './daiban';
import type { DaibanRepos } from './daiban/ports';
import { parseDaibanNumber } from '../domain/daiban/daiban';
import type { ResidentsRepos } from './residents/ports';
import { createResidentsModule, type ResidentsService } from './residents';
import { createResidentWebModule, type ResidentGroups, type ResidentWebService } from './resident-web';
import type { ResidentEvents, ResidentWebRepos } from './resident-web/ports';

/** Every repository, bound to one transaction: the union of what the areas need. */
export type BotRepos = EventsRepos & MeetingsRepos & AttendanceRepos & AssessmentRepos & NoticesRepos & RegisterRepos & ConsoleRepos & IntakeRepos & DaibanRepos & ResidentsRepos & ResidentWebRepos;

export interface BotModulesDeps {
  /** Charts, documents and where download links point (the runtime knows its address once it listens). */
  output?: MeetingOutput;
  tasks?: TasksModuleOptions;
  /** Where the public account (工作公开) is posted: the units' residents' groups. */
  residentGroups?: ResidentGroups;
}

export interface BotModules {
  modules: BotModule<BotRepos>[];
  /** The TaskService other areas dispatch through (tests and benchmarks dispatch with it too). */
  tasks: TasksService<BotRepos>;
  events: EventService;
  /** The register's use cases (the import route checks and applies uploads through it). */
  register: RegisterService;
  /** Assessment as composed (visit coverage included), for the ledger files. */
  assessment: AssessmentService;
  /** The intake's use cases (the hotline and Open311 routes receive orders through it). */
  intake: IntakeService;
  /** 代办 / 帮办 (the residents' side wires its observer here; the ledger and import routes use it). */
  daiban: DaibanService;
  /** The residents' side (reports from residents' groups, 回访, the retention purge). */
  residents: ResidentsService;
  /** The residents' report, tracking and public pages (adapters/http/resident-route.ts). */
  residentWeb: ResidentWebService;
}

/** Events and tasks by number, for the register's links (关联) and household files. */
const workLookup: WorkLookup = {
  async find(repos, number) {
    const all = repos as BotRepos;
    if (number.startsWith('SJ')) {
      const e = await all.events.byNumber(number);
      return e && { kind: 'event', number: e.number, title: e.description.slice(0, 40), stateName: t(`event.state.${e.state}` as TextKey), unitId: e.gridUnitId };
    }
    const task = await all.tasks.byNumber(number);
    return task && { kind: 'task', number: task.number, title: task.title.slice(0, 40), stateName: taskStateName(task), unitId: task.scopeUnitId };
  },
};

export function createBotModules(deps: BotModulesDeps = {}): BotModules {
  const output = deps.output ?? NO_OUTPUT;
  const register = createRegisterModule({ baseUrl: output.baseUrl, work: workLookup });
  // Assessment and the weekly agenda read visit coverage from the register. The transaction's
  // repositories are always the full BotRepos; the assessment port names only what it needs itself.
  const visits: VisitCoverage = { ofGrids: (repos, gridIds, asOf) => register.service.coverage(repos as BotRepos, gridIds, asOf) };
  const daiban = createDaibanModule({ register: register.service, baseUrl: output.baseUrl });
  // 统计 and 考核 count 代办 by the one definition the 代办 area applies (src/domain/figures).
  const daibanFigures: DaibanFigures = {
    ofGrids: (repos, gridIds, range, now) => daiban.service.onTimeOfGrids(repos as BotRepos, gridIds, range, now),
    tally: (repos, unitPath, range, now) => daiban.service.tally(repos as BotRepos, unitPath, range, now),
  };
  const assessment = new AssessmentService(visits, daibanFigures);
  const notices = new NoticeService<BotRepos>();
  const tasks = createTasksModule<BotRepos>(deps.tasks);
  // Areas that react to every step of an event (the residents' close notice, intake callbacks)
  // observe it here, inside the step's transaction; the events area does not know them.
  const eventObservers: EventObserver[] = [];
  // Events dispatch through the tasks service and hear back about their tasks.
  const events = createEventsModule({ tasks: tasks.service, observers: eventObservers });
  tasks.addListener(events.listener);
  // Residents report in their grid's residents' group and are told there when it is closed.
  const residents = createResidentsModule({ events: events.service });
  events.service.observe(residents.observer);
  // Residents report from the 联系卡 page and rate there, as an outside origin of the events area.
  const residentEvents: ResidentEvents = {
    report: (tx, r) => events.service.reportFromOutside(tx, { origin: { kind: 'resident', residentId: r.residentId }, gridUnitId: r.gridUnitId, description: r.description, location: r.location, attachments: r.attachments }),
    rate: async (tx, number, residentId, rating, reason) => {
      await events.service.rateFromOutside(tx, number, { kind: 'resident', residentId }, rating, reason ?? undefined);
    },
  };
  const residentWeb = createResidentWebModule({ events: residentEvents, baseUrl: output.baseUrl, ...(deps.residentGroups ? { groups: deps.residentGroups } : {}) });
  // Intake: orders from outside become events; it hears every step of them (numbered status changes
  // for the client's callback) and names its clients on cards and timelines.
  const intake = createIntakeModule(events.service);
  events.service.observe(intake.observer);
  events.service.nameOriginsWith(intake.service);
  const modules: BotModule<BotRepos>[] = [
    createOrgModule(),
    events.module,
    residents.module,
    tasks.module,
    createMeetingsModule({ tasks: tasks.service, attendance: assessment, visits, daiban: daibanFigures, output }),
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
    createSnoozeModule<BotRepos>([taskSnoozable(tasks.service), { numberOf: parseNoticeNumber, reminder: (tx, number, memberId) => notices.snoozedReminder(tx, number, memberId) },
      { numberOf: parseDaibanNumber, reminder: (tx, number, memberId) => daiban.service.snoozedReminder(tx, number, memberId) },
    ]),
    register.module,
    daiban.module,
    createConsoleModule({ output }),
    residentWeb.module,
    intake.module,
  ];
  return { modules, tasks: tasks.service, events: events.service, register: register.service, assessment, intake: intake.service, daiban: daiban.service, residents: residents.service, residentWeb: residentWeb.service };
}
