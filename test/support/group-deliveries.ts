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

/** How a bot child process reports a leak on its stderr: this mark, then the leak as JSON, on one line. */
export const CHILD_LEAK_MARK = 'GROUP_PRIVACY_LEAK ';

/** Records the leaks a bot child process reported in `line` (one line of its stderr). */
export function recordChildLeaks(line: string): void {
  if (!line.startsWith(CHILD_LEAK_MARK)) return;
  leaks.push(JSON.parse(line.slice(CHILD_LEAK_MARK.length)) as Leak);
}

/** A leak found elsewhere (a bot child process scans its own group deliveries). */
export function recordLeak(leak: Leak): void {
  leaks.push(leak);
}

/** The leaks since the last call. */
export function takeLeaks(): Leak[] {
  return leaks.splice(0, leaks.length);
}
