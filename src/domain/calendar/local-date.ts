/** A calendar day in the calendar's zone, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A local wall-clock time, `HH:mm` (24 h). */
export type ClockTime = string;

/** Two digits, zero-padded: months, days, hours and minutes as dates and times are written. */
export const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** The LocalDate of a year, a month (1–12) and a day, as written (no check that the day exists). */
export function toLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}
