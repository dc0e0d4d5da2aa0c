/**
 * 10,000 generated messages through the sandbox HTTP API: commands with garbage arguments (words
 * that are Object.prototype's keys among them), huge and control-character texts, JSON of wrong
 * shapes, bodies whose encoding lies. Afterwards the process is alive, nothing answered 5xx, every
 * message a bound member sent was answered, and no answer shows "undefined", "[object Object]",
 * "NaN", a stack trace or English exception text. Deterministic: the generator is seeded.
 */
import zlib from 'node:zlib';
import { In } from 'typeorm';
import { seedDemo } from '../src/adapters/db/demo';
import { OutboxSchema, ProcessedKeySchema } from '../src/adapters/db/schemas/core';
import { inboundKey } from '../src/jobs/inbound-queue';
import { startTestApp, eventually, outboxPayloadText, type TestApp } from './support/app';

const MESSAGES = 10_000;
const IN_FLIGHT = 16;
const SEED = 20261130;

/** mulberry32: small, seeded, good enough to pick test cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MEMBERS = ['admin', 'xian', 'zhen', 'sj-yg', 'wz-yg1', 'wgy-yg1', 'wgy-hp1'];
const GROUPS = ['grid-01001001', 'grid-01002001', 'community-01001'];
/** Garbage words; none of them is a forbidden word itself, so an echo cannot pass for a defect. */
const GARBAGE = [
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf',
  '-1', '0', '1e309', '99999999999999999999', '3.5', '0x1F', '٣', '１２', 'SJ20261122-0007', 'T20261122-0007', 'SJ99999999-9999', 'P0', 'L-1', '#1', '#0',
  '01001001', '01001', '01', 'ZZZ', '今天', '明天17:00', '31号', '2月30日', '25:61', '3个工作日', '-3个工作日', '满意', '不满意', '通过', '不通过', '紧急', '无变化',
  '网格员', '网格长', '镇中心', '(镇中心)', '县中心', '管理员', '王小明', '@wgy-yg1', '冯网格员', '13812345678', '{}', '[]', '{"a":1}', '<script>', "'; drop table member;--",
  '\u0000', '\u0007', '\u001b[31m', '\u200b', '\u3000', '\ufeff', '\ud800', '🙂', '👨‍👩‍👧', '|', '｜', '\\', '%s', '%d', '${x}', '{name}', '\t', '\r\n',
];

type Case = { kind: 'member'; conversation: string; user: string; text: string } | { kind: 'stranger'; conversation: string; user: string; text: string } | { kind: 'raw'; body: Buffer; headers: Record<string, string>; path: string };

function generator(commandWords: string[]) {
  const rnd = random(SEED);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const garbage = (n: number) => Array.from({ length: n }, () => pick(GARBAGE)).join(pick([' ', '  ', '\u3000', '', '\n']));
  const text = (): string => {
    const r = rnd();
    if (r < 0.55) return `${pick(commandWords)} ${garbage(Math.floor(rnd() * 5))}`;
    if (r < 0.65) return pick(commandWords);
    if (r < 0.72) return garbage(1 + Math.floor(rnd() * 6));
    if (r < 0.76) return pick(['上报 ', '报送 ', '巡查 ', '']) + '字'.repeat(1000 + Math.floor(rnd() * 3000));
    if (r < 0.8) return Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(rnd() * 32))).join('');
    if (r < 0.84) return pick([' ', '\u3000', '\u200b', '\t\n', '\u3000\u3000', '\ufeff']);
    if (r < 0.88) return `${pick(commandWords)}${pick(GARBAGE)}`;
    return `${pick(commandWords)} ${pick(commandWords)} ${garbage(2)}`;
  };
  const raw = (): Case => {
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const shapes: (() => Case)[] = [
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': 'application/json' }, body: json(pick([null, 1, 'x', [], [1], { text: 1 }, { conversation: [], user: {}, text: 'x' }, { conversation: 'dm-admin', user: 'admin', text: null }, { conversation: 'dm-admin', user: 'admin', text: 'x', attachments: 'x' }, { conversation: 'dm-admin', user: 'admin', text: 'x', attachments: [{ kind: 'location', latitude: 999 }] }, { conversation: ' ', user: 'admin', text: 'x' }, { __proto__: { text: 'x' } }])) }),
      () => ({ kind: 'raw', path: '/sandbox/api/actions', headers: { 'content-type': 'application/json' }, body: json(pick([{}, { conversation: 'dm-admin', user: 'admin', messageId: pick(GARBAGE), action: pick(GARBAGE) }, { conversation: 'x', user: 'y', messageId: '1', action: '' }])) }),
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': 'application/json', 'content-encoding': pick(['gzip', 'deflate', 'br']) }, body: json({ conversation: 'dm-admin', user: 'admin', text: 'x' }) }),
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: zlib.gzipSync('{"conversation":') }),
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': 'application/json', 'content-encoding': pick(['x-unknown', 'gzip, br', 'identity']) }, body: json({ conversation: 'dm-x', user: 'x', text: 'x' }) }),
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': pick(['application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) }, body: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0xc3, 0x28]) }),
      () => ({ kind: 'raw', path: '/sandbox/api/messages', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"conversation":"dm-admin","user":"admin","text":"' + 'x'.repeat(70_000) + '"}') }),
      () => ({ kind: 'raw', path: pick(['/sandbox/api/messages?conversation=%E0%A4%A', '/sandbox/api/messages?conversation[]=x', '/sandbox/api/messages?conversation=dm-admin&after=__proto__', '/wecom/bot/callback?msg_signature=x', '/nowhere/%ff']), headers: {}, body: Buffer.alloc(0) }),
    ];
    return pick(shapes)();
  };
  return (): Case => {
    const r = rnd();
    // Half of the cases never reach the bot (wrong shapes, lying encodings): cheap, and they keep
    // the run modest; the other half are texts the bot must answer.
    if (r < 0.5) return raw();
    if (r < 0.55) return { kind: 'stranger', conversation: pick(['dm-stranger', ...GROUPS]), user: 'stranger', text: text() };
    const user = pick(MEMBERS);
    return { kind: 'member', conversation: rnd() < 0.6 ? `dm-${user}` : pick(GROUPS), user, text: text() };
  };
}

/** Words no answer may contain: internals leaking to a user. */
const FORBIDDEN = [/undefined/, /\[object Object\]/, /\bNaN\b/, /\n\s+at .+:\d+:\d+/, /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|Error:)/, /Cannot read propert/, /is not a function/, /ER_[A-Z_]+|SQLITE_/, /\bfunction\s*\w*\s*\(/, /\[native code\]/];

describe('10,000 generated messages', () => {
  let app: TestApp;
  beforeAll(async () => {
    // The flood looks for crashes and leaks, not backpressure (test/overload.test.ts): no backlog bound.
    app = await startTestApp({ env: { JOB_LOCK_MS: '60000', INBOUND_BACKLOG_LIMIT: '0' } });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  it('keep the process alive, answer no 5xx, answer every bound member, and leak no internals', async () => {
    const next = generator(app.runtime.bot.commands.all.flatMap((c) => [c.name, ...c.aliases]));
    const statuses = new Map<number, number>();
    const fromMembers: string[] = [];
    const serverErrors: string[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < MESSAGES) {
        sent++;
        const c = next();
        const res =
          c.kind === 'raw'
            ? await fetch(app.url + c.path, { method: c.path.includes('?') || c.path.startsWith('/nowhere') ? 'GET' : 'POST', headers: c.headers, ...(c.body.length ? { body: new Uint8Array(c.body) } : {}) })
            : await fetch(`${app.url}/sandbox/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ conversation: c.conversation, user: c.user, text: c.text }) });
        const body = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 500) serverErrors.push(`${res.status} ${c.kind === 'raw' ? c.path : JSON.stringify(c.text).slice(0, 80)}: ${body.slice(0, 120)}`);
        if (c.kind === 'member' && res.status === 202) fromMembers.push((JSON.parse(body) as { id: string }).id);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(serverErrors).toEqual([]);
    expect(fromMembers.length).toBeGreaterThan(MESSAGES * 0.35);

    // Every message of a bound member handled and answered, every answer delivered.
    const ds = app.runtime.dataSource;
    const keys = fromMembers.map((id) => inboundKey('sandbox', id));
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1000));
      let handled = 0;
      for (let i = 0; i < keys.length; i += 500) handled += await ds.getRepository(ProcessedKeySchema).count({ where: { key: In(keys.slice(i, i + 500)) } });
      return handled === keys.length;
    }, `${keys.length} messages to be handled`, 400_000);
    // The sandbox takes 50 messages a second, like a platform's rate limit: give the replies time.
    await eventually(async () => {
      await new Promise((r) => setTimeout(r, 1000));
      return (await ds.getRepository(OutboxSchema).count({ where: { kind: 'message', status: 'pending' } })) === 0;
    }, 'every answer to be delivered', 400_000);
    const unanswered: string[] = [];
    const answers: string[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      const rows = await ds.getRepository(OutboxSchema).find({ where: { sourceKey: In(slice), kind: 'message' } });
      const answered = new Set(rows.map((r) => r.sourceKey));
      unanswered.push(...slice.filter((k) => !answered.has(k)));
      for (const r of rows) {
        expect({ id: r.id, status: r.status }).toEqual({ id: r.id, status: 'sent' });
        answers.push(JSON.stringify((JSON.parse(outboxPayloadText(r.payload)) as { message: unknown }).message));
      }
    }
    expect(unanswered.slice(0, 10)).toEqual([]);
    const leaks = answers.flatMap((a) => FORBIDDEN.filter((re) => re.test(a)).map((re) => `${re}: ${a.slice(0, 200)}`));
    expect(leaks.slice(0, 10)).toEqual([]);

    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await app.chat.ask('dm-admin', 'admin', '我是谁')).toContain('系统管理员');
  }, 900_000);
});
