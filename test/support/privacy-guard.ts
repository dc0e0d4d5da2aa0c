/**
 * Registered in jest.config.js (setupFilesAfterEnv): every test is a privacy test. Whatever a test
 * delivers to a group conversation through the sandbox (and the fake platforms, which report to
 * the same ledger) is scanned for personal data; a leak fails the test that caused it.
 */
import { SandboxStore, type NewSandboxMessage } from '../../src/adapters/sandbox/store';
import { scanGroupDelivery, takeLeaks } from './group-deliveries';

const append = SandboxStore.prototype.append;
if (!(append as { guarded?: boolean }).guarded) {
  const guarded = function (this: SandboxStore, message: NewSandboxMessage, deliveryId?: string) {
    if (message.from === 'bot' && !message.conversation.startsWith('dm-')) {
      const { text, card, file } = message;
      scanGroupDelivery(`sandbox ${message.conversation}`, { text, card, file });
    }
    return append.call(this, message, deliveryId as string);
  };
  (guarded as { guarded?: boolean }).guarded = true;
  SandboxStore.prototype.append = guarded as typeof append;
}

afterEach(() => {
  const leaks = takeLeaks();
  if (leaks.length) {
    throw new Error(`personal data delivered to a group:\n${leaks.map((l) => `  ${l.where}: …${l.excerpt}…`).join('\n')}`);
  }
});

afterAll(() => {
  const leaks = takeLeaks();
  if (leaks.length) throw new Error(`personal data delivered to a group after the last test:\n${leaks.map((l) => `  ${l.where}: …${l.excerpt}…`).join('\n')}`);
});
