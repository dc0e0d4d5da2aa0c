// The production build as the deployment notes run it (`npm run build && npm run start:prod`,
// NODE_ENV=production): it starts from another working directory, answers /healthz and /readyz,
// and stops cleanly on SIGTERM. Run after `npm run build`; exits non-zero on any failure.
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-prod-'));
const prefix = `gbt-prod-${process.pid}`;
// Production refuses to start without the key of residents' data (exit 2, naming PII_KEY).
const keyless = spawnSync(process.execPath, [path.join(root, 'dist/src/main.js')], {
  cwd: workDir,
  env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: '0', DATABASE_URL: `sqlite:${path.join(workDir, 'keyless.sqlite')}`, REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', QUEUE_PREFIX: prefix },
  encoding: 'utf8',
  timeout: 60_000,
});
if (keyless.status !== 2 || !`${keyless.stdout}${keyless.stderr}`.includes('PII_KEY')) {
  console.error(`== production build: started without PII_KEY (exit ${keyless.status})\n${keyless.stdout}${keyless.stderr}`);
  process.exit(1);
}
const child = spawn(process.execPath, [path.join(root, 'dist/src/main.js')], {
  cwd: workDir,
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: '0',
    DATABASE_URL: `sqlite:${path.join(workDir, 'gridbot.sqlite')}`,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: prefix,
    PII_KEY: crypto.randomBytes(32).toString('base64'),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let out = '';
child.stdout.on('data', (d) => (out += d));
child.stderr.on('data', (d) => (out += d));
const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

function fail(message) {
  console.error(`== production build: ${message}\n${out}`);
  child.kill('SIGKILL');
  process.exit(1);
}

let stopping = false;
const port = await new Promise((resolve) => {
  const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
  child.stdout.on('data', () => {
    const m = /"port":(\d+)[^\n]*"msg":"gridbot started"/.exec(out);
    if (m) {
      clearTimeout(timer);
      resolve(Number(m[1]));
    }
  });
  void exited.then((code) => stopping || fail(`exited with ${code} before starting`));
});
for (const probe of ['/healthz', '/readyz']) {
  const res = await fetch(`http://127.0.0.1:${port}${probe}`);
  if (res.status !== 200) fail(`${probe} answered ${res.status}`);
}
const sandbox = await fetch(`http://127.0.0.1:${port}/sandbox`);
if (sandbox.status !== 404) fail(`the sandbox is open in production (${sandbox.status})`);
stopping = true;
child.kill('SIGTERM');
const code = await exited;
if (code !== 0) fail(`stopped with exit code ${code}`);
fs.rmSync(workDir, { recursive: true, force: true });
// Leave nothing behind on the shared Redis: only this run's prefix is removed.
const { Redis } = createRequire(import.meta.url)('ioredis');
const redis = new Redis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = await redis.keys(`${prefix}:*`);
if (keys.length) await redis.del(...keys);
await redis.quit();
console.log(`== production build on node ${process.version}: started, /healthz and /readyz 200, stopped cleanly`);
