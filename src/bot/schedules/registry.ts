/**
 * Periodic work declared by the areas (信息报送 Tue/Fri 09:00, 巡查提醒 16:00, later the weekly and
 * monthly meetings): each declaration names a default cron pattern and the timer it fires; the
 * current pattern lives in settings so an admin can change it, and the jobs layer turns every
 * declaration into one BullMQ job scheduler.
 */
import type { SettingsRepo } from '../ports';
import type { TextKey } from '../texts';

export interface ScheduleDeclaration {
  /** Stable English id; also the BullMQ job scheduler id. */
  id: string;
  /** The Chinese name an admin types in 日程 / 修改日程 / 立即执行 (信息报送, 报送提醒 …). */
  name: string;
  /** Cron with seconds, in the deployment's time zone: `0 0 9 * * 2,5` = Tue and Fri 09:00. */
  defaultPattern: string;
  /** The timer handler each firing runs. */
  timerName: string;
  /** Payload the timer receives (`{ step: 'prompt' }`). */
  data?: Record<string, unknown>;
  /** Catalogue key of a one-line description for 日程. */
  description: TextKey;
}

export interface StoredSchedule {
  pattern: string;
}

export const scheduleSettingKey = (id: string) => `schedule.${id}`;

export async function currentPattern(settings: SettingsRepo, declaration: ScheduleDeclaration): Promise<string> {
  return (await settings.get<StoredSchedule>(scheduleSettingKey(declaration.id)))?.pattern ?? declaration.defaultPattern;
}

/** Every declaration of the given modules, refusing a duplicate id or name. */
export function collectSchedules(modules: readonly { schedules?: ScheduleDeclaration[] }[]): ScheduleDeclaration[] {
  const out: ScheduleDeclaration[] = [];
  for (const m of modules) {
    for (const d of m.schedules ?? []) {
      if (out.some((o) => o.id === d.id || o.name === d.name)) throw new Error(`schedule ${d.id} / ${d.name} declared twice`);
      out.push(d);
    }
  }
  return out;
}
