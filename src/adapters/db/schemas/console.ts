/** Sessions of the leaders' web console. */
import { EntitySchema } from 'typeorm';
import { dateColumn } from './columns';

export interface ConsoleSessionRow {
  /** SHA-256 (hex) of the cookie value; the value itself is never stored. */
  idHash: string;
  memberId: number;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
}

export const ConsoleSessionSchema = new EntitySchema<ConsoleSessionRow>({
  name: 'ConsoleSession',
  tableName: 'console_session',
  columns: {
    idHash: { name: 'id_hash', type: 'varchar', length: 64, primary: true },
    memberId: { name: 'member_id', type: 'int' },
    csrf: { type: 'varchar', length: 64 },
    createdAt: dateColumn('created_at'),
    expiresAt: dateColumn('expires_at'),
    endedAt: dateColumn('ended_at', true),
  },
  indices: [{ name: 'idx_console_session_member', columns: ['memberId'] }],
});

export const consoleSchemas = [ConsoleSessionSchema];
