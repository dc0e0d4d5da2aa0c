/** A calendar day in the calendar's zone, `YYYY-MM-DD`. */
export type LocalDate = string;
/** A local wall-clock time, `HH:mm` (24 h). */
export type ClockTime = string;
