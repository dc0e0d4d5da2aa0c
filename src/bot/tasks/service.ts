/**
 * The task machinery (限时办结) behind the commands and behind other areas (TaskService): creates
 * tasks, applies the life-cycle table, keeps the reminder rungs scheduled for the current deadline
 * version, tells the other party, and lets the source area (events, meetings) hear what happened.
 */
import { LEADER_ROLE, type OrgUnit } from '../../domain/org/org';
import { applyTaskAction, taskRelationsOf, type TaskAction, type TaskActor, type TaskRefusal } from '../../domain/task/lifecycle';
import { planReminders, reminderJobId, type Rung } from '../../domain/task/reminders';
import { createTask, formatTaskNumber, isActiveTask, wasSubmittedLate, type NewTaskRefusal } from '../../domain/task/task';
import type { BotMessage } from '../message';
import { Notifier } from '../notify';
import type { Tx } from '../ports';
import type { TasksRepos } from './ports';
import { t } from '../texts';
import type { DispatchInput, TaskAssignee, TaskListener, TaskService, TaskSource, TaskView } from './contract';
import { formatTime, memberName, priorityName, taskButtons, taskFields } from './format';
import type { TaskPolicy, TaskPolicyLoader } from './policy';
import type { TaskRecord } from './ports';

/** The BullMQ job name of a reminder rung on the timers queue. */
export const TASK_REMINDER_TIMER = 'task.reminder';

export type TaskServiceRefusal = TaskRefusal | NewTaskRefusal | 'no_assignee' | 'unknown_task';

/** A programmatic call (from events or meetings) the task cannot take; callers may catch it by `reason`. */
export class TaskRefusedError extends Error {
  override readonly name = 'TaskRefusedError';
  constructor(
    readonly reason: TaskServiceRefusal,
    readonly taskNumber?: string,
  ) {
    super(`task ${taskNumber ?? ''} refused: ${reason}`);
  }
}

/** One person a dispatch reaches, with the grid and unit the task belongs to. */
export interface DispatchTarget {
  memberId: number;
  gridId: number | null;
  scopeUnitId: number;
}

export interface ResolvedAssignees {
  targets: DispatchTarget[];
  /** Units that were meant to receive the task but have nobody who could. */
  empty: OrgUnit[];
}

export type ActOutcome = { ok: true; task: TaskRecord } | { ok: false; reason: TaskRefusal };

export function toView(task: TaskRecord): TaskView {
  return {
    id: task.id,
    number: task.number,
    title: task.title,
    status: task.state,
    assigneeMemberId: task.assigneeId,
    dispatcherMemberId: task.dispatcherId,
    scopeUnitId: task.scopeUnitId,
    deadline: task.deadline,
    priority: task.priority,
    source: task.source,
  };
}

export class TasksService<R extends TasksRepos = TasksRepos> implements TaskService<R> {
  private readonly listeners: TaskListener<R>[] = [];

  constructor(readonly policy: TaskPolicyLoader) {}

  addListener(listener: TaskListener<R>): void {
    this.listeners.push(listener);
  }

  // ---- TaskService<R> (the contract for events and meetings) ----------------------------------

  async dispatch(tx: Tx<R>, input: DispatchInput): Promise<TaskView[]> {
    const { targets } = await this.resolveAssignees(tx, input.assignee, input.scopeUnitId);
    if (targets.length === 0) throw new TaskRefusedError('no_assignee');
    return (await this.dispatchTo(tx, input, targets)).map(toView);
  }

  async reopen(tx: Tx<R>, taskId: number, actorMemberId: number, reason: string, newDeadline?: Date): Promise<void> {
    const task = await this.mustLoad(tx, taskId);
    const actor = this.privileged(task, actorMemberId);
    let outcome = await this.act(tx, task, { type: 'reject', reason }, actor);
    if (!outcome.ok) throw new TaskRefusedError(outcome.reason, task.number);
    if (newDeadline) {
      outcome = await this.act(tx, outcome.task, { type: 'set_deadline', deadline: newDeadline }, actor);
      if (!outcome.ok) throw new TaskRefusedError(outcome.reason, task.number);
    } else {
      // Reminders of the old plan were cancelled on 办结; a reopened task needs a plan of its own.
      await this.rearm(tx, outcome.task);
    }
  }

  async close(tx: Tx<R>, taskId: number, actorMemberId: number): Promise<void> {
    const task = await this.mustLoad(tx, taskId);
    if (task.state === 'done' || task.state === 'withdrawn') return;
    const actor = this.privileged(task, actorMemberId);
    // Closed by its source before 办结 (the event was settled otherwise): nothing is owed any more.
    const action: TaskAction = task.state === 'submitted' ? { type: 'approve' } : { type: 'withdraw', reason: t('task.closedBySource') };
    const outcome = await this.act(tx, task, action, actor);
    if (!outcome.ok) throw new TaskRefusedError(outcome.reason, task.number);
  }

  async withdraw(tx: Tx<R>, taskId: number, actorMemberId: number, reason: string): Promise<void> {
    const task = await this.mustLoad(tx, taskId);
    if (task.state === 'done' || task.state === 'withdrawn') return;
    const outcome = await this.act(tx, task, { type: 'withdraw', reason }, this.privileged(task, actorMemberId));
    if (!outcome.ok) throw new TaskRefusedError(outcome.reason, task.number);
  }

  async bySource(tx: Tx<R>, source: TaskSource): Promise<TaskView[]> {
    return (await tx.repos.tasks.bySource(source)).map(toView);
  }

  // ---- dispatching ---------------------------------------------------------------------------

  /**
   * Who receives a dispatch: a member; a grid's gridworkers (its head when it has none); or, for
   * a unit above grids, the gridworkers of every grid under it (a department unit: its department
   * members).
   */
  async resolveAssignees(tx: Tx<R>, assignee: TaskAssignee, scopeUnitId: number): Promise<ResolvedAssignees> {
    const org = tx.repos.org;
    if (assignee.kind === 'member') {
      const member = await org.member(assignee.memberId);
      if (!member) return { targets: [], empty: [] };
      const scope = await org.unit(scopeUnitId);
      let gridId: number | null = scope?.level === 'grid' ? scope.id : null;
      if (gridId === null) {
        for (const g of member.roles) {
          const unit = await org.unit(g.unitId);
          if (unit?.level === 'grid' && (!scope || unit.path.startsWith(scope.path))) {
            gridId = unit.id;
            break;
          }
        }
      }
      return { targets: [{ memberId: member.id, gridId, scopeUnitId: gridId ?? scopeUnitId }], empty: [] };
    }
    const unit = await org.unit(assignee.unitId);
    if (!unit) return { targets: [], empty: [] };
    const grids = unit.level === 'grid' ? [unit] : (await org.subtree(unit.path)).filter((u) => u.level === 'grid');
    if (grids.length === 0) {
      const members = await org.membersWithRole(unit.id, 'department');
      return { targets: members.map((m) => ({ memberId: m.id, gridId: null, scopeUnitId: unit.id })), empty: members.length ? [] : [unit] };
    }
    const targets: DispatchTarget[] = [];
    const empty: OrgUnit[] = [];
    for (const grid of grids) {
      let people = await org.membersWithRole(grid.id, 'gridworker');
      if (people.length === 0) people = await org.membersWithRole(grid.id, LEADER_ROLE.grid);
      if (people.length === 0) empty.push(grid);
      for (const p of people) targets.push({ memberId: p.id, gridId: grid.id, scopeUnitId: grid.id });
    }
    return { targets, empty };
  }

  /**
   * Creates one task per target, all in this transaction; the first task's number names the batch.
   * An event's task waits for verification after 办结 (待核查: the events area calls close or reopen);
   * other tasks are done at 办结.
   */
  async dispatchTo(tx: Tx<R>, input: DispatchInput & { requiresVerification?: boolean }, targets: DispatchTarget[]): Promise<TaskRecord[]> {
    const policy = await this.policy.load(tx);
    const created: TaskRecord[] = [];
    let batch: string | null = null;
    for (const target of targets) {
      const day = policy.calendar.localDate(tx.now).replace(/-/g, '');
      const number = formatTaskNumber(tx.now, await tx.repos.sequences.next(`task-${day}`), policy.calendar.timeZone);
      batch ??= number;
      const made = createTask(
        {
          number,
          title: input.title,
          details: input.details,
          priority: input.priority,
          dispatcherId: input.dispatcherMemberId,
          assigneeId: target.memberId,
          gridId: target.gridId,
          eventNumber: input.source.kind === 'event' ? input.source.ref : null,
          deadline: input.deadline,
          requiresVerification: input.requiresVerification ?? input.source.kind === 'event',
        },
        tx.now,
      );
      if (!made.ok) throw new TaskRefusedError(made.reason);
      const draft = { ...made.task, scopeUnitId: target.scopeUnitId, batch, source: input.source, resultPhotos: [], scheduledRungs: [], escalation: null };
      const rungs = planReminders(draft, policy.policies, policy.calendar, tx.now);
      const task = await tx.repos.tasks.create({ ...draft, scheduledRungs: rungs.map((r) => reminderJobId(number, r.key, r.deadlineVersion)) }, tx.now);
      this.scheduleRungs(tx, task, rungs);
      await tx.repos.tasks.addHistory({
        taskId: task.id,
        at: tx.now,
        action: 'dispatch',
        actorId: input.dispatcherMemberId,
        fromState: null,
        toState: task.state,
        note: null,
        attachments: [],
        deadline: task.deadline,
      });
      await this.tell(tx, task.assigneeId, await this.taskMessage(tx, task, policy, t('task.card.new', { number }), t('task.new.text', {
        number,
        title: task.title,
        deadline: formatTime(task.deadline, policy.calendar, tx.now),
        priority: priorityName(task),
      })));
      created.push(task);
    }
    return created;
  }

  // ---- actions --------------------------------------------------------------------------------

  /** The actor's relations, with `dispatcher` for a superior acting in the dispatcher's place. */
  actorFor(task: TaskRecord, memberId: number, superior: boolean): TaskActor {
    const relations = taskRelationsOf(task, memberId);
    if (superior && !relations.includes('dispatcher')) relations.push('dispatcher');
    return { memberId, relations };
  }

  /**
   * Applies an action: the table decides; then the history, the reminder plan, the other
   * party's message and the source's listener, all in this transaction.
   */
  async act(tx: Tx<R>, task: TaskRecord, action: TaskAction, actor: TaskActor): Promise<ActOutcome> {
    const result = applyTaskAction(task, action, actor, tx.now);
    if (!result.ok) return result;
    const policy = await this.policy.load(tx);
    let next: TaskRecord = { ...task, ...result.task };
    if (action.type === 'complete') next.resultPhotos = [...(action.attachments ?? [])];
    for (const event of result.events) {
      if (event.type === 'task_action') {
        const e = event.entry;
        await tx.repos.tasks.addHistory({ taskId: task.id, at: e.at, action: e.action, actorId: e.actorId, fromState: e.from, toState: e.to, note: e.note, attachments: [...e.attachments], deadline: e.deadline });
      } else if (event.type === 'reminders_replanned') {
        next = this.replan(tx, next, policy);
      } else {
        this.cancelRungs(tx, next);
        next = { ...next, scheduledRungs: [] };
      }
    }
    await tx.repos.tasks.save(next, tx.now);
    await this.notifyOtherParty(tx, task, next, action, policy);
    await this.hear(tx, next, action, actor.memberId);
    return { ok: true, task: next };
  }

  private async hear(tx: Tx<R>, task: TaskRecord, action: TaskAction, actorId: number): Promise<void> {
    const view = toView(task);
    for (const l of this.listeners.filter((x) => x.sourceKind === task.source.kind)) {
      if (action.type === 'accept') await l.onAccepted?.(tx, view, actorId);
      else if (action.type === 'progress') await l.onProgress?.(tx, view, actorId, action.note);
      else if (action.type === 'complete') await l.onSubmitted?.(tx, view, actorId, { text: action.result, photoUrls: [...(action.attachments ?? [])] });
      else if (action.type === 'return') await l.onReturned?.(tx, view, actorId, action.reason);
    }
  }

  /** Told by the reminder handler when the `overdue` rung fires. */
  async heardOverdue(tx: Tx<R>, task: TaskRecord): Promise<void> {
    for (const l of this.listeners.filter((x) => x.sourceKind === task.source.kind)) await l.onOverdue?.(tx, toView(task));
  }

  // ---- reminder plan ----------------------------------------------------------------------------

  private scheduleRungs(tx: Tx<R>, task: TaskRecord, rungs: Rung[]): void {
    for (const rung of rungs) {
      tx.effects.schedule({
        name: TASK_REMINDER_TIMER,
        jobId: reminderJobId(task.number, rung.key, rung.deadlineVersion),
        data: {
          number: task.number,
          deadlineVersion: rung.deadlineVersion,
          rung: { key: rung.key, fireAt: rung.fireAt.toISOString(), audience: rung.audience, kind: rung.kind, silencedBy: rung.silencedBy },
        },
        runAt: rung.fireAt,
      });
    }
  }

  /** Best effort: a rung that still fires is refused by its version/state check. */
  private cancelRungs(tx: Tx<R>, task: TaskRecord): void {
    for (const jobId of task.scheduledRungs) tx.effects.cancel({ jobId });
  }

  /** A new deadline version: the old rungs go, the new version's rungs come. */
  private replan(tx: Tx<R>, task: TaskRecord, policy: TaskPolicy): TaskRecord {
    this.cancelRungs(tx, task);
    const rungs = planReminders(task, policy.policies, policy.calendar, tx.now);
    this.scheduleRungs(tx, task, rungs);
    return { ...task, scheduledRungs: rungs.map((r) => reminderJobId(task.number, r.key, r.deadlineVersion)) };
  }

  /** A task back in work without a new deadline (核查不通过): a fresh version of the same plan. */
  private async rearm(tx: Tx<R>, task: TaskRecord): Promise<void> {
    if (!isActiveTask(task)) return;
    const policy = await this.policy.load(tx);
    const next = this.replan(tx, { ...task, deadlineVersion: task.deadlineVersion + 1 }, policy);
    await tx.repos.tasks.save(next, tx.now);
  }

  // ---- messages ---------------------------------------------------------------------------------

  async taskMessage(tx: Tx<R>, task: TaskRecord, policy: TaskPolicy, title: string, text: string, viewerId = task.assigneeId): Promise<BotMessage> {
    const actor = this.actorFor(task, viewerId, false);
    return {
      text,
      card: { title, fields: await taskFields(tx.repos, task, policy.calendar, tx.now), lines: [text], buttons: taskButtons(task, actor) },
    };
  }

  async tell(tx: Tx<R>, memberId: number, message: BotMessage): Promise<void> {
    await new Notifier(tx).member(memberId, message);
  }

  private async notifyOtherParty(tx: Tx<R>, before: TaskRecord, task: TaskRecord, action: TaskAction, policy: TaskPolicy): Promise<void> {
    const tz = policy.calendar;
    const base = {
      number: task.number,
      title: task.title,
      assignee: await memberName(tx.repos, task.assigneeId),
      deadline: formatTime(task.deadline, tz, tx.now),
    };
    const single = task.batch === task.number && (await tx.repos.tasks.byBatch(task.batch)).length === 1;
    const toDispatcher = async (text: string) => this.tell(tx, task.dispatcherId, await this.taskMessage(tx, task, policy, t('task.card.task', { number: task.number }), text, task.dispatcherId));
    const toAssignee = async (text: string) => this.tell(tx, task.assigneeId, await this.taskMessage(tx, task, policy, t('task.card.task', { number: task.number }), text));
    const reason = (r: string | undefined) => (r?.trim() ? t('task.reasonSuffix', { reason: r.trim() }) : '');
    switch (action.type) {
      case 'accept':
        if (single) await toDispatcher(t('task.accepted.notice', base));
        return;
      case 'progress':
        if (single) await toDispatcher(t('task.progress.notice', { ...base, note: action.note }));
        return;
      case 'complete': {
        const late = wasSubmittedLate(task) ? t('task.complete.lateMark') : '';
        const photos = task.resultPhotos.length ? t('task.complete.photos', { count: task.resultPhotos.length }) : '';
        // On its own line: the result is the assignee's words and may end without punctuation.
        await toDispatcher([t('task.complete.notice', { ...base, late, result: action.result }), photos].filter(Boolean).join('\n'));
        return;
      }
      case 'request_extension':
        await toDispatcher(t('task.extension.notice', { ...base, current: formatTime(task.deadline, tz, tx.now), deadline: formatTime(action.deadline, tz, tx.now), reason: action.reason }));
        return;
      case 'approve_extension':
        await toAssignee(t('task.extension.approved.notice', base));
        return;
      case 'refuse_extension':
        await toAssignee(t('task.extension.refused.notice', { ...base, reason: reason(action.reason) }));
        return;
      case 'return':
        await toDispatcher(t('task.returned.notice', { ...base, reason: action.reason }));
        return;
      case 'withdraw':
        if (before.state !== 'returned') await this.tell(tx, before.assigneeId, { text: t('task.withdrawn.notice', { ...base, reason: reason(action.reason) }) });
        return;
      case 'reassign': {
        await this.tell(tx, before.assigneeId, { text: t('task.reassigned.notice', base) });
        await toAssignee(t('task.new.text', { ...base, priority: priorityName(task) }));
        return;
      }
      case 'set_deadline':
        await toAssignee(t('task.deadlineSet.notice', base));
        return;
      case 'approve':
        await toAssignee(t('task.approved.notice', base));
        return;
      case 'reject':
        await toAssignee(t('task.rejected.notice', { ...base, reason: action.reason }));
        return;
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  private async mustLoad(tx: Tx<R>, taskId: number): Promise<TaskRecord> {
    const task = await tx.repos.tasks.byId(taskId, true);
    if (!task) throw new TaskRefusedError('unknown_task', `#${taskId}`);
    return task;
  }

  /** A call from a source area acts with the dispatcher's rights (the area checked authority itself). */
  private privileged(task: TaskRecord, memberId: number): TaskActor {
    return this.actorFor(task, memberId, true);
  }
}
