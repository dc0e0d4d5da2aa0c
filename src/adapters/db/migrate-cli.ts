/** `npm run migrate`: applies pending migrations to DATABASE_URL and lists them. */
import fs from 'node:fs';
import { loadConfig } from '../../config';
import { openDatabase } from './data-source';

async function run(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const { dataSource, applied } = await openDatabase(config.DATABASE_URL);
  await dataSource.destroy();
  process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The schema is up to date.\n');
}

run().catch((err: unknown) => {
  process.stderr.write(`migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
