/**
 * The reminder ladder a deployment runs with: defaults from the domain, the module's constructor
 * options on top, and the `tasks.reminders` setting on top of that (read in the acting
 * transaction, validated with zod, so a bad setting is refused with a clear fault instead of
 * silently planning nonsense). The calendar is the transaction's own (src/bot/calendar).
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { DEFAULT_REMINDER_POLICIES, type ReminderPolicies, type ReminderPolicy, type RungPolicy } from '../../domain/task/reminders';
import type { TaskPriority } from '../../domain/task/task';
import type { Tx } from '../ports';

/** Settings keys a deployment may set (JSON). */
export const REMINDER_SETTING = 'tasks.reminders';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);

const anchorSchema = z.union([
  z.object({ from: z.literal('dispatch'), workingHours: z.number().min(0) }).strict(),
  z.object({ from: z.literal('deadline'), hours: z.number() }).strict(),
  z.object({ from: z.literal('deadline'), workingDays: z.number().int().min(0) }).strict(),
]);

const rungSchema = z.object({
  /** Part of the job id: letters, digits and '-' only (BullMQ ids must not contain ':'). */
  key: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  anchor: anchorSchema,
  audience: z.enum(['assignee', 'assignee+gridHead', 'community', 'levelAbove']),
  kind: z.enum(['remind', 'overdue', 'urge', 'supervise']),
  silencedBy: z.enum(['acknowledgement', 'completion']),
  deferInQuietHours: z.boolean().optional(),
});

const policyOverride = z.object({ deferInQuietHours: z.boolean().optional(), rungs: z.array(rungSchema).max(20).optional() }).strict();

export const reminderSettingSchema = z.object({ normal: policyOverride.optional(), urgent: policyOverride.optional() }).strict();
export type ReminderSetting = z.infer<typeof reminderSettingSchema>;

/** A deployment's setting that does not validate: a fault of the configuration, logged, not shown raw. */
export class TaskSettingError extends Error {
  override readonly name = 'TaskSettingError';
}

export interface TaskPolicyOptions {
  /** Per-priority overrides of the default ladder. */
  reminders?: ReminderSetting;
}

function merge(base: ReminderPolicies, override: ReminderSetting | undefined): ReminderPolicies {
  if (!override) return base;
  const one = (p: TaskPriority): ReminderPolicy => ({
    deferInQuietHours: override[p]?.deferInQuietHours ?? base[p].deferInQuietHours,
    rungs: (override[p]?.rungs as RungPolicy[] | undefined) ?? base[p].rungs,
  });
  return { normal: one('normal'), urgent: one('urgent') };
}

export interface TaskPolicy {
  policies: ReminderPolicies;
  calendar: WorkingCalendar;
}

/** Builds the policy for one transaction. */
export class TaskPolicyLoader {
  constructor(private readonly options: TaskPolicyOptions = {}) {}

  async load(tx: Pick<Tx, 'repos' | 'calendar'>): Promise<TaskPolicy> {
    const reminders = parse(reminderSettingSchema, REMINDER_SETTING, await tx.repos.settings.get<unknown>(REMINDER_SETTING));
    const policies = merge(merge(DEFAULT_REMINDER_POLICIES, this.options.reminders), reminders ?? undefined);
    return { policies, calendar: tx.calendar };
  }
}

function parse<T>(schema: z.ZodType<T>, key: string, value: unknown): T | null {
  if (value === null || value === undefined) return null;
  const result = schema.safeParse(value);
  if (!result.success) throw new TaskSettingError(`setting ${key} is invalid: ${result.error.issues[0]?.message ?? 'unknown'} at ${result.error.issues[0]?.path.join('.')}`);
  return result.data;
}
