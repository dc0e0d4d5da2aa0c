/** The operator's scripts: `npm run migrate` and `npm run seed:demo`. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createTestDatabase, allKinds } from './support/databases';

const ROOT = path.resolve(__dirname, '..');
const run = (script: string, env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, script)], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

describe.each(allKinds())('scripts on %s', (kind) => {
  it('migrates a new database, then reports it up to date', async () => {
    const db = await createTestDatabase(kind);
    try {
      const first = run('src/adapters/db/migrate-cli.ts', { DATABASE_URL: db.url });
      expect(first.stdout).toContain('Applied: Core1764000000000');
      expect(first.status).toBe(0);
      const second = run('src/adapters/db/migrate-cli.ts', { DATABASE_URL: db.url });
      expect(second.stdout.trim()).toBe('The schema is up to date.');
    } finally {
      await db.drop();
    }
  });

  it('seeds the demo organisation once', async () => {
    const db = await createTestDatabase(kind);
    try {
      const first = run('src/adapters/db/seed-demo-cli.ts', { DATABASE_URL: db.url });
      expect(first.status).toBe(0);
      expect(first.stdout).toContain('Demo organisation created: 8 units, 14 members.');
      expect(first.stdout).toContain('wgy-yg1    冯网格员');
      const again = run('src/adapters/db/seed-demo-cli.ts', { DATABASE_URL: db.url });
      expect(again.stdout).toContain('already has an organisation');
    } finally {
      await db.drop();
    }
  });
});
