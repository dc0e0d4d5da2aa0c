/** Secrets never reach the logs, wherever they sit in the logged object. */
import { Writable } from 'node:stream';
import { createLogger } from './log';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('log redaction', () => {
  it('masks tokens, secrets and session webhooks at the top level and one level down', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.info({ token: 'tok-123', app: { secret: 's3cr3t', aesKey: 'k'.repeat(43) }, sessionWebhook: 'https://oapi/robot/send?session=abc' }, 'sending');
    const line = lines.join('');
    expect(line).toContain('"msg":"sending"');
    for (const secret of ['tok-123', 's3cr3t', 'k'.repeat(43), 'session=abc']) expect(line).not.toContain(secret);
    expect(line.match(/\*\*\*/g)).toHaveLength(4);
  });
});
