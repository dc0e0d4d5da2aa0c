/**
 * Benchmark (not a test): the production build's memory over a long run of messages. Writes
 * bench/results/memory.md with the RSS curve.
 *
 *   npm run build && npm run bench:memory        (MESSAGES=1000000 MAX_MINUTES=25 SAMPLE_EVERY=10000 IN_FLIGHT=32
 *                                                 AHEAD=1000 RESULT_FILE=bench/results/memory.md)
 *
 * - The bot: `node dist/src/main.js` (what `npm run start:prod` runs) on a fresh MariaDB database
 *   with the demo organisation, the sandbox channel unlimited.
 * - The message: `我是谁` in a 1:1 chat — the cheapest message that takes the whole path (HTTP
 *   receipt, inbound queue, one transaction with the handled-message record and the outbox row,
 *   the sender, the sandbox store), posted by IN_FLIGHT connections at the bot's own pace: at most
 *   AHEAD messages posted and not yet answered (the bot's sent counter, read every 500 ms), so the
 *   workers always have work waiting and the receiver is never past its backlog bound (a 429,
 *   should one come, is retried after its Retry-After). The run goes at the bot's maximum rate
 *   without spending it on refusals.
 * - RSS (/proc/<pid>/status) is sampled every SAMPLE_EVERY handled messages (the bot's own
 *   `gridbot_messages_handled_total`); the run stops at MESSAGES or after MAX_MINUTES, whichever
 *   comes first, then waits until every accepted message is answered. The result file is rewritten
 *   at every sample, so a run cut short still leaves its curve.
 * - The floor is the goal: idle RSS ≤ 150 MB, and no growth — the last samples no higher than the
 *   samples after warm-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { openDatabase } from '../src/adapters/db/data-source';
import { CalendarSource } from '../src/bot/calendar/source';
import { TypeOrmUnitOfWork } from '../src/adapters/db/unit-of-work';
import { loadConfig } from '../src/config';
import { seedDemo } from '../src/adapters/db/demo';
import { createTestDatabase, mysqlAvailable } from '../test/support/databases';

const ROOT = path.resolve(__dirname, '..');
const MESSAGES = Number(process.env.MESSAGES ?? 1_000_000);
const MAX_MINUTES = Number(process.env.MAX_MINUTES ?? 25);
const SAMPLE_EVERY = Number(process.env.SAMPLE_EVERY ?? 10_000);
const IN_FLIGHT = Number(process.env.IN_FLIGHT ?? 32);
const AHEAD = Number(process.env.AHEAD ?? 1000);
/** Where the results go (relative to the repository). */
const RESULT_FILE = process.env.RESULT_FILE ?? 'bench/results/memory.md';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const IDLE_GOAL_MB = 150;
const MEMBERS = ['wgy-yg1', 'wgy-yg2', 'wgy-hp1', 'wgy-hp2', 'wz-yg1', 'wz-yg2', 'sj-yg', 'zhen'];

const rssMb = (pid: number) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startBot(env: Record<string, string>): Promise<{ child: ChildProcess; url: string; output(): string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited:\n${out}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok).catch(() => false)) break;
    if (Date.now() > deadline) throw new Error(`bot did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, url, output: () => out };
}

/** Answers the bot has sent so far (its Prometheus counter `gridbot_messages_out_total`, status sent). */
let lastSent = 0;
async function sentSoFar(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => null);
  if (text === null) return lastSent;
  let n = 0;
  for (const line of text.split('\n')) if (line.startsWith('gridbot_messages_out_total{') && line.includes('status="sent"')) n += Number(line.split(' ').pop());
  lastSent = n;
  return n;
}

/** Messages the bot has handled so far (its Prometheus counter, all outcomes); the heap gauge read in the same scrape. */
let lastHandled = 0;
let lastHeapMb = 0;
async function handledSoFar(url: string): Promise<number> {
  // A scrape refused under load (a reset connection) keeps the last count.
  const text = await fetch(`${url}/metrics`)
    .then((r) => r.text())
    .catch(() => null);
  if (text === null) return lastHandled;
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('gridbot_messages_handled_total{')) n += Number(line.split(' ').pop());
    if (line.startsWith('gridbot_heap_used_bytes ')) lastHeapMb = Number(line.split(' ').pop()) / 1024 / 1024;
  }
  lastHandled = n;
  return n;
}

interface Sample {
  handled: number;
  minutes: number;
  rss: number;
  /** The bot's V8 heap in use (MB) at the sample, from its gauge `gridbot_heap_used_bytes`. */
  heap: number;
}

async function main(): Promise<void> {
  if (!mysqlAvailable()) throw new Error('MariaDB is not reachable at 127.0.0.1:3306');
  if (!fs.existsSync(path.join(ROOT, 'dist/src/main.js'))) throw new Error('run `npm run build` first');
  const load0 = os.loadavg();
  const prefix = `gbm${crypto.randomBytes(4).toString('hex')}`;
  const db = await createTestDatabase('mysql');
  const redis = new Redis(REDIS_URL);
  let bot: Awaited<ReturnType<typeof startBot>> | null = null;
  try {
    const { dataSource } = await openDatabase(db.url);
    await seedDemo(new TypeOrmUnitOfWork(dataSource, { now: () => new Date() }, db.url, new CalendarSource(loadConfig({}).TIMEZONE)));
    await dataSource.destroy();
    const port = await freePort();
    bot = await startBot({ PORT: String(port), DATABASE_URL: db.url, REDIS_URL, QUEUE_PREFIX: prefix, SANDBOX_ENABLED: 'true', SANDBOX_SEND_RATE: '0', PII_KEY: crypto.randomBytes(32).toString('base64') });
    const pid = bot.child.pid!;
    await new Promise((r) => setTimeout(r, 5000));
    const idle = rssMb(pid);
    await handledSoFar(bot.url);
    const samples: Sample[] = [{ handled: 0, minutes: 0, rss: idle, heap: lastHeapMb }];
    const t0 = Date.now();
    const stopAt = t0 + MAX_MINUTES * 60_000;
    let posted = 0;
    let refused = 0;
    let stop = false;
    let handled = 0;
    let answered = 0;
    const run = crypto.randomBytes(3).toString('hex');
    const poster = async () => {
      while (!stop && posted < MESSAGES) {
        // The bot's pace: no more than AHEAD posted and not yet answered (the whole path, sender included).
        if (posted - answered >= AHEAD) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const i = posted++;
        const user = MEMBERS[i % MEMBERS.length];
        const body = JSON.stringify({ conversation: `dm-${user}`, user, text: '我是谁', id: `m${run}-${i}` });
        for (;;) {
          const res = await fetch(`${bot!.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => null);
          if (res?.status === 202) break;
          refused++;
          await new Promise((r) => setTimeout(r, Number(res?.headers.get('retry-after') ?? 1) * 1000));
        }
      }
    };
    const posters = Promise.all(Array.from({ length: IN_FLIGHT }, poster));
    let next = SAMPLE_EVERY;
    let drainDeadline = Infinity;
    const report = (final: boolean) => write({ idle, samples, accepted: posted, handled, answered, refused, seconds: (Date.now() - t0) / 1000, load0, load1: os.loadavg(), final });
    // Samples while posting and while the backlog drains; everything accepted is handled in the end
    // (the drain may take up to five minutes).
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      if (bot.child.exitCode !== null) throw new Error(`bot died:\n${bot.output()}`);
      handled = await handledSoFar(bot.url);
      answered = await sentSoFar(bot.url);
      if (handled >= next) {
        samples.push({ handled, minutes: (Date.now() - t0) / 60_000, rss: rssMb(pid), heap: lastHeapMb });
        process.stdout.write(`${handled} handled, ${samples[samples.length - 1].rss.toFixed(0)} MB (heap ${lastHeapMb.toFixed(0)} MB), ${(handled / ((Date.now() - t0) / 1000)).toFixed(0)}/s\n`);
        while (next <= handled) next += SAMPLE_EVERY;
        report(false);
      }
      if (!stop && (Date.now() > stopAt || posted >= MESSAGES)) {
        stop = true;
        drainDeadline = Date.now() + 5 * 60_000;
      }
      if (stop && ((handled >= posted && answered >= posted) || Date.now() > drainDeadline)) break;
    }
    await posters;
    const seconds = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 5000));
    await handledSoFar(bot.url);
    samples.push({ handled, minutes: (Date.now() - t0) / 60_000, rss: rssMb(pid), heap: lastHeapMb });
    write({ idle, samples, accepted: posted, handled, answered, refused, seconds, load0, load1: os.loadavg(), final: true });
  } finally {
    if (bot && bot.child.exitCode === null) {
      const gone = new Promise((r) => bot!.child.once('exit', r));
      bot.child.kill('SIGTERM');
      await gone;
    }
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [nextCursor, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = nextCursor;
      keys.push(...found);
    } while (cursor !== '0');
    for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    redis.disconnect();
    await db.drop();
  }
}

function write(r: { idle: number; samples: Sample[]; accepted: number; handled: number; answered: number; refused: number; seconds: number; load0: number[]; load1: number[]; final: boolean }): void {
  const fmt = (x: number, d = 0) => x.toFixed(d);
  const commit = (() => {
    try {
      return require('node:child_process').execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const during = r.final ? r.samples.slice(1, -1) : r.samples.slice(1);
  // Warm-up: the first fifth of the samples (caches, JIT, connection pools, BullMQ's kept jobs).
  const warm = during.slice(0, Math.max(1, Math.floor(during.length / 5)));
  const tail = during.slice(-Math.max(1, Math.floor(during.length / 5)));
  const avg = (xs: Sample[], of: (s: Sample) => number = (s) => s.rss) => xs.reduce((a, s) => a + of(s), 0) / Math.max(1, xs.length);
  const peak = Math.max(...r.samples.map((s) => s.rss));
  const width = 50;
  const bar = (mb: number) => '#'.repeat(Math.max(1, Math.round((mb / Math.max(peak, 1)) * width)));
  const reached = r.handled >= 1_000_000;
  const text = `# Memory over a long run (production build)

Run ${new Date().toISOString()} at commit ${commit} with \`npm run build && MESSAGES=${MESSAGES} MAX_MINUTES=${MAX_MINUTES} SAMPLE_EVERY=${SAMPLE_EVERY} IN_FLIGHT=${IN_FLIGHT} AHEAD=${AHEAD} npm run bench:memory\`
(bench/memory.ts)${r.final ? '' : ' — **still running when this was written** (the file is rewritten at every sample)'}. \`我是谁\` in 1:1 chats through the whole path (HTTP receipt, inbound queue,
transaction with handled record and outbox row, sender, sandbox store), ${IN_FLIGHT} requests in flight and at most ${AHEAD} posted ahead of the handled,
\`node dist/src/main.js\` on MariaDB with the sandbox unlimited. Machine: ${os.cpus().length} cores shared,
load average ${r.load0.map((x) => fmt(x, 1)).join(' / ')} at start, ${r.load1.map((x) => fmt(x, 1)).join(' / ')} at end.

| figure | measured | floor (goal) |
|---|---|---|
| idle RSS, 5 s after start | ${fmt(r.idle)} MB | ≤ ${IDLE_GOAL_MB} MB |
| messages handled in this run | ${r.handled.toLocaleString('en')} in ${fmt(r.seconds / 60, 1)} min (${fmt(r.handled / r.seconds)}/s) | 1,000,000 |
| RSS, mean of the first fifth of the samples → of the last fifth | ${fmt(avg(warm))} MB → ${fmt(avg(tail))} MB | no growth |
| V8 heap in use, mean of the first fifth → of the last fifth | ${fmt(avg(warm, (s) => s.heap))} MB → ${fmt(avg(tail, (s) => s.heap))} MB | no growth |
| RSS peak | ${fmt(peak)} MB | — |
| accepted / handled / answers sent / 429 answers retried | ${r.accepted} / ${r.handled} / ${r.answered} / ${r.refused} | accepted = handled = answered |

${reached ? '' : `**1,000,000 messages were not reached in this run** (${r.handled.toLocaleString('en')} handled): the machine handles the whole path at the rate above, so a million takes ${fmt(1_000_000 / (r.handled / r.seconds) / 60)} minutes. The full run: \`npm run build && MESSAGES=1000000 MAX_MINUTES=120 SAMPLE_EVERY=10000 npm run bench:memory\`.\n`}
## RSS every ${SAMPLE_EVERY.toLocaleString('en')} messages

| handled | minutes | RSS MB | heap MB | |
|---|---|---|---|---|
${r.samples.map((s, i) => `| ${i === 0 ? 'idle' : r.final && i === r.samples.length - 1 ? `${s.handled} (drained)` : s.handled} | ${fmt(s.minutes, 1)} | ${fmt(s.rss)} | ${fmt(s.heap)} | \`${bar(s.rss)}\` |`).join('\n')}
`;
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, RESULT_FILE), text);
  if (r.final) process.stdout.write(text);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
