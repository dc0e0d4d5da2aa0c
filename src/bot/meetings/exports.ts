/** Resolves a download token into the meeting's document (agenda as posted + minutes), for the files route. */
import type { Repos } from '../ports';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { meetingDocument, type AgendaSnapshot } from './format';
import type { DocumentFormat, MeetingDocument } from './render-port';
import { exportFileName, MIME } from './service';

export interface ResolvedExport {
  document: MeetingDocument;
  format: DocumentFormat;
  fileName: string;
  mimeType: string;
}

export type ExportLookup = { ok: true; export: ResolvedExport } | { ok: false; reason: 'unknown' | 'expired' };

export async function resolveExport(repos: Repos, token: string, now: Date, calendar: WorkingCalendar): Promise<ExportLookup> {
  if (!/^[0-9a-f]{32}$/.test(token)) return { ok: false, reason: 'unknown' };
  const found = await repos.meetings.exportByToken(token);
  if (!found) return { ok: false, reason: 'unknown' };
  if (found.expiresAt.getTime() < now.getTime()) return { ok: false, reason: 'expired' };
  const meeting = await repos.meetings.byId(found.meetingId);
  if (!meeting) return { ok: false, reason: 'unknown' };
  const format: DocumentFormat = found.format === 'md' ? 'md' : 'docx';
  const snapshot = JSON.parse(meeting.agenda) as AgendaSnapshot;
  const document = meetingDocument(calendar, meeting, snapshot, await repos.meetings.minutes(meeting.id));
  return { ok: true, export: { document, format, fileName: exportFileName(meeting, format), mimeType: MIME[format] } };
}
