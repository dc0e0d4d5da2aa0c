/** `npm run seed:demo`: applies migrations and creates the demo organisation (see demo.ts beside it). */
import fs from 'node:fs';
import { loadConfig } from '../../config';
import { seedDemo, DEMO_MEMBERS, DEMO_UNITS } from './demo';
import { openDatabase } from './data-source';
import { TypeOrmUnitOfWork } from './unit-of-work';
import { CalendarSource } from '../../bot/calendar/source';

async function run(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const { dataSource } = await openDatabase(config.DATABASE_URL);
  const uow = new TypeOrmUnitOfWork(dataSource, { now: () => new Date() }, config.DATABASE_URL, new CalendarSource(config.TIMEZONE));
  const result = await seedDemo(uow);
  await dataSource.destroy();
  if (!result.created) {
    process.stdout.write('The database already has an organisation; the demo was not added.\n');
    return;
  }
  process.stdout.write(`Demo organisation created: ${result.units} units, ${result.members} members.\n`);
  process.stdout.write('Sandbox users (pick one in the page):\n');
  for (const m of DEMO_MEMBERS) process.stdout.write(`  ${m.user.padEnd(10)} ${m.name}\n`);
  process.stdout.write('  admin      管理员\nGroups:\n');
  for (const u of DEMO_UNITS) process.stdout.write(`  ${u.group.padEnd(16)} ${u.name}\n`);
}

run().catch((err: unknown) => {
  process.stderr.write(`seed:demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
