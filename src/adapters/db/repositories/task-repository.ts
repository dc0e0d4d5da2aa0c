/** Time-limited tasks (限时办结) and their history, on TypeORM, with explicit row ↔ record mappers. */
import { In, type EntityManager } from 'typeorm';
import type { RungKind } from '../../../domain/task/reminders';
import type { TaskPriority, TaskState } from '../../../domain/task/task';
import type { TaskSource } from '../../../bot/tasks/contract';
import type { NewTaskRecord, TaskHistoryRecord, TaskRecord, TaskRepo } from '../../../bot/tasks/ports';
import { TaskHistorySchema, TaskSchema, type TaskHistoryRow, type TaskRow } from '../schemas/tasks';

function toRecord(r: TaskRow): TaskRecord {
  return {
    id: r.id,
    number: r.number,
    batch: r.batch,
    title: r.title,
    details: r.details,
    priority: r.priority as TaskPriority,
    state: r.state as TaskState,
    dispatcherId: r.dispatcherId,
    assigneeId: r.assigneeId,
    gridId: r.gridId,
    scopeUnitId: r.scopeUnitId,
    source: { kind: r.sourceKind as TaskSource['kind'], ref: r.sourceRef },
    eventNumber: r.eventNumber,
    requiresVerification: Boolean(r.requiresVerification),
    dispatchedAt: r.dispatchedAt,
    acknowledgedAt: r.acknowledgedAt,
    submittedAt: r.submittedAt,
    finishedAt: r.finishedAt,
    deadline: r.deadline,
    deadlineVersion: r.deadlineVersion,
    pendingExtension:
      r.extensionDeadline && r.extensionRequestedAt
        ? { deadline: r.extensionDeadline, reason: r.extensionReason ?? '', requestedAt: r.extensionRequestedAt }
        : null,
    result: r.result,
    resultPhotos: JSON.parse(r.resultPhotos) as string[],
    scheduledRungs: JSON.parse(r.scheduledRungs) as string[],
    escalation: r.escalation as RungKind | null,
    createdAt: r.createdAt,
  };
}

function toRow(t: NewTaskRecord, now: Date): Omit<TaskRow, 'id' | 'createdAt'> {
  return {
    number: t.number,
    batch: t.batch,
    title: t.title,
    details: t.details,
    priority: t.priority,
    state: t.state,
    dispatcherId: t.dispatcherId,
    assigneeId: t.assigneeId,
    gridId: t.gridId,
    scopeUnitId: t.scopeUnitId,
    sourceKind: t.source.kind,
    sourceRef: t.source.ref,
    eventNumber: t.eventNumber,
    requiresVerification: t.requiresVerification,
    dispatchedAt: t.dispatchedAt,
    acknowledgedAt: t.acknowledgedAt,
    submittedAt: t.submittedAt,
    finishedAt: t.finishedAt,
    deadline: t.deadline,
    deadlineVersion: t.deadlineVersion,
    extensionDeadline: t.pendingExtension?.deadline ?? null,
    extensionReason: t.pendingExtension?.reason ?? null,
    extensionRequestedAt: t.pendingExtension?.requestedAt ?? null,
    result: t.result,
    resultPhotos: JSON.stringify(t.resultPhotos),
    scheduledRungs: JSON.stringify(t.scheduledRungs),
    escalation: t.escalation,
    updatedAt: now,
  };
}

function toHistory(r: TaskHistoryRow): TaskHistoryRecord {
  return {
    taskId: r.taskId,
    at: r.at,
    action: r.action,
    actorId: r.actorId,
    fromState: r.fromState as TaskState | null,
    toState: r.toState as TaskState,
    note: r.note,
    attachments: JSON.parse(r.attachments) as string[],
    deadline: r.deadline,
  };
}

export class TypeOrmTaskRepo implements TaskRepo {
  constructor(private readonly em: EntityManager) {}

  private tasks() {
    return this.em.getRepository(TaskSchema);
  }

  /** Row locks exist on MySQL/MariaDB; SQLite runs one writer at a time anyway. */
  private get canLock(): boolean {
    return this.em.connection.options.type === 'mysql';
  }

  async create(task: NewTaskRecord, now: Date): Promise<TaskRecord> {
    const row = { ...toRow(task, now), createdAt: now };
    const result = await this.tasks().insert(row);
    const id = Number(result.identifiers[0].id);
    return { ...task, id, createdAt: now };
  }

  private async findOne(where: { id: number } | { number: string }, forUpdate: boolean): Promise<TaskRecord | null> {
    const row = await this.tasks().findOne({ where, ...(forUpdate && this.canLock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    return row ? toRecord(row) : null;
  }

  byId(id: number, forUpdate = false): Promise<TaskRecord | null> {
    return this.findOne({ id }, forUpdate);
  }

  byNumber(number: string, forUpdate = false): Promise<TaskRecord | null> {
    return this.findOne({ number }, forUpdate);
  }

  async save(task: TaskRecord, now: Date): Promise<void> {
    await this.tasks().update({ id: task.id }, toRow(task, now));
  }

  async addHistory(e: TaskHistoryRecord): Promise<void> {
    await this.em.getRepository(TaskHistorySchema).insert({
      taskId: e.taskId,
      // The task's grid at the time of the action, read in the same statement.
      gridId: () => `(SELECT t.grid_id FROM task t WHERE t.id = ${Number(e.taskId)})`,
      at: e.at,
      action: e.action,
      actorId: e.actorId,
      fromState: e.fromState,
      toState: e.toState,
      note: e.note,
      attachments: JSON.stringify(e.attachments),
      deadline: e.deadline,
    });
  }

  async history(taskId: number): Promise<TaskHistoryRecord[]> {
    const rows = await this.em.getRepository(TaskHistorySchema).find({ where: { taskId }, order: { at: 'ASC', id: 'ASC' } });
    return rows.map(toHistory);
  }

  async byAssignee(memberId: number, states: readonly TaskState[], limit: number): Promise<TaskRecord[]> {
    const rows = await this.tasks().find({ where: { assigneeId: memberId, state: In([...states]) }, order: { deadline: 'ASC', id: 'ASC' }, take: limit });
    return rows.map(toRecord);
  }

  async byDispatcher(memberId: number, states: readonly TaskState[], limit: number): Promise<TaskRecord[]> {
    const rows = await this.tasks().find({ where: { dispatcherId: memberId, state: In([...states]) }, order: { deadline: 'ASC', id: 'ASC' }, take: limit });
    return rows.map(toRecord);
  }

  async byBatch(batch: string): Promise<TaskRecord[]> {
    return (await this.tasks().find({ where: { batch }, order: { id: 'ASC' } })).map(toRecord);
  }

  async bySource(source: TaskSource): Promise<TaskRecord[]> {
    return (await this.tasks().find({ where: { sourceKind: source.kind, sourceRef: source.ref }, order: { id: 'ASC' } })).map(toRecord);
  }

  async byScope(unitIds: number[], priority: TaskPriority, states: readonly TaskState[], limit: number): Promise<TaskRecord[]> {
    if (!unitIds.length || !states.length) return [];
    const rows = await this.tasks().find({ where: { scopeUnitId: In(unitIds), priority, state: In([...states]) }, order: { deadline: 'ASC', id: 'ASC' }, take: limit });
    return rows.map(toRecord);
  }
}
