/**
 * A deadline that falls on a day off or in quiet hours is still taken as given, but said with a
 * warning and the one-press alternative: the end of the next working day's office hours.
 */
import { DateTime } from 'luxon';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { t } from '../texts';

export interface DeadlineNotice {
  /** The warning line. */
  text: string;
  /** The suggested deadline and how to type it (`2026-11-30 17:30`), for a button. */
  alternative: Date;
  typed: string;
  /** The button's label (`改为 11月30日 17:30（周一）`). */
  label: string;
}

export function deadlineNotice(deadline: Date, calendar: WorkingCalendar): DeadlineNotice | null {
  const offDay = !calendar.isWorkingDay(deadline);
  const quiet = !offDay && calendar.isQuietTime(deadline);
  if (!offDay && !quiet) return null;
  let day = calendar.workingDayOnOrAfter(deadline);
  if (calendar.officeEndOf(day).getTime() <= deadline.getTime()) day = calendar.nextWorkingDay(day);
  const alternative = calendar.officeEndOf(day);
  return {
    text: t(offDay ? 'deadline.warn.offDay' : 'deadline.warn.quiet', { deadline: calendar.formatMoment(deadline) }),
    alternative,
    // What the button types: a form the deadline parser reads back exactly.
    typed: DateTime.fromJSDate(alternative, { zone: calendar.timeZone }).toFormat('yyyy-MM-dd HH:mm'),
    label: t('deadline.warn.alternative', { alternative: calendar.formatMoment(alternative) }),
  };
}
