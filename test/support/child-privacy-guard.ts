/**
 * Preloaded into every bot the tests run as a child process (test/support/process.ts): the
 * child's sandbox deliveries to groups are scanned in the child, and each leak is written to its
 * stderr as one `GROUP_PRIVACY_LEAK {json}` line, which the test process records in its ledger.
 * Group deliveries through the fake platforms are scanned by the fakes in the test process.
 */
import { SandboxStore, type NewSandboxMessage } from '../../src/adapters/sandbox/store';
import { findPersonalData } from '../../src/domain/privacy/personal-data';
import { CHILD_LEAK_MARK } from './group-deliveries';

const append = SandboxStore.prototype.append;
if (!(append as { guarded?: boolean }).guarded) {
  const guarded = function (this: SandboxStore, message: NewSandboxMessage, deliveryId?: string) {
    if (message.from === 'bot' && !message.conversation.startsWith('dm-')) {
      const text = JSON.stringify({ text: message.text, card: message.card, file: message.file });
      for (const m of findPersonalData(text)) {
        const leak = { where: `child sandbox ${message.conversation}`, excerpt: text.slice(Math.max(0, m.start - 20), m.end + 20) };
        process.stderr.write(`${CHILD_LEAK_MARK}${JSON.stringify(leak)}\n`);
      }
    }
    return append.call(this, message, deliveryId as string);
  };
  (guarded as { guarded?: boolean }).guarded = true;
  SandboxStore.prototype.append = guarded as typeof append;
}
