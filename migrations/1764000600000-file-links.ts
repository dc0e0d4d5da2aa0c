import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

interface LegacyToken {
  token: string;
  purpose: string;
  spec: string;
  member_id: number;
  created_at: unknown;
  expires_at: unknown;
  used_at: unknown;
}

interface LegacyExport {
  token: string;
  meeting_id: number;
  format: string;
  created_at: unknown;
  expires_at: unknown;
}

const INSERT = 'INSERT INTO file_link (token, kind, spec, member_id, once, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * One table of file links instead of two (file_token for ledgers and uploads, meeting_export for
 * minutes): kind, spec, lifetime, once or until expiry. Links still valid are carried over.
 */
export class FileLinks1764000600000 implements MigrationInterface {
  name = 'FileLinks1764000600000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'file_link', [
      col.str('token', 32, { primary: true }),
      col.str('kind', 16),
      col.text('spec'),
      col.int('member_id', { nullable: true }),
      col.bool('once', false),
      col.date('created_at'),
      col.date('expires_at'),
      col.date('used_at', true),
    ]);
    for (const r of (await q.query('SELECT token, purpose, spec, member_id, created_at, expires_at, used_at FROM file_token')) as LegacyToken[]) {
      await q.query(INSERT, [r.token, r.purpose === 'upload' ? 'org-import' : 'ledger', r.spec, r.member_id, 1, r.created_at, r.expires_at, r.used_at]);
    }
    for (const r of (await q.query('SELECT token, meeting_id, format, created_at, expires_at FROM meeting_export')) as LegacyExport[]) {
      // Minutes tokens were 32 hex characters too (the column allowed 40).
      if (r.token.length > 32) continue;
      await q.query(INSERT, [r.token, 'minutes', JSON.stringify({ meetingId: r.meeting_id, format: r.format }), null, 0, r.created_at, r.expires_at, null]);
    }
    await q.dropTable('file_token');
    await q.dropTable('meeting_export');
  }

  async down(q: QueryRunner): Promise<void> {
    await createTable(q, 'meeting_export', [col.str('token', 40, { primary: true }), col.int('meeting_id'), col.str('format', 8), col.date('created_at'), col.date('expires_at')]);
    await createTable(q, 'file_token', [
      col.str('token', 32, { primary: true }),
      col.str('purpose', 16),
      col.text('spec'),
      col.int('member_id'),
      col.date('created_at'),
      col.date('expires_at'),
      col.date('used_at', true),
    ]);
    await q.dropTable('file_link');
  }
}
