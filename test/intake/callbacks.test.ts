/**
 * Status callbacks survive the client's endpoint being down: real BullMQ on the shared Redis (own
 * prefix), a real HTTP endpoint that refuses connections, then answers 503, then 200; every
 * attempt is reported, the body arrives signed, and a replayed change is one callback.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRedisConnections, INTAKE_CALLBACKS_QUEUE, QueueRegistry } from '../../src/jobs/queues';
import { enqueueCallback, startCallbackWorker, type CallbackAttempt, type CallbackJob } from '../../src/jobs/intake-callbacks';
import { sign, verifySignature } from '../../src/adapters/http/intake-signature';
import { freePort } from '../support/private-redis';

const SECRET = 'client-signing-secret';

function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (check() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(tick, 20));
    tick();
  });
}

describe('intake status callbacks', () => {
  const connections = createRedisConnections({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: `test-intake-cb-${crypto.randomUUID()}` });
  const queues = new QueueRegistry(connections);
  let server: http.Server | null = null;

  beforeAll(() => connections.ready());

  afterAll(async () => {
    await queues.get(INTAKE_CALLBACKS_QUEUE).obliterate({ force: true });
    await queues.get(INTAKE_CALLBACKS_QUEUE).close();
    await connections.closeAll();
    server?.close();
  });

  it('retries with backoff through an outage and delivers each change once, signed', async () => {
    const port = await freePort(); // nothing listens yet: the endpoint is down
    const received: { body: string; valid: boolean }[] = [];
    let answer503 = 1;
    const attempts: CallbackAttempt[] = [];
    const post = async (job: CallbackJob) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const res = await fetch(`http://127.0.0.1:${port}/callback`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-gridbot-timestamp': timestamp, 'x-gridbot-signature': sign(SECRET, timestamp, job.body) }, body: job.body });
      return res.status;
    };
    const worker = startCallbackWorker(connections, { post, recordAttempt: async (_job, a) => void attempts.push(a) }, 0.005);
    const queue = queues.get(INTAKE_CALLBACKS_QUEUE);
    const job: CallbackJob = { clientId: 7, externalId: 'H-42', seq: 1, status: 'accepted', url: 'unused', body: JSON.stringify({ external_id: 'H-42', seq: 1, status: 'accepted' }) };
    await enqueueCallback(queue, job);
    await enqueueCallback(queue, job); // the same change replayed

    await waitFor(() => attempts.length >= 2);
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (answer503-- > 0) {
          res.writeHead(503).end();
          return;
        }
        const check = verifySignature(SECRET, { timestamp: req.headers['x-gridbot-timestamp'] as string, signature: req.headers['x-gridbot-signature'] as string }, body, new Date());
        received.push({ body, valid: check.ok });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    expect((server.address() as AddressInfo).port).toBe(port);

    await waitFor(() => received.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([{ body: job.body, valid: true }]);
    expect(attempts.slice(0, 2).every((a) => !a.ok && a.outcome === 'ECONNREFUSED' && a.willRetry)).toBe(true);
    expect(attempts.find((a) => a.outcome === '503')).toMatchObject({ ok: false, willRetry: true });
    expect(attempts[attempts.length - 1]).toMatchObject({ ok: true, outcome: '204', willRetry: false });
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
    await worker.close();
  }, 30_000);
});
