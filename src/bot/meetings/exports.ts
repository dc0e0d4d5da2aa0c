/**
 * A meeting's document (agenda as posted + minutes) behind a file link of kind `minutes`: the
 * link's spec names the meeting and the format; the files route renders it when opened.
 */
import { z } from 'zod';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { meetingDocument, type AgendaSnapshot } from './format';
import type { MeetingsRepos, StoredMeeting } from './ports';
import type { DocumentFormat, MeetingDocument } from './render-port';

/** The file-link kind of a meeting export (src/bot/files.ts). */
export const MINUTES_FILE = 'minutes';

export const minutesSpecSchema = z.object({ meetingId: z.number().int(), format: z.enum(['docx', 'md']) });
export type MinutesSpec = z.infer<typeof minutesSpecSchema>;

export const MIME: Record<DocumentFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  md: 'text/markdown; charset=utf-8',
};

export function exportFileName(meeting: Pick<StoredMeeting, 'number'>, format: DocumentFormat): string {
  return `${meeting.number}.${format}`;
}

export interface ResolvedExport {
  document: MeetingDocument;
  format: DocumentFormat;
  fileName: string;
  mimeType: string;
}

/** The document a `minutes` link stands for, or null when the spec or the meeting is gone. */
export async function resolveExport(repos: Pick<MeetingsRepos, 'meetings'>, spec: Record<string, unknown>, calendar: WorkingCalendar): Promise<ResolvedExport | null> {
  const parsed = minutesSpecSchema.safeParse(spec);
  if (!parsed.success) return null;
  const { meetingId, format } = parsed.data;
  const meeting = await repos.meetings.byId(meetingId);
  if (!meeting) return null;
  const snapshot = JSON.parse(meeting.agenda) as AgendaSnapshot;
  const document = meetingDocument(calendar, meeting, snapshot, await repos.meetings.minutes(meeting.id));
  return { document, format, fileName: exportFileName(meeting, format), mimeType: MIME[format] };
}
