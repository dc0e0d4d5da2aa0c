/**
 * The suite-wide group-privacy guard's ledger: every message a test's platform (the sandbox store,
 * the fake DingTalk and WeCom servers) receives for a group is scanned here, and any phone, ID or
 * bank-card number in it is a leak. test/support/privacy-guard.ts fails the test that caused it.
 */
import { findPersonalData } from '../../src/domain/privacy/personal-data';

export interface Leak {
  where: string;
  excerpt: string;
}

const leaks: Leak[] = [];

/** Scans what a platform received for a group conversation; `where` names the platform and conversation. */
export function scanGroupDelivery(where: string, content: unknown): void {
  const text = typeof content === 'string' ? content : JSON.stringify(content);
  for (const m of findPersonalData(text)) leaks.push({ where, excerpt: text.slice(Math.max(0, m.start - 20), m.end + 20) });
}

/** The leaks since the last call. */
export function takeLeaks(): Leak[] {
  return leaks.splice(0, leaks.length);
}
