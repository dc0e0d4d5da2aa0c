/** The one table of file links (downloads and upload pages), whatever area hands them out. */
import { EntitySchema } from 'typeorm';
import { dateColumn } from './columns';

export interface FileLinkRow {
  /** 128-bit random, hex. */
  token: string;
  /** `ledger`, `minutes`, `org-import` …: how the files route renders it. */
  kind: string;
  /** JSON: what to build (ledger kind, scope unit, period; a meeting and format). */
  spec: string;
  memberId: number | null;
  once: boolean;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

export const FileLinkSchema = new EntitySchema<FileLinkRow>({
  name: 'FileLink',
  tableName: 'file_link',
  columns: {
    token: { type: 'varchar', length: 32, primary: true },
    kind: { type: 'varchar', length: 16 },
    spec: { type: 'text' },
    memberId: { name: 'member_id', type: 'int', nullable: true },
    once: { type: 'boolean' },
    createdAt: dateColumn('created_at'),
    expiresAt: dateColumn('expires_at'),
    usedAt: dateColumn('used_at', true),
  },
});

export const fileLinkSchemas = [FileLinkSchema];
