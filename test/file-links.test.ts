/**
 * One table of file links: a database that still holds links in the two old tables (a ledger's
 * one-time token, a meeting export) keeps them working after the migration, on SQLite and MariaDB.
 */
import { DataSource } from 'typeorm';
import { createDataSource, openDatabase } from '../src/adapters/db/data-source';
import { TypeOrmFileLinkRepo } from '../src/adapters/db/repositories/file-link-repository';
import { migrations } from '../migrations';
import { allKinds, createTestDatabase } from './support/databases';

const LEDGER = 'a'.repeat(32);
const UPLOAD = 'b'.repeat(32);
const MINUTES = 'c'.repeat(32);
const at = (iso: string) => iso.replace('T', ' ').replace('Z', '');

describe.each(allKinds())('file links on %s', (kind) => {
  it('carries the old ledger, upload and minutes links over into the one table', async () => {
    const db = await createTestDatabase(kind);
    try {
      const before = new DataSource({ ...createDataSource(db.url).options, migrations: migrations.filter((m) => m.name !== 'FileLinks1764000600000') });
      await before.initialize();
      await before.runMigrations({ transaction: 'each' });
      const insertToken = 'INSERT INTO file_token (token, purpose, spec, member_id, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
      await before.query(insertToken, [LEDGER, 'download', JSON.stringify({ kind: 'events', unitId: 3, period: '2026-11' }), 7, at('2026-12-01T10:00:00.000Z'), at('2026-12-01T10:30:00.000Z'), null]);
      await before.query(insertToken, [UPLOAD, 'upload', JSON.stringify({ kind: 'org' }), 7, at('2026-12-01T10:00:00.000Z'), at('2026-12-01T10:30:00.000Z'), at('2026-12-01T10:05:00.000Z')]);
      await before.query('INSERT INTO meeting_export (token, meeting_id, format, created_at, expires_at) VALUES (?, ?, ?, ?, ?)', [MINUTES, 12, 'md', at('2026-12-01T10:00:00.000Z'), at('2026-12-08T10:00:00.000Z')]);
      await before.destroy();

      const { dataSource, applied } = await openDatabase(db.url);
      try {
        expect(applied).toEqual(['FileLinks1764000600000']);
        const files = new TypeOrmFileLinkRepo(dataSource.manager);
        const now = new Date('2026-12-01T10:10:00.000Z');
        expect(await files.peek(LEDGER, now)).toEqual({
          ok: true,
          link: expect.objectContaining({ kind: 'ledger', once: true, memberId: 7, spec: { kind: 'events', unitId: 3, period: '2026-11' }, expiresAt: new Date('2026-12-01T10:30:00.000Z') }),
        });
        expect(await files.peek(UPLOAD, now)).toEqual({ ok: false, reason: 'used', kind: 'org-import' });
        expect(await files.peek(MINUTES, now)).toEqual({ ok: true, link: expect.objectContaining({ kind: 'minutes', once: false, spec: { meetingId: 12, format: 'md' } }) });
        // The ledger link still works once; the minutes link until it expires.
        expect((await files.open(LEDGER, now)).ok).toBe(true);
        expect(await files.open(LEDGER, now)).toEqual({ ok: false, reason: 'used', kind: 'ledger' });
        expect((await files.open(MINUTES, now)).ok).toBe(true);
        expect((await files.open(MINUTES, now)).ok).toBe(true);
        expect(await files.open(MINUTES, new Date('2026-12-08T10:00:00.000Z'))).toEqual({ ok: false, reason: 'expired', kind: 'minutes' });
        const tables = (await dataSource.query(kind === 'sqlite' ? "SELECT name FROM sqlite_master WHERE type = 'table'" : 'SHOW TABLES')) as Record<string, string>[];
        const names = tables.map((r) => Object.values(r)[0]);
        expect(names).toContain('file_link');
        expect(names).not.toContain('file_token');
        expect(names).not.toContain('meeting_export');
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});
