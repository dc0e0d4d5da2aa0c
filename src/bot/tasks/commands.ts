/** The chat side of 限时办结: 派单, 签收, 进度, 办结, 申请延期, 同意/拒绝延期, 退回, 撤回, 改派, 任务, 任务进度. */
import { z } from 'zod';
import { hasAuthority, isWithin, roleRank, type Member, type OrgUnit } from '../../domain/org/org';
import { applyTaskAction, transitionsFor, type TaskAction, type TaskActionType } from '../../domain/task/lifecycle';
import { ACTIVE_TASK_STATES, isOverdue, parseTaskNumber, wasSubmittedLate, type TaskPriority, type TaskState } from '../../domain/task/task';
import { arg, commandsOf, helpText, narrow, usageError, type Command, type CommandContext } from '../commands/framework';
import { imageRefs } from '../inbound';
import type { DialogHandler } from '../dialogs/dialog';
import { deadlineNotice } from '../commands/deadline-notice';
import { SessionError } from '../errors';
import type { BotMessage, CardButton } from '../message';
import { t, type TextKey } from '../texts';
import { deadlineText, formatTime, historyLines, memberName, stateName, taskButtons, taskFields, unitName } from './format';
import type { TaskPolicy } from './policy';
import type { TaskRecord, TasksRepos } from './ports';
import type { TasksService } from './service';

const COMPLETE_DIALOG = 'task.complete';
/** Who may dispatch tasks: a grid head or above, or a department (职能部门). */
const DISPATCHERS = { anyOf: ['grid_head', 'department'] } as const;
const LIST_LIMIT = 15;
function imagesOf(ctx: CommandContext): string[] {
  return imageRefs(ctx.inbound.attachments);
}

/** Who may dispatch at a unit: a grid head or above there, or a department (职能部门) above it. */
function canDispatchAt(member: Member, unitPath: string): boolean {
  return member.roles.some((g) => (roleRank(g.role) >= roleRank('grid_head') || g.role === 'department') && isWithin(unitPath, g.unitPath));
}

export function taskCommands<R extends TasksRepos>(service: TasksService<R>): { commands: Command<R>[]; dialogs: DialogHandler<R>[] } {
  const defineCommand = commandsOf<R>();
  const policyOf = (ctx: CommandContext<R>) => service.policy.load(ctx.tx);

  /** A superior of the dispatcher: a community secretary or above over the task's unit. */
  async function isSuperior(ctx: CommandContext<R>, member: Member, task: TaskRecord): Promise<boolean> {
    if (task.dispatcherId === member.id || task.assigneeId === member.id) return false;
    const scope = await ctx.repos.org.unit(task.scopeUnitId);
    return scope !== null && hasAuthority(member, scope.path, 'community_secretary');
  }

  async function mayView(ctx: CommandContext<R>, member: Member, task: TaskRecord): Promise<boolean> {
    if (task.dispatcherId === member.id || task.assigneeId === member.id) return true;
    const scope = await ctx.repos.org.unit(task.scopeUnitId);
    return scope !== null && hasAuthority(member, scope.path, 'grid_head');
  }

  /**
   * The task a command is about: the number typed first, or — when the sender has exactly one task
   * this action fits — that one, and the whole text stays for the command's other arguments.
   */
  async function pickTask(ctx: CommandContext<R>, member: Member, text: string, fits: readonly TaskState[], action: TaskActionType, commandId: string): Promise<{ task: TaskRecord; rest: string }> {
    const [first = '', ...others] = text.trim().split(/\s+/).filter(Boolean);
    const number = parseTaskNumber(narrow(first));
    if (number) return { task: await taskByNumber(ctx, number), rest: others.join(' ') };
    return { task: await onlyOpenTask(ctx, member, fits, action, commandId), rest: text.trim() };
  }

  async function taskByNumber(ctx: CommandContext<R>, number: string): Promise<TaskRecord> {
    const task = await ctx.repos.tasks.byNumber(number, true);
    if (!task) throw new SessionError('task.err.unknownTask', { number });
    return task;
  }

  /** The sender's one task this action fits, or a clear answer why a number is needed. */
  async function onlyOpenTask(ctx: CommandContext<R>, member: Member, fits: readonly TaskState[], action: TaskActionType, commandId: string): Promise<TaskRecord> {
    const mine = [...(await ctx.repos.tasks.byAssignee(member.id, fits, 2))];
    if (mine.length === 1) return (await ctx.repos.tasks.byId(mine[0].id, true))!;
    if (mine.length === 0) throw new SessionError('task.err.noneOpen', { action: t(`task.action.${action}` as TextKey) });
    throw new SessionError('task.err.needNumber', { example: helpText(commandId, 'example'), count: mine.length });
  }

  /** Runs an action as the sender, or turns the table's refusal into a clear answer. */
  async function perform(ctx: CommandContext<R>, member: Member, task: TaskRecord, action: TaskAction): Promise<TaskRecord> {
    const actor = service.actorFor(task, member.id, await isSuperior(ctx, member, task));
    const outcome = await service.act(ctx.tx, task, action, actor);
    if (outcome.ok) return outcome.task;
    const policy = await policyOf(ctx);
    const party = transitionsFor(task.state, action.type)[0]?.by ?? 'dispatcher';
    throw new SessionError(`task.refusal.${outcome.reason}` as TextKey, {
      number: task.number,
      state: stateName(task),
      action: t(`task.action.${action.type}` as TextKey),
      party: t(`task.party.${party}` as TextKey),
      current: formatTime(task.deadline, policy.calendar, ctx.now),
      deadline: action.type === 'request_extension' ? formatTime(action.deadline, policy.calendar, ctx.now) : '',
    });
  }

  const dispatch = defineCommand({
    id: 'dispatchTask',
    name: '派单',
    aliases: ['派发任务', '派发', '派任务'],
    // Who may dispatch at all; where, is checked per unit.
    access: DISPATCHERS,
    args: {
      target: arg.target('arg.taskTarget', 'task.err.noTarget'),
      priority: arg.flag<TaskPriority>('arg.priority', 'input.priority', 'normal'),
      deadline: arg.deadline(),
      title: arg.word('arg.title'),
      details: arg.optional(arg.text()),
    },
    async run(ctx, { target: resolved, priority, deadline, title, details }) {
      const member = ctx.requireMember();
      const policy = await policyOf(ctx);
      const target = resolved.kind === 'unit' ? resolved.unit.code : resolved.member.name;
      let scope: OrgUnit | null;
      if (resolved.kind === 'unit') {
        scope = resolved.unit;
        if (!canDispatchAt(member, scope.path)) throw new SessionError('task.err.notYourUnit', { target });
      } else {
        const full = await ctx.repos.org.member(resolved.member.id);
        const grants = full?.roles.filter((g) => canDispatchAt(member, g.unitPath)) ?? [];
        if (grants.length === 0) throw new SessionError('task.err.notYourUnit', { target });
        scope = await ctx.repos.org.unit(grants[0].unitId);
        if (!scope) throw new SessionError('task.err.notYourUnit', { target });
      }
      const assignee = resolved.kind === 'unit' ? { kind: 'unit' as const, unitId: resolved.unit.id } : { kind: 'member' as const, memberId: resolved.member.id };
      const { targets, empty } = await service.resolveAssignees(ctx.tx, assignee, scope.id);
      if (targets.length === 0) throw new SessionError('task.err.nobody', { target });

      const created = await service.dispatchTo(
        ctx.tx,
        { title, details: details ?? '', assignee, dispatcherMemberId: member.id, scopeUnitId: scope.id, deadline: deadline.deadline, priority, source: { kind: 'adhoc', ref: '' } },
        targets,
      );
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: member.id, action: 'task.dispatch', target: created[0].number, detail: { count: created.length, priority } });
      const first = created[0];
      const last = created[created.length - 1];
      const common = { title: first.title, deadline: formatTime(first.deadline, policy.calendar, ctx.now), priority: t(`task.priority.${priority}` as TextKey) };
      const notice = deadlineNotice(first.deadline, policy.calendar);
      const skipped = (empty.length ? '\n' + t('task.dispatched.skipped', { units: empty.map((u) => u.name).join('、') }) : '') + (notice ? '\n' + notice.text : '');
      // A deadline on a day off or in quiet hours: one press moves it to the next working day's end.
      const moveButton: CardButton[] = notice ? [{ label: notice.label, command: `${setDeadline.name} ${first.number} ${notice.typed}` }] : [];
      if (created.length === 1) {
        const textOne = t('task.dispatched.one', { ...common, number: first.number, assignee: await memberName(ctx.repos, first.assigneeId) }) + skipped;
        return { text: textOne, card: { title: t('task.card.task', { number: first.number }), fields: await taskFields(ctx.repos, first, policy.calendar, ctx.now), lines: [textOne], buttons: [...moveButton, ...taskButtons(first, service.actorFor(first, member.id, false))] } };
      }
      const units = new Set(created.map((c) => c.gridId ?? c.scopeUnitId)).size;
      const textMany = t('task.dispatched.many', { ...common, units, count: created.length, first: first.number, last: last.number }) + skipped;
      return { text: textMany, card: { title: t('task.progress.title', { batch: first.number }), lines: [textMany], buttons: [...moveButton, { label: t('task.button.progress'), command: `任务进度 ${first.number}` }] } };
    },
  });

  /** 改期: the dispatcher moves a task's deadline (given the batch's first number, the whole batch's). */
  const setDeadline = defineCommand({
    id: 'setTaskDeadline',
    name: '改期',
    aliases: ['修改时限'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.taskNumber(), deadline: arg.deadline() },
    async run(ctx, { number, deadline }) {
      const member = ctx.requireMember();
      const task = await loadNumbered(ctx, number, 'setTaskDeadline');
      const batch = task.number === task.batch && task.dispatcherId === member.id ? await ctx.repos.tasks.byBatch(task.batch) : [task];
      const open = batch.filter((x) => x.id === task.id || ['dispatched', 'accepted', 'extension_requested'].includes(x.state));
      for (const x of open) await perform(ctx, member, (await ctx.repos.tasks.byId(x.id, true))!, { type: 'set_deadline', deadline: deadline.deadline });
      const policy = await policyOf(ctx);
      return t('task.deadlineSet.reply', { number: task.number, count: open.length, deadline: formatTime(deadline.deadline, policy.calendar, ctx.now) });
    },
  });

  const accept = defineCommand({
    id: 'acceptTask',
    name: '签收',
    aliases: ['接单'],
    access: 'member',
    args: { text: arg.optional(arg.text('arg.taskNumber')) },
    async run(ctx, { text }) {
      const member = ctx.requireMember();
      const { task } = await pickTask(ctx, member, text ?? '', ['dispatched'], 'accept', 'acceptTask');
      const done = await perform(ctx, member, task, { type: 'accept' });
      const policy = await policyOf(ctx);
      return t('task.accepted.reply', { number: done.number, title: done.title, deadline: formatTime(done.deadline, policy.calendar, ctx.now) });
    },
  });

  const progress = defineCommand({
    id: 'taskProgress',
    name: '进度',
    aliases: ['报告进度', '任务反馈'],
    access: 'member',
    args: { text: arg.text('arg.taskNumber') },
    async run(ctx, { text }) {
      const member = ctx.requireMember();
      const { task, rest } = await pickTask(ctx, member, text, ['accepted', 'extension_requested'], 'progress', 'taskProgress');
      if (!rest) throw usageError('taskProgress', 'task.refusal.note_required');
      const done = await perform(ctx, member, task, { type: 'progress', note: rest, attachments: imagesOf(ctx) });
      return t('task.progress.reply', { number: done.number });
    },
  });

  async function complete(ctx: CommandContext<R>, member: Member, number: string, result: string, photos: string[]): Promise<string> {
    const task = await ctx.repos.tasks.byNumber(number, true);
    if (!task) throw new SessionError('task.err.unknownTask', { number });
    const done = await perform(ctx, member, task, { type: 'complete', result, attachments: photos });
    const late = wasSubmittedLate(done) ? t('task.complete.lateMark') : '';
    return t(done.state === 'submitted' ? 'task.complete.submitted' : 'task.complete.reply', { number: done.number, late });
  }

  const completeTask = defineCommand({
    id: 'completeTask',
    name: '办结',
    aliases: ['完成任务'],
    access: 'member',
    args: { text: arg.optional(arg.text('arg.taskNumber')) },
    async run(ctx, { text }) {
      const member = ctx.requireMember();
      const { task, rest } = await pickTask(ctx, member, text ?? '', ['accepted', 'extension_requested'], 'complete', 'completeTask');
      if (rest) return complete(ctx, member, task.number, rest, imagesOf(ctx));
      // No result yet: check now that the task can be closed by this member, then ask for it.
      const actor = service.actorFor(task, member.id, await isSuperior(ctx, member, task));
      const probe = applyTaskAction(task, { type: 'complete', result: '-' }, actor, ctx.now);
      if (!probe.ok) await perform(ctx, member, task, { type: 'complete', result: '-' });
      await ctx.dialog.start(COMPLETE_DIALOG, { number: task.number, photos: imagesOf(ctx) });
      return t('task.complete.ask', { number: task.number, title: task.title });
    },
  });

  const completeDialog: DialogHandler<R> = {
    kind: COMPLETE_DIALOG,
    async step(ctx, state) {
      const member = ctx.requireMember();
      const data = z.object({ number: z.string(), photos: z.array(z.string()) }).safeParse(state.data);
      if (!data.success) {
        await ctx.dialog.clear();
        return t('common.cancelled');
      }
      const photos = [...data.data.photos, ...imagesOf(ctx)];
      const result = ctx.inbound.text.trim();
      if (!result) {
        await ctx.dialog.start(COMPLETE_DIALOG, { number: data.data.number, photos });
        return t('task.complete.photo', { count: photos.length });
      }
      await ctx.dialog.clear();
      return complete(ctx, member, data.data.number, result, photos);
    },
  };

  const requestExtension = defineCommand({
    id: 'requestExtension',
    name: '申请延期',
    aliases: ['延期'],
    access: 'member',
    args: { number: arg.maybe(arg.taskNumber()), deadline: arg.deadline(), reason: arg.text('arg.reason') },
    async run(ctx, { number, deadline, reason }) {
      const member = ctx.requireMember();
      const task = number ? await taskByNumber(ctx, number) : await onlyOpenTask(ctx, member, ['accepted'], 'request_extension', 'requestExtension');
      const policy = await policyOf(ctx);
      const done = await perform(ctx, member, task, { type: 'request_extension', deadline: deadline.deadline, reason });
      return t('task.extension.reply', { number: done.number, deadline: formatTime(deadline.deadline, policy.calendar, ctx.now), dispatcher: await memberName(ctx.repos, done.dispatcherId) });
    },
  });

  const loadNumbered = async (ctx: CommandContext<R>, raw: string, commandId: string): Promise<TaskRecord> => {
    const number = parseTaskNumber(raw);
    if (!number) throw usageError(commandId, 'error.badArg', { arg: t('arg.taskNumber'), value: raw, reason: t('task.err.unknownTask', { number: raw }) });
    const task = await ctx.repos.tasks.byNumber(number, true);
    if (!task) throw new SessionError('task.err.unknownTask', { number });
    return task;
  };

  const approveExtension = defineCommand({
    id: 'approveExtension',
    name: '同意延期',
    aliases: ['批准延期'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.word('arg.taskNumber') },
    async run(ctx, { number }) {
      const member = ctx.requireMember();
      const done = await perform(ctx, member, await loadNumbered(ctx, number, 'approveExtension'), { type: 'approve_extension' });
      const policy = await policyOf(ctx);
      return t('task.extension.approved.reply', { number: done.number, deadline: formatTime(done.deadline, policy.calendar, ctx.now) });
    },
  });

  const refuseExtension = defineCommand({
    id: 'refuseExtension',
    name: '拒绝延期',
    aliases: ['不同意延期'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.word('arg.taskNumber'), reason: arg.optional(arg.text()) },
    async run(ctx, { number, reason }) {
      const member = ctx.requireMember();
      const done = await perform(ctx, member, await loadNumbered(ctx, number, 'refuseExtension'), { type: 'refuse_extension', reason });
      const policy = await policyOf(ctx);
      return t('task.extension.refused.reply', { number: done.number, deadline: formatTime(done.deadline, policy.calendar, ctx.now) });
    },
  });

  const returnTask = defineCommand({
    id: 'returnTask',
    name: '退回',
    aliases: ['退单'],
    access: 'member',
    args: { text: arg.text('arg.taskNumber') },
    async run(ctx, { text }) {
      const member = ctx.requireMember();
      const { task, rest } = await pickTask(ctx, member, text, ['dispatched', 'accepted'], 'return', 'returnTask');
      if (!rest) throw usageError('returnTask', 'task.refusal.reason_required');
      const done = await perform(ctx, member, task, { type: 'return', reason: rest });
      return t('task.returned.reply', { number: done.number });
    },
  });

  const withdraw = defineCommand({
    id: 'withdrawTask',
    name: '撤回',
    aliases: ['撤销任务'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.word('arg.taskNumber'), reason: arg.optional(arg.text()) },
    async run(ctx, { number, reason }) {
      const member = ctx.requireMember();
      const done = await perform(ctx, member, await loadNumbered(ctx, number, 'withdrawTask'), { type: 'withdraw', reason });
      return t('task.withdrawn.reply', { number: done.number });
    },
  });

  const reassign = defineCommand({
    id: 'reassignTask',
    name: '改派',
    aliases: ['转派'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.taskNumber(), member: arg.member(), deadline: arg.optional(arg.deadline()) },
    async run(ctx, { number, member: to, deadline: newDeadline }) {
      const member = ctx.requireMember();
      const task = await loadNumbered(ctx, number, 'reassignTask');
      const policy = await policyOf(ctx);
      const deadline = newDeadline?.deadline;
      const full = await ctx.repos.org.member(to.id);
      if (!full?.roles.some((g) => canDispatchAt(member, g.unitPath)) && !full?.roles.some((g) => g.unitId === task.scopeUnitId)) throw new SessionError('task.err.notYourUnit', { target: to.name });
      const { targets } = await service.resolveAssignees(ctx.tx, { kind: 'member', memberId: to.id }, task.scopeUnitId);
      const done = await perform(ctx, member, task, { type: 'reassign', assigneeId: to.id, gridId: targets[0]?.gridId ?? task.gridId, deadline });
      return t('task.reassigned.reply', { number: done.number, assignee: to.name, deadline: formatTime(done.deadline, policy.calendar, ctx.now) });
    },
  });

  async function listLines(ctx: CommandContext<R>, tasks: TaskRecord[], policy: TaskPolicy): Promise<string[]> {
    return tasks.map((task) =>
      t('task.list.line', { number: task.number, title: task.title, state: stateName(task), deadline: formatTime(task.deadline, policy.calendar, ctx.now), overdue: isOverdue(task, ctx.now) ? t('task.overdueMark') : '' }),
    );
  }

  const OPEN_STATES: readonly TaskState[] = [...ACTIVE_TASK_STATES, 'submitted', 'returned'];

  const tasksCommand = defineCommand({
    id: 'tasks',
    name: '任务',
    aliases: ['我的任务', '任务列表'],
    access: 'member',
    args: { number: arg.optional(arg.word('arg.taskNumber')) },
    async run(ctx, { number }): Promise<BotMessage | string> {
      const member = ctx.requireMember();
      const policy = await policyOf(ctx);
      if (number) {
        const task = await loadNumbered(ctx, number, 'tasks');
        if (!(await mayView(ctx, member, task))) throw new SessionError('task.err.notVisible', { number: task.number });
        const fields = await taskFields(ctx.repos, task, policy.calendar, ctx.now);
        const history = await historyLines(ctx.repos, await ctx.repos.tasks.history(task.id), policy.calendar);
        const buttons: CardButton[] = taskButtons(task, service.actorFor(task, member.id, await isSuperior(ctx, member, task)));
        if (task.dispatcherId === member.id && (await ctx.repos.tasks.byBatch(task.batch)).length > 1) buttons.push({ label: t('task.button.progress'), command: `任务进度 ${task.batch}` });
        const title = t('task.card.task', { number: task.number });
        const text = [`【${title}】`, ...fields.map((f) => `${f.label}：${f.value}`), ...history].join('\n');
        return { text, card: { title, fields, lines: history, buttons } };
      }
      const assigned = await ctx.repos.tasks.byAssignee(member.id, OPEN_STATES, LIST_LIMIT + 1);
      const dispatched = await ctx.repos.tasks.byDispatcher(member.id, OPEN_STATES, LIST_LIMIT + 1);
      if (assigned.length === 0 && dispatched.length === 0) return t('task.list.empty');
      const lines: string[] = [];
      if (assigned.length) lines.push(t('task.list.assigned'), ...(await listLines(ctx, assigned.slice(0, LIST_LIMIT), policy)));
      if (assigned.length > LIST_LIMIT) lines.push(t('task.list.more', { count: assigned.length - LIST_LIMIT }));
      if (dispatched.length) lines.push(t('task.list.dispatched'), ...(await listLines(ctx, dispatched.slice(0, LIST_LIMIT), policy)));
      if (dispatched.length > LIST_LIMIT) lines.push(t('task.list.more', { count: dispatched.length - LIST_LIMIT }));
      return { text: [t('task.list.title'), ...lines].join('\n'), card: { title: t('task.list.title'), lines } };
    },
  });

  const batchProgress = defineCommand({
    id: 'batchProgress',
    name: '任务进度',
    aliases: ['派单进度'],
    // Only a task's dispatcher (or a superior) acts here: people who may dispatch.
    access: DISPATCHERS,
    args: { number: arg.word('arg.taskNumber') },
    async run(ctx, { number }): Promise<BotMessage> {
      const member = ctx.requireMember();
      const task = await loadNumbered(ctx, number, 'batchProgress');
      if (task.dispatcherId !== member.id && !(await isSuperior(ctx, member, task))) throw new SessionError('task.progress.notDispatcher', { number: task.number });
      // A withdrawn task is no longer part of the batch's progress.
      const all = (await ctx.repos.tasks.byBatch(task.batch)).filter((x) => x.state !== 'withdrawn');
      const byUnit = new Map<number, TaskRecord[]>();
      for (const x of all) byUnit.set(x.gridId ?? x.scopeUnitId, [...(byUnit.get(x.gridId ?? x.scopeUnitId) ?? []), x]);
      const isDone = (x: TaskRecord) => x.state === 'done' || x.state === 'submitted';
      const isLate = (x: TaskRecord) => isOverdue(x, ctx.now) || (isDone(x) && wasSubmittedLate(x));
      const unacked = (x: TaskRecord) => x.state === 'dispatched';
      const lines: string[] = [];
      for (const [unitId, list] of byUnit) {
        const pending = list.filter((x) => isLate(x) || unacked(x)).filter((x) => !isDone(x));
        const names = pending.length ? t('task.progress.names', { names: (await Promise.all(pending.map((x) => memberName(ctx.repos, x.assigneeId)))).join('、') }) : '';
        lines.push(
          t('task.progress.gridLine', { unit: await unitName(ctx.repos, unitId), done: list.filter(isDone).length, count: list.length, late: list.filter(isLate).length, unacknowledged: list.filter(unacked).length, names }),
        );
      }
      const policy = await policyOf(ctx);
      const total = t('task.progress.total', { count: all.length, done: all.filter(isDone).length, late: all.filter(isLate).length, unacknowledged: all.filter(unacked).length });
      const title = t('task.progress.title', { batch: task.batch });
      const fields = [
        { label: t('task.field.title'), value: task.title },
        { label: t('task.field.deadline'), value: deadlineText(task, policy.calendar, ctx.now) },
        { label: t('task.progress.field.done'), value: `${all.filter(isDone).length}/${all.length}` },
        { label: t('task.progress.field.late'), value: String(all.filter(isLate).length) },
        { label: t('task.progress.field.unacknowledged'), value: String(all.filter(unacked).length) },
      ];
      return { text: [`【${title}】`, total, ...lines].join('\n'), card: { title, fields, lines: [total, ...lines], buttons: [{ label: t('task.button.progress'), command: `任务进度 ${task.batch}` }] } };
    },
  });

  return {
    commands: [dispatch, setDeadline, accept, progress, completeTask, requestExtension, approveExtension, refuseExtension, returnTask, withdraw, reassign, tasksCommand, batchProgress],
    dialogs: [completeDialog],
  };
}
