import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/**
 * Sessions of the leaders' web console (/console). The one-time sign-in link itself is a file link
 * (kind `console-login`); a session is what opening it leaves behind: a hashed cookie value bound
 * to the member, its CSRF token, when it expires and when it was ended.
 */
export class Console1764002900000 implements MigrationInterface {
  name = 'Console1764002900000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'console_session',
      [
        col.str('id_hash', 64, { primary: true }),
        col.int('member_id'),
        col.str('csrf', 64),
        col.date('created_at'),
        col.date('expires_at'),
        col.date('ended_at', true),
      ],
      { indices: [{ name: 'idx_console_session_member', columnNames: ['member_id'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('console_session');
  }
}
