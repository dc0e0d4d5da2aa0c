/**
 * The one place the deployment's calendar is built: TIMEZONE, the official arrangements admins
 * entered (`calendar.arrangements`) and the county's own days (`calendar.local`). The unit of work
 * asks for it in every transaction, so every area receives it the way it receives `now`.
 *
 * The settings are read through in each transaction (one statement for both) and the calendar is
 * rebuilt only when their content changed: an arrangement entered by chat holds at once in every
 * process, with no cache to expire and no reload message to lose.
 */
import { z } from 'zod';
import { WorkingCalendar, type YearArrangement } from '../../domain/calendar';
import type { CalendarProvider, SettingsRepo } from '../ports';

export const ARRANGEMENTS_SETTING = 'calendar.arrangements';
export const LOCAL_CALENDAR_SETTING = 'calendar.local';

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/);
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const arrangementSchema = z.object({
  year: z.number().int(),
  holidays: z.array(z.object({ name: z.string().min(1), days: z.array(localDate), workdays: z.array(localDate) })),
  enteredAt: z.string().optional(),
  enteredBy: z.number().int().nullable().optional(),
});
export type StoredArrangement = z.infer<typeof arrangementSchema>;

/** Year → arrangement, as stored. */
export const arrangementsSchema = z.record(z.string().regex(/^\d{4}$/), arrangementSchema);
export type StoredArrangements = z.infer<typeof arrangementsSchema>;

/** The county's own calendar: office hours, quiet hours, its extra days off and working days. */
export const localCalendarSchema = z
  .object({
    officeHours: z.array(z.object({ start: clock, end: clock })).min(1).optional(),
    quietHours: z.object({ start: clock, end: clock }).nullable().optional(),
    extraHolidays: z.array(localDate).optional(),
    extraWorkdays: z.array(localDate).optional(),
  })
  .strict();
export type LocalCalendarSetting = z.infer<typeof localCalendarSchema>;

/** A stored setting's text as a value; text that is not JSON is ignored like any invalid value. */
function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export class CalendarSource implements CalendarProvider {
  private built: { key: string; calendar: WorkingCalendar } | null = null;

  constructor(private readonly timeZone: string) {}

  async current(settings: SettingsRepo): Promise<WorkingCalendar> {
    // One statement for both; the texts as stored are the cache key, parsed only when they changed.
    const [arrangements, local] = await settings.texts([ARRANGEMENTS_SETTING, LOCAL_CALENDAR_SETTING]);
    const key = JSON.stringify([arrangements, local]);
    if (this.built?.key !== key) this.built = { key, calendar: this.build(parseStored(arrangements), parseStored(local)) };
    return this.built.calendar;
  }

  /**
   * Commands validate before they store, so an invalid value can only come from editing the
   * database by hand; it is ignored (the published or statutory days hold) rather than stopping
   * every message.
   */
  private build(arrangements: unknown, local: unknown): WorkingCalendar {
    const years = arrangementsSchema.safeParse(arrangements ?? {});
    const own = localCalendarSchema.safeParse(local ?? {});
    const entered: YearArrangement[] = years.success ? Object.values(years.data).map(({ year, holidays }) => ({ year, holidays })) : [];
    return new WorkingCalendar({ timeZone: this.timeZone, arrangements: entered, ...(own.success ? own.data : {}) });
  }
}

export async function storedArrangements(settings: SettingsRepo): Promise<StoredArrangements> {
  const parsed = arrangementsSchema.safeParse((await settings.get<unknown>(ARRANGEMENTS_SETTING)) ?? {});
  return parsed.success ? parsed.data : {};
}

export async function storedLocalCalendar(settings: SettingsRepo): Promise<LocalCalendarSetting> {
  const parsed = localCalendarSchema.safeParse((await settings.get<unknown>(LOCAL_CALENDAR_SETTING)) ?? {});
  return parsed.success ? parsed.data : {};
}
