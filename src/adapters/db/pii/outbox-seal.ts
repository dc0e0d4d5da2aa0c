/**
 * Messages waiting in (and kept after leaving) the outbox table may carry residents' data (a 查人
 * answer): their payloads are sealed like every other personal value, so the database alone
 * reveals nothing. Timer and job rows carry ids only and stay readable. Rows written before
 * sealing (plain JSON) still open.
 */
import { NO_VAULT, type PiiVault } from './vault';

const FIELD = 'outbox.payload';

export function sealPayload(vault: PiiVault, kind: string, json: string): string {
  return kind === 'message' && vault !== NO_VAULT ? vault.seal(FIELD, json) : json;
}

export function openPayload(vault: PiiVault, payload: string): string {
  return payload.startsWith('{') ? payload : vault.open(FIELD, payload);
}
