/**
 * The reminder rung's job handler: when a rung fires it reads the task afresh and sends only if
 * the rung still applies (same deadline version, work still owed, not yet acknowledged for an
 * acknowledgement rung). The jobs layer runs it once per job id, inside one transaction.
 */
import { z } from 'zod';
import type { OrgUnit } from '../../domain/org/org';
import { LEADER_ROLE } from '../../domain/org/org';
import { fireDecision, type RungAudience } from '../../domain/task/reminders';
import type { BotMessage } from '../message';
import { Notifier } from '../notify';
import { snoozeButton } from '../snooze/button';
import { routeUrgent } from '../duty/desk';
import type { Tx } from '../ports';
import type { TasksRepos } from './ports';
import type { TimerContext, TimerHandler } from '../timers';
import { t } from '../texts';
import { formatTime, memberName, timeLeft, unitName } from './format';
import type { TaskRecord } from './ports';
import { TASK_REMINDER_TIMER, type TasksService } from './service';

const jobSchema = z.object({
  number: z.string().min(1).max(20),
  deadlineVersion: z.number().int().min(1),
  rung: z.object({
    key: z.string().min(1).max(32),
    fireAt: z.iso.datetime(),
    audience: z.enum(['assignee', 'assignee+gridHead', 'community', 'levelAbove']),
    kind: z.enum(['remind', 'overdue', 'urge', 'supervise']),
    silencedBy: z.enum(['acknowledgement', 'completion']),
  }),
});
type ReminderJob = z.infer<typeof jobSchema>;

/** What a fired rung did, for tests and logs. */
export type RungOutcome = 'sent' | 'skipped' | 'invalid';

export function reminderTimer<R extends TasksRepos>(service: TasksService<R>, onFired?: (outcome: RungOutcome, job: ReminderJob | null, at: Date) => void): TimerHandler<R> {
  return {
    name: TASK_REMINDER_TIMER,
    async run(ctx: TimerContext<R>, data: Record<string, unknown>) {
      const parsed = jobSchema.safeParse(data);
      if (!parsed.success) {
        onFired?.('invalid', null, ctx.now);
        return;
      }
      const job = parsed.data;
      const task = await ctx.tx.repos.tasks.byNumber(job.number, true);
      if (!task || !fireDecision(task, job.rung, job.deadlineVersion, ctx.now).fire) {
        onFired?.('skipped', job, ctx.now);
        return;
      }
      await deliver(ctx.tx, service, task, job);
      const next: TaskRecord = {
        ...task,
        scheduledRungs: task.scheduledRungs.filter((id) => id !== ctx.jobId),
        escalation: job.rung.kind === 'remind' ? task.escalation : job.rung.kind,
      };
      await ctx.tx.repos.tasks.addHistory({
        taskId: task.id,
        at: ctx.now,
        action: `rung.${job.rung.kind}`,
        actorId: null,
        fromState: task.state,
        toState: task.state,
        note: job.rung.key,
        attachments: [],
        deadline: null,
      });
      await ctx.tx.repos.tasks.save(next, ctx.now);
      if (job.rung.kind === 'overdue') await service.heardOverdue(ctx.tx, next);
      onFired?.('sent', job, ctx.now);
    },
  };
}

async function deliver<R extends TasksRepos>(tx: Tx<R>, service: TasksService<R>, task: TaskRecord, job: ReminderJob): Promise<void> {
  const policy = await service.policy.load(tx);
  const tz = policy.calendar;
  const scope = await tx.repos.org.unit(task.scopeUnitId);
  const params = {
    number: task.number,
    title: task.title,
    deadline: formatTime(task.deadline, tz, tx.now),
    assignee: await memberName(tx.repos, task.assigneeId),
    unit: await unitName(tx.repos, task.gridId ?? task.scopeUnitId),
    left: timeLeft(tx.now, task.deadline),
    days: Math.max(1, policy.calendar.workingDaysBetween(task.deadline, tx.now)),
  };
  const title = t('task.card.task', { number: task.number });
  // Every reminder card the assignee gets can be put off (稍后提醒); the ladder itself keeps its times.
  const assigneeMessage = async (text: string): Promise<BotMessage> => {
    const message = await service.taskMessage(tx, task, policy, title, text);
    return message.card ? { ...message, card: { ...message.card, buttons: [...(message.card.buttons ?? []), snoozeButton(task.number)] } } : message;
  };
  const viewMessage = (text: string): BotMessage => ({
    text,
    card: { title, lines: [text], buttons: [{ label: t('task.button.view'), command: `任务 ${task.number}` }] },
  });
  const notify = new Notifier(tx);

  switch (job.rung.kind) {
    case 'remind': {
      const text = job.rung.silencedBy === 'acknowledgement' ? t('task.remind.ack', params) : t('task.remind.deadline', params);
      await notify.member(task.assigneeId, await assigneeMessage(text));
      return;
    }
    case 'overdue': {
      await notify.member(task.assigneeId, await assigneeMessage(t('task.overdue.assignee', params)));
      const usual = (await audienceMembers(tx, job.rung.audience, task, scope)).filter((id) => id !== task.assigneeId);
      // An urgent task overdue outside office hours also (or instead) reaches the person on duty.
      const others = task.priority === 'urgent' ? await routeUrgent(tx, task.scopeUnitId, usual) : usual;
      for (const id of others) await notify.member(id, viewMessage(usual.includes(id) ? t('task.overdue.others', params) : `${t('duty.afterHours')}\n${t('task.overdue.others', params)}`));
      return;
    }
    case 'urge':
    case 'supervise': {
      const text = job.rung.kind === 'urge' ? t('task.urge', params) : t('task.supervise', params);
      if (job.rung.audience === 'assignee' || job.rung.audience === 'assignee+gridHead') {
        await notify.member(task.assigneeId, await assigneeMessage(text));
        const others = await audienceMembers(tx, job.rung.audience, task, scope);
        await notify.members(others.filter((id) => id !== task.assigneeId), viewMessage(text));
        return;
      }
      const unit = await ladderUnit(tx, job.rung.audience, scope);
      if (unit) await notify.unit(unit, viewMessage(text));
      if (unit && task.priority === 'urgent') await notify.members(await routeUrgent(tx, unit.id, []), viewMessage(`${t('duty.afterHours')}\n${text}`));
      return;
    }
  }
}

/** People (besides the assignee) an `assignee+gridHead` rung reaches: the grid head(s) and the dispatcher. */
async function audienceMembers(tx: Tx<TasksRepos>, audience: RungAudience, task: TaskRecord, scope: OrgUnit | null): Promise<number[]> {
  if (audience === 'assignee') return [];
  const ids = [task.dispatcherId];
  const grid = task.gridId !== null ? await tx.repos.org.unit(task.gridId) : scope?.level === 'grid' ? scope : null;
  if (grid) ids.push(...(await tx.repos.org.membersWithRole(grid.id, LEADER_ROLE.grid)).map((m) => m.id));
  else if (scope) ids.push(...(await tx.repos.org.membersWithRole(scope.id, LEADER_ROLE[scope.level])).map((m) => m.id));
  return [...new Set(ids)];
}

/**
 * The unit an escalation goes to: `community` is the community the task's grid belongs to (the
 * scope's parent when the scope sits above communities); `levelAbove` is the unit above that.
 */
async function ladderUnit(tx: Tx<TasksRepos>, audience: 'community' | 'levelAbove', scope: OrgUnit | null): Promise<OrgUnit | null> {
  if (!scope) return null;
  const chain = [...(await tx.repos.org.ancestors(scope)).reverse()];
  const upward = [scope, ...chain.filter((u) => u.id !== scope.id)];
  let community = upward.find((u) => u.level === 'community') ?? null;
  if (!community) community = upward[1] ?? scope;
  if (audience === 'community') return community;
  const index = upward.findIndex((u) => u.id === community.id);
  return upward[index + 1] ?? community;
}
