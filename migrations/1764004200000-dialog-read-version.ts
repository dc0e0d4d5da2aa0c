import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 20 item 1: dialog states get a read version of their own ('dialog'). Under the one 'org'
 * version, every dialog step (a report asked step by step, a merge question) dropped the
 * organisation, bindings and settings every process holds, so with people in dialogs all day each
 * message read them all again. The dialog_state triggers now bump 'dialog' only.
 */
const EVENTS = [
  ['ai', 'INSERT'],
  ['au', 'UPDATE'],
  ['ad', 'DELETE'],
] as const;

async function retrigger(q: QueryRunner, name: 'org' | 'dialog'): Promise<void> {
  const mysql = q.connection.options.type === 'mysql';
  const bump = `UPDATE read_version SET value = value + 1 WHERE name = '${name}'`;
  for (const [suffix, event] of EVENTS) {
    const trigger = `trg_rv_dialog_state_${suffix}`;
    await q.query(`DROP TRIGGER IF EXISTS ${trigger}`);
    await q.query(mysql ? `CREATE TRIGGER ${trigger} AFTER ${event} ON dialog_state FOR EACH ROW ${bump}` : `CREATE TRIGGER ${trigger} AFTER ${event} ON dialog_state BEGIN ${bump}; END`);
  }
}

export class DialogReadVersion1764004200000 implements MigrationInterface {
  name = 'DialogReadVersion1764004200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query("INSERT INTO read_version (name, value) VALUES ('dialog', 1)");
    await retrigger(q, 'dialog');
  }

  async down(q: QueryRunner): Promise<void> {
    await retrigger(q, 'org');
    await q.query("DELETE FROM read_version WHERE name = 'dialog'");
  }
}
