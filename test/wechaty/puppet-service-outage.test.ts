/**
 * WeChat through a self-hosted puppet service that goes away: the real wechaty-puppet-service
 * server around wechaty-puppet-mock runs in its own process (puppet-service-host.ts) and gridbot
 * connects to it exactly as a deployer configures it (WECHATY_PUPPET_SERVICE_ENDPOINT, an
 * `insecure_` token, TLS on). The service is killed for 5 s and for a long outage; each time gridbot
 * notices at once, says so in /readyz and /metrics, holds what it wants to send, is logged in again
 * within seconds of the service's return and then delivers every held message once. A service that
 * hangs (SIGSTOP: connection open, nothing answered) is found by the liveness ding.
 *
 * The long outage is 20 s, not 3 minutes: the timers that decide it are injected shorter and the
 * outage is longer than each of them several times over (reconnect backoff capped at 2 s: ~10
 * failed attempts at the cap; liveness timeout 4 s; Wechaty's own puppet watchdog 6 s — the timer
 * whose failed reset used to leave the bot logged out for good).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { log as wechatyLog } from 'wechaty';
import { eventually, outboxPayloadText, startTestApp, type TestApp } from '../support/app';
import { createWechatyChannel, type WechatyChannel } from '../../src/adapters/wechaty';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { scanGroupDelivery } from '../support/group-deliveries';

wechatyLog.level('silent');
jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const TOKEN = 'insecure_gridbot-outage-test';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'gridbot-wechaty-'));

interface HostIds {
  bot: string;
  gridworker: string;
  room: string;
}
type HostMessage = { type: 'ready'; ids: HostIds } | { type: 'said'; conversation: string; text: string };

/** The puppet service as its own process, started again on the same port after a kill. */
class PuppetServiceHost {
  readonly said: { conversation: string; text: string }[] = [];
  ids!: HostIds;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, ['--import', TSX, path.join(__dirname, 'puppet-service-host.ts')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: home, NODE_COMPILE_CACHE: path.join(os.tmpdir(), 'gridbot-test-compile-cache'), PORT: String(this.port), TOKEN },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let errors = '';
    child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      // A first start compiles the host with tsx: allow for a cold, loaded machine.
      const timer = setTimeout(() => reject(new Error(`puppet service did not start:\n${errors}`)), 90_000);
      child.on('message', (m: HostMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          this.ids = m.ids;
          resolve();
        } else {
          // What the bot account said in the host's room is a group delivery: the privacy guard scans it.
          if (/@/.test(m.conversation)) scanGroupDelivery(`wechaty puppet-service room ${m.conversation}`, m.text);
          this.said.push({ conversation: m.conversation, text: m.text });
        }
      });
      child.once('exit', (code) => reject(new Error(`puppet service exited with ${code}:\n${errors}`)));
    });
  }

  /** The gridworker @-mentions the bot in the grid's room. */
  say(text: string): void {
    this.child?.send({ type: 'say', text: `@网格助手 ${text}` });
  }

  /** The service hangs: its connections stay open, nothing is answered (SIGSTOP / SIGCONT). */
  freeze(frozen: boolean): void {
    this.child?.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
  }

  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface Readiness {
  status: string;
  channels: Record<string, { connected: boolean; since: string; queued: number }>;
}

let host: PuppetServiceHost;
let app: TestApp;
let channel: WechatyChannel | undefined;

beforeAll(async () => {
  host = new PuppetServiceHost(await freePort());
  await host.start();
  app = await startTestApp({
    env: {
      WECHATY_PUPPET: 'wechaty-puppet-service',
      WECHATY_PUPPET_SERVICE_TOKEN: TOKEN,
      WECHATY_PUPPET_SERVICE_ENDPOINT: `127.0.0.1:${host.port}`,
    },
    channelFactories: {
      wechaty: (deps) =>
        (channel = createWechatyChannel({
          ...deps,
          sessionName: path.join(home, 'wechaty'),
          reconnect: { baseMs: 200, maxMs: 2_000 },
          liveness: { intervalMs: 1_000, timeoutMs: 4_000, startTimeoutMs: 10_000 },
          puppetWatchdogSeconds: 6,
        })),
    },
  });
  await channel!.whenLoggedIn();
});

afterAll(async () => {
  await app?.stop();
  await host?.kill();
  fs.rmSync(home, { recursive: true, force: true });
});

async function readiness(): Promise<Readiness> {
  const res = await fetch(`${app.url}/readyz`);
  expect(res.status).toBe(200);
  return (await res.json()) as Readiness;
}

async function metric(line: RegExp): Promise<number | undefined> {
  const text = await (await fetch(`${app.url}/metrics`)).text();
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

/** What the bot wants to tell the grid's room, through the real outbox. */
async function notifyRoom(texts: string[]): Promise<void> {
  for (const text of texts) {
    const result = await app.runtime.uow.runOnce(`test:${crypto.randomUUID()}`, async (tx) => {
      tx.effects.send({ channel: 'wechaty', target: { kind: 'conversation', id: host.ids.room }, message: { text } });
    });
    expect(result.ran).toBe(true);
  }
}

async function outboxRows(texts: string[]): Promise<{ status: string }[]> {
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'message' } });
  return rows.filter((r) => texts.some((t) => outboxPayloadText((r as { payload: string }).payload).includes(t))) as { status: string }[];
}

it.each([
  ['a short restart (5 s)', 5_000],
  ['a long outage (20 s, longer than every reconnect timer)', 20_000],
])('after %s the bot is back within seconds and delivers what waited, once each', async (_name, outageMs) => {
  const before = await readiness();
  expect(before).toMatchObject({ status: 'ready', channels: { wechaty: { connected: true } } });
  expect(await metric(/^gridbot_channel_connected\{channel="wechaty"\}/)).toBe(1);

  const killedAt = Date.now();
  await host.kill();
  // The drop is noticed from the gRPC stream at once, not by a watchdog a minute later.
  const down = await eventually(async () => {
    const r = await readiness();
    return r.channels.wechaty?.connected === false ? r : null;
  }, 'readyz to report WeChat as disconnected', 3_000);
  expect(down.status).toBe('degraded');
  expect(Date.parse(down.channels.wechaty.since)).toBeGreaterThanOrEqual(killedAt - 50);
  expect(await metric(/^gridbot_channel_connected\{channel="wechaty"\}/)).toBe(0);

  const texts = [1, 2, 3, 4].map((i) => `停水通知 第${i}条 ${crypto.randomBytes(3).toString('hex')}`);
  await notifyRoom(texts);
  // Held, visibly: the messages wait in WeChat's outbox instead of failing.
  await eventually(async () => ((await readiness()).channels.wechaty.queued >= texts.length ? true : null), 'the held messages in readyz');
  const waiting = await metric(/^gridbot_queue_depth\{queue="outbox-wechaty",state="wait"\}/);
  expect(waiting).toBeGreaterThanOrEqual(1);

  await new Promise((r) => setTimeout(r, Math.max(0, outageMs - (Date.now() - killedAt))));
  expect((await readiness()).channels.wechaty.connected).toBe(false);
  expect((await outboxRows(texts)).map((r) => r.status)).toEqual(texts.map(() => 'pending'));

  await host.start();
  const backAt = Date.now();
  await eventually(async () => (await readiness()).channels.wechaty.connected || null, 'the relogin', 15_000);
  const reloginMs = Date.now() - backAt;
  expect(reloginMs).toBeLessThan(6_000); // at most one capped backoff (2 s) plus a start

  await eventually(async () => (texts.every((t) => host.said.some((s) => s.text === t)) ? true : null), 'the held messages in the room', 20_000);
  await app.chat.outboxDrained();
  for (const text of texts) {
    expect(host.said.filter((s) => s.text === text)).toEqual([{ conversation: host.ids.room, text }]);
  }
  expect((await outboxRows(texts)).map((r) => r.status)).toEqual(texts.map(() => 'sent'));
  expect(await metric(/^gridbot_messages_out_total\{channel="wechaty",status="failed"\}/)).toBeUndefined();
  expect(await readiness()).toMatchObject({ status: 'ready', channels: { wechaty: { connected: true, queued: 0 } } });

  // And it hears again: a gridworker's @-message in the room is answered there.
  const saidBefore = host.said.length;
  host.say('帮助');
  await eventually(async () => (host.said.slice(saidBefore).some((s) => s.conversation === host.ids.room) ? true : null), 'an answer in the room');
});

it('restarts a connection that stays open but answers nothing, once the service answers again', async () => {
  expect((await readiness()).channels.wechaty.connected).toBe(true);
  await new Promise((r) => setTimeout(r, 2_500)); // quiet long enough for a ding to be answered
  const frozenAt = Date.now();
  host.freeze(true);
  try {
    // No stream error here: only the liveness ding (every 1 s when quiet, 4 s timeout) can tell.
    await eventually(async () => ((await readiness()).channels.wechaty.connected === false ? true : null), 'the silent service to be noticed', 10_000);
    // Not before the 4 s timeout counted from the last answer heard: dings go every 1 s when quiet,
    // checked every 333 ms, so that answer came at most about 1.33 s before the freeze.
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(2_500);
  } finally {
    host.freeze(false);
  }
  await eventually(async () => (await readiness()).channels.wechaty.connected || null, 'the relogin after the service answers again', 30_000);
  const texts = [`停电通知 ${crypto.randomBytes(3).toString('hex')}`];
  await notifyRoom(texts);
  await eventually(async () => (host.said.some((s) => s.text === texts[0]) ? true : null), 'a message after the relogin');
});

it('keeps the puppet service client cache where the documentation says ($HOME/.wechaty)', () => {
  expect(fs.readdirSync(path.join(os.homedir(), '.wechaty', 'wechaty-puppet-service', TOKEN))).not.toHaveLength(0);
});
