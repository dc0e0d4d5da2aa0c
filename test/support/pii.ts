/**
 * The residents' data key of every test deployment (32 bytes, base64): test apps and bot processes
 * a test spawns share it, as the processes of one deployment share PII_KEY.
 */
import { AesGcmVault } from '../../src/adapters/db/pii/vault';
import { openPayload } from '../../src/adapters/db/pii/outbox-seal';

export const TEST_PII_KEY = Buffer.alloc(32, 7).toString('base64');

const testVault = new AesGcmVault(Buffer.from(TEST_PII_KEY, 'base64'));

/** An outbox row's payload as JSON text: message payloads are sealed at rest (src/adapters/db/pii/outbox-seal.ts). */
export function outboxPayloadText(payload: string): string {
  return openPayload(testVault, payload);
}
