import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 item 1: a version of what every message reads (the organisation, the bindings, the
 * settings, the dialog states: mostly none), so a process may keep it between messages and re-check it with one small read.
 * Triggers bump the row in the same transaction as any change to those tables, whatever writes it
 * (a command, the console, a tool, a hand edit): a role changed through one process is seen by
 * every other on its next message. A binding's last_seen_at alone does not count (it moves on
 * every tenth minute of use and nothing cached depends on it being exact).
 */
export const READ_VERSION_TABLES = ['member', 'member_role', 'org_unit', 'channel_binding', 'conversation_binding', 'resident_group', 'setting', 'dialog_state'] as const;

const EVENTS = [
  ['ai', 'INSERT'],
  ['au', 'UPDATE'],
  ['ad', 'DELETE'],
] as const;

const BUMP = "UPDATE read_version SET value = value + 1 WHERE name = 'org'";
/** channel_binding updates that change more than last_seen_at. */
const mysqlBindingChanged = 'NOT (OLD.member_id <=> NEW.member_id AND OLD.display_name <=> NEW.display_name AND OLD.channel <=> NEW.channel AND OLD.platform_user_id <=> NEW.platform_user_id)';
const sqliteBindingChanged = 'NOT (OLD.member_id IS NEW.member_id AND OLD.display_name IS NEW.display_name AND OLD.channel IS NEW.channel AND OLD.platform_user_id IS NEW.platform_user_id)';

export class ReadVersion1764004100000 implements MigrationInterface {
  name = 'ReadVersion1764004100000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = q.connection.options.type === 'mysql';
    await q.query(
      mysql
        ? 'CREATE TABLE read_version (name VARCHAR(32) NOT NULL PRIMARY KEY, value BIGINT NOT NULL DEFAULT 0) ENGINE=InnoDB'
        : 'CREATE TABLE read_version (name VARCHAR(32) NOT NULL PRIMARY KEY, value INTEGER NOT NULL DEFAULT 0)',
    );
    await q.query("INSERT INTO read_version (name, value) VALUES ('org', 1)");
    for (const table of READ_VERSION_TABLES) {
      for (const [suffix, event] of EVENTS) {
        const name = `trg_rv_${table}_${suffix}`;
        const binding = table === 'channel_binding' && event === 'UPDATE';
        if (mysql) {
          await q.query(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} FOR EACH ROW ${BUMP}${binding ? ` AND ${mysqlBindingChanged}` : ''}`);
        } else {
          await q.query(`CREATE TRIGGER ${name} AFTER ${event} ON ${table}${binding ? ` WHEN ${sqliteBindingChanged}` : ''} BEGIN ${BUMP}; END`);
        }
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of READ_VERSION_TABLES) for (const [suffix] of EVENTS) await q.query(`DROP TRIGGER IF EXISTS trg_rv_${table}_${suffix}`);
    await q.query('DROP TABLE read_version');
  }
}
