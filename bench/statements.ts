/**
 * Lists the SQL statements one message costs (not a test): runs the runtime in-process on a fresh
 * MariaDB database with the demo organisation and prints every statement of one `我是谁` and one
 * `上报`, from receipt to the stored reply.
 *
 *   npx tsx bench/statements.ts
 */
import { seedDemo } from '../src/adapters/db/demo';
import { startTestApp } from '../test/support/app';

async function main(): Promise<void> {
  const app = await startTestApp({ db: 'mysql' });
  try {
    await seedDemo(app.runtime.uow);
    await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '我是谁'); // warm caches
    const seen: string[] = [];
    // Every statement goes through the query runner's query() (the lean one on MariaDB).
    const runner = app.runtime.dataSource.createQueryRunner();
    const proto = Object.getPrototypeOf(runner) as { query: (query: string, ...rest: unknown[]) => Promise<unknown> };
    await runner.release();
    const original = proto.query;
    proto.query = function (this: unknown, query: string, ...rest: unknown[]) {
      seen.push(query.replace(/\s+/g, ' ').slice(0, 160));
      return original.call(this, query, ...rest);
    };
    for (const [conversation, user, text] of [
      ['dm-wgy-yg1', 'wgy-yg1', '我是谁'],
      ['grid-01001001', 'wgy-yg1', '上报 环境卫生 幸福路十二号门口垃圾堆放三天无人清运'],
      ['grid-01001001', 'wgy-yg1', '上报 环境卫生 光明街东段下水道井盖缺失行人易跌落'],
    ]) {
      seen.length = 0;
      await app.chat.ask(conversation, user, text);
      process.stdout.write(`\n## ${text}: ${seen.length} statements\n${seen.map((s, i) => `${i + 1}. ${s}`).join('\n')}\n`);
    }
    proto.query = original;
  } finally {
    await app.stop();
  }
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
  process.exit(1);
});
