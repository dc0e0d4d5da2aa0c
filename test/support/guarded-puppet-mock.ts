/**
 * wechaty-puppet-mock as every test gets it (jest.config.js moduleNameMapper): the real module,
 * with what the bot account says into a room scanned by the group-privacy guard. Whether the bot
 * runs on the mock directly or through the puppet-service host, `room.say` ends here.
 */
import path from 'node:path';
import { scanGroupDelivery } from './group-deliveries';

// The real module by its file, which the moduleNameMapper pattern does not match.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const real = require(path.join(__dirname, '../../node_modules/wechaty-puppet-mock/dist/cjs/src/mod.js')) as typeof import('wechaty-puppet-mock');

type Send = (this: unknown, conversationId: string, something: unknown) => Promise<void>;
const proto = real.PuppetMock.prototype as unknown as { _messageSend: Send & { guarded?: boolean } };
const send = proto._messageSend;
if (!send.guarded) {
  const guarded: Send & { guarded?: boolean } = function (this: unknown, conversationId, something) {
    // The mock's own rule: a conversation id with '@' is a room, anything else a contact.
    if (/@/.test(conversationId)) scanGroupDelivery(`wechaty room ${conversationId}`, typeof something === 'string' ? something : { file: String((something as { name?: unknown })?.name ?? '') });
    return send.call(this, conversationId, something);
  };
  guarded.guarded = true;
  proto._messageSend = guarded;
}

module.exports = real;
