/** What the outbox needs from storage; adapters/db implements it. */
export interface StoredOutboxRow {
  id: string;
  sourceKey: string;
  kind: string;
  channel: string | null;
  payload: string;
  status: string;
  attempts: number;
  createdAt: Date;
  dispatchedAt: Date | null;
  sentAt: Date | null;
  /** The payload as stored (sealed when it may carry residents' data), when the caller has it. */
  stored?: string;
}

export interface OutboxStore {
  load(id: string): Promise<StoredOutboxRow | null>;
  /** A payload as stored (`StoredOutboxRow.stored`), opened. */
  open(stored: string): string;
  markDispatched(ids: string[], now: Date): Promise<void>;
  /** Marks the row sent, and dispatched if that was not recorded yet (a sent row is never relayed). */
  markSent(id: string, now: Date): Promise<void>;
  markFailed(id: string, error: string, now: Date): Promise<void>;
  recordAttempt(id: string, error: string): Promise<void>;
  /** Rows committed but never handed to a queue (a crash between commit and dispatch). */
  undispatched(createdBefore: Date, limit: number): Promise<StoredOutboxRow[]>;
}
