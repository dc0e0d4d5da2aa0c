/** Helpers for the register stories: valid ID numbers, a register with one household, byte scans. */
import fs from 'node:fs';
import path from 'node:path';
import type { TestApp } from '../support/app';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid 公民身份号码 for a birth date and a sequence number (test data, not a real person). */
export function idNumber(birth: string, seq: number, area = '330102'): string {
  const body = `${area}${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

/** Every byte the SQLite database keeps on disk (the file and its write-ahead log). */
export function sqliteBytes(app: TestApp): Buffer {
  const file = app.database.url.slice('sqlite:'.length);
  const dir = path.dirname(file);
  return Buffer.concat(fs.readdirSync(dir).filter((f) => f.startsWith(path.basename(file))).map((f) => fs.readFileSync(path.join(dir, f))));
}

/** Every value of every table, as text (MariaDB, or SQLite through SQL). */
export async function tableText(app: TestApp): Promise<string> {
  const ds = app.runtime.dataSource;
  const tables: string[] =
    app.database.kind === 'sqlite'
      ? ((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[]).map((r) => r.name)
      : ((await ds.query('SHOW TABLES')) as Record<string, string>[]).map((r) => Object.values(r)[0]);
  const parts: string[] = [];
  for (const table of tables) parts.push(JSON.stringify(await ds.query(`SELECT * FROM ${app.database.kind === 'sqlite' ? `"${table}"` : `\`${table}\``}`)));
  return parts.join('\n');
}
