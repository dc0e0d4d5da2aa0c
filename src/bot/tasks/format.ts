/** How tasks look in a chat: times in the deployment's zone, states and names in Chinese, cards with command buttons. */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { availableTaskActions, type TaskActionType, type TaskActor } from '../../domain/task/lifecycle';
import { isOverdue } from '../../domain/task/task';
import type { CardButton, CardField } from '../message';
import { t, type TextKey } from '../texts';
import type { TaskHistoryRecord, TaskRecord } from './ports';
import type { TasksRepos } from './ports';

/** `11月30日 17:00（周一）`: the calendar's one format of a moment. */
export function formatTime(at: Date, calendar: WorkingCalendar, now?: Date): string {
  return calendar.formatMoment(at, now);
}

export function stateName(task: Pick<TaskRecord, 'state'>): string {
  return t(`task.state.${task.state}` as TextKey);
}

export function priorityName(task: Pick<TaskRecord, 'priority'>): string {
  return t(`task.priority.${task.priority}` as TextKey);
}

export function actionName(action: string): string {
  if (action.startsWith('rung.')) return t(`task.rung.${action.slice(5)}` as TextKey);
  return t(`task.action.${action}` as TextKey);
}

export async function memberName(repos: TasksRepos, id: number | null): Promise<string> {
  if (id === null) return t('task.system');
  return (await repos.org.memberSummary(id))?.name ?? `#${id}`;
}

export async function unitName(repos: TasksRepos, id: number | null): Promise<string> {
  if (id === null) return t('common.none');
  return (await repos.org.unit(id))?.name ?? `#${id}`;
}

/** The buttons a viewer gets: only actions that need no further words. */
export function taskButtons(task: TaskRecord, actor: TaskActor): CardButton[] {
  const actions = new Set<TaskActionType>(availableTaskActions(task, actor));
  const buttons: CardButton[] = [];
  if (actions.has('accept')) buttons.push({ label: t('task.button.accept'), command: `签收 ${task.number}`, style: 'primary' });
  if (actions.has('complete')) buttons.push({ label: t('task.button.complete'), command: `办结 ${task.number}`, style: 'primary' });
  if (actions.has('approve_extension')) buttons.push({ label: t('task.button.approveExtension'), command: `同意延期 ${task.number}`, style: 'primary' });
  if (actions.has('refuse_extension')) buttons.push({ label: t('task.button.refuseExtension'), command: `拒绝延期 ${task.number}`, style: 'danger' });
  if (actions.has('withdraw')) buttons.push({ label: t('task.button.withdraw'), command: `撤回 ${task.number}`, style: 'danger' });
  return buttons;
}

export function deadlineText(task: TaskRecord, calendar: WorkingCalendar, now: Date): string {
  return formatTime(task.deadline, calendar, now) + (isOverdue(task, now) ? t('task.overdueMark') : '');
}

/** The key facts of a task as card fields. */
export async function taskFields(repos: TasksRepos, task: TaskRecord, calendar: WorkingCalendar, now: Date): Promise<CardField[]> {
  const fields: CardField[] = [
    { label: t('task.field.number'), value: task.number },
    { label: t('task.field.title'), value: task.title },
    { label: t('task.field.state'), value: stateName(task) },
    { label: t('task.field.priority'), value: priorityName(task) },
    { label: t('task.field.deadline'), value: deadlineText(task, calendar, now) },
    { label: t('task.field.assignee'), value: await memberName(repos, task.assigneeId) },
    { label: t('task.field.dispatcher'), value: await memberName(repos, task.dispatcherId) },
  ];
  if (task.gridId !== null) fields.push({ label: t('task.field.unit'), value: await unitName(repos, task.gridId) });
  if (task.source.kind !== 'adhoc') fields.push({ label: t('task.field.source'), value: t(`task.source.${task.source.kind}` as TextKey, { ref: task.source.ref }) });
  if (task.details) fields.push({ label: t('task.field.details'), value: task.details });
  if (task.pendingExtension) fields.push({ label: t('task.field.extension'), value: `${formatTime(task.pendingExtension.deadline, calendar, now)}（${task.pendingExtension.reason}）` });
  if (task.result) fields.push({ label: t('task.field.result'), value: task.result });
  if (task.resultPhotos.length) fields.push({ label: t('task.field.photos'), value: t('task.photoCount', { count: task.resultPhotos.length }) });
  return fields;
}

export async function historyLines(repos: TasksRepos, history: TaskHistoryRecord[], calendar: WorkingCalendar): Promise<string[]> {
  const lines = [t('task.historyTitle')];
  for (const h of history) {
    const at = calendar.toLocal(h.at).toFormat('M-d HH:mm');
    const note = h.note ? `：${h.note}` : '';
    lines.push(t('task.historyLine', { at, actor: await memberName(repos, h.actorId), action: actionName(h.action), note }));
  }
  return lines;
}

/** `3 小时` / `40 分钟`, for "还剩 …". */
export function timeLeft(from: Date, to: Date): string {
  const minutes = Math.max(0, Math.round((to.getTime() - from.getTime()) / 60_000));
  if (minutes >= 60) return t('task.left.hours', { hours: Math.round(minutes / 60) });
  return t('task.left.minutes', { minutes });
}
