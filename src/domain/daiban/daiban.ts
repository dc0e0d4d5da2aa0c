/**
 * 代办 / 帮办: a gridworker helps a household with an application to an office (低保, 残疾人证,
 * 医保/社保 …). A request moves 已登记 → 已受理 → 材料齐全 → 已递交 → 办结, or ends 退回 (with the
 * reason) from any open state. Materials are a checklist copied from the catalogue item when the
 * request is recorded; ticking the last one makes the request 材料齐全. The time limit (办理时限,
 * working days) runs from 受理. Pure: every function takes `now`; refusals are codes.
 */
import { formatDailyNumber, parseDailyNumber } from '../calendar/daily-number';

export const DAIBAN_STATES = ['registered', 'accepted', 'complete', 'submitted', 'done', 'returned'] as const;
export type DaibanState = (typeof DAIBAN_STATES)[number];

/** States in which the gridworker still owes work, so the time limit and its reminders apply. */
export const OPEN_DAIBAN_STATES: readonly DaibanState[] = ['registered', 'accepted', 'complete', 'submitted'];

/** Who asked: the gridworker recorded it, or the resident did from the residents' side. */
export type DaibanOrigin = 'gridworker' | 'resident';

/** Longest reason, office name and material name kept. */
export const MAX_REASON = 200;
export const MAX_OFFICE = 64;
export const MAX_MATERIAL = 64;
export const MAX_MATERIALS = 20;
/** Longest time limit a catalogue item may carry (a year of working days). */
export const MAX_LIMIT_DAYS = 250;

export interface Daiban {
  number: string;
  item: string;
  /** The checklist, copied from the catalogue when the request was recorded. */
  materials: string[];
  /** Indexes (0-based) of the materials ticked as present. */
  ticked: number[];
  /** The office that decides, as the catalogue names it; 递交 may name the actual one. */
  office: string;
  limitDays: number;
  householdId: number;
  unitId: number;
  unitPath: string;
  /** The gridworker handling it. */
  handlerId: number;
  origin: DaibanOrigin;
  state: DaibanState;
  note: string;
  registeredAt: Date;
  acceptedAt: Date | null;
  completeAt: Date | null;
  submittedAt: Date | null;
  /** The day it was handed in at the office, as the gridworker said. */
  submittedOn: Date | null;
  submittedOffice: string | null;
  closedAt: Date | null;
  returnReason: string | null;
  /** 受理 + the time limit in working days; null until 受理. */
  deadline: Date | null;
  /** Bumped each time the deadline is set: reminders planned for another version are stale. */
  deadlineVersion: number;
}

export type DaibanRefusal =
  | { ok: false; reason: 'closed'; state: DaibanState }
  | { ok: false; reason: 'wrong_state'; state: DaibanState; needs: DaibanState[] }
  | { ok: false; reason: 'no_such_material'; index: number; count: number }
  | { ok: false; reason: 'materials_missing'; missing: string[] }
  | { ok: false; reason: 'reason_required' }
  | { ok: false; reason: 'too_long' };

export type DaibanOutcome = { ok: true; daiban: Daiban } | DaibanRefusal;

export function isOpen(d: Pick<Daiban, 'state'>): boolean {
  return OPEN_DAIBAN_STATES.includes(d.state);
}

function guard(d: Daiban, needs: DaibanState[]): DaibanRefusal | null {
  if (!isOpen(d)) return { ok: false, reason: 'closed', state: d.state };
  if (!needs.includes(d.state)) return { ok: false, reason: 'wrong_state', state: d.state, needs };
  return null;
}

/** A new request, 已登记. */
export function registerDaiban(input: Omit<Daiban, 'state' | 'ticked' | 'acceptedAt' | 'completeAt' | 'submittedAt' | 'submittedOn' | 'submittedOffice' | 'closedAt' | 'returnReason' | 'deadline' | 'deadlineVersion' | 'registeredAt'>, now: Date): Daiban {
  return {
    ...input,
    materials: input.materials.slice(0, MAX_MATERIALS),
    state: 'registered',
    ticked: [],
    registeredAt: now,
    acceptedAt: null,
    completeAt: null,
    submittedAt: null,
    submittedOn: null,
    submittedOffice: null,
    closedAt: null,
    returnReason: null,
    deadline: null,
    deadlineVersion: 0,
  };
}

/** 受理: the gridworker takes the request on; the time limit starts (`deadline` from the calendar). */
export function acceptDaiban(d: Daiban, now: Date, deadline: Date): DaibanOutcome {
  const refused = guard(d, ['registered']);
  if (refused) return refused;
  const next: Daiban = { ...d, state: 'accepted', acceptedAt: now, deadline, deadlineVersion: d.deadlineVersion + 1 };
  // An item that asks for no materials is complete at once.
  return { ok: true, daiban: next.materials.length === 0 ? { ...next, state: 'complete', completeAt: now } : next };
}

/**
 * Ticks materials (1-based numbers as the checklist shows them). Ticking what is ticked already
 * changes nothing; the last one ticked makes the request 材料齐全.
 */
export function tickMaterials(d: Daiban, numbers: readonly number[], now: Date): DaibanOutcome {
  const refused = guard(d, ['accepted', 'complete']);
  if (refused) return refused;
  for (const n of numbers) if (!Number.isInteger(n) || n < 1 || n > d.materials.length) return { ok: false, reason: 'no_such_material', index: n, count: d.materials.length };
  const ticked = [...new Set([...d.ticked, ...numbers.map((n) => n - 1)])].sort((a, b) => a - b);
  const complete = ticked.length === d.materials.length;
  return { ok: true, daiban: { ...d, ticked, state: complete ? 'complete' : 'accepted', completeAt: complete ? (d.completeAt ?? now) : null } };
}

/** Un-ticks materials (a document turned out wrong): a complete request is back to 已受理. */
export function untickMaterials(d: Daiban, numbers: readonly number[]): DaibanOutcome {
  const refused = guard(d, ['accepted', 'complete']);
  if (refused) return refused;
  for (const n of numbers) if (!Number.isInteger(n) || n < 1 || n > d.materials.length) return { ok: false, reason: 'no_such_material', index: n, count: d.materials.length };
  const drop = new Set(numbers.map((n) => n - 1));
  const ticked = d.ticked.filter((i) => !drop.has(i));
  const complete = ticked.length === d.materials.length;
  return { ok: true, daiban: { ...d, ticked, state: complete ? 'complete' : 'accepted', completeAt: complete ? d.completeAt : null } };
}

/** The materials not ticked yet, by name. */
export function missingMaterials(d: Pick<Daiban, 'materials' | 'ticked'>): string[] {
  return d.materials.filter((_, i) => !d.ticked.includes(i));
}

/** 递交: handed in at the office on a day; only with every material present. */
export function submitDaiban(d: Daiban, office: string, on: Date, now: Date): DaibanOutcome {
  if (d.state === 'accepted') return { ok: false, reason: 'materials_missing', missing: missingMaterials(d) };
  const refused = guard(d, ['complete']);
  if (refused) return refused;
  const name = office.trim() || d.office;
  if ([...name].length > MAX_OFFICE) return { ok: false, reason: 'too_long' };
  return { ok: true, daiban: { ...d, state: 'submitted', submittedAt: now, submittedOn: on, submittedOffice: name } };
}

/** 办结: the office decided and the household has the result. */
export function finishDaiban(d: Daiban, now: Date): DaibanOutcome {
  const refused = guard(d, ['submitted']);
  if (refused) return refused;
  return { ok: true, daiban: { ...d, state: 'done', closedAt: now } };
}

/** 退回: the request ends unfinished (the office refused it, the household withdrew), with the reason. */
export function returnDaiban(d: Daiban, reason: string, now: Date): DaibanOutcome {
  const refused = guard(d, [...OPEN_DAIBAN_STATES]);
  if (refused) return refused;
  const text = reason.trim();
  if (!text) return { ok: false, reason: 'reason_required' };
  if ([...text].length > MAX_REASON) return { ok: false, reason: 'too_long' };
  return { ok: true, daiban: { ...d, state: 'returned', closedAt: now, returnReason: text } };
}

/** Overdue (逾期) is derived: still open and the time limit reached. */
export function isDaibanOverdue(d: Pick<Daiban, 'state' | 'deadline'>, now: Date): boolean {
  return isOpen(d) && d.deadline !== null && now.getTime() >= d.deadline.getTime();
}

export function formatDaibanNumber(now: Date, sequence: number, timeZone: string): string {
  return formatDailyNumber('DB', now, sequence, timeZone);
}

/** `DB20270301-0001` as typed (any case, short sequence), or null. */
export function parseDaibanNumber(text: string): string | null {
  return parseDailyNumber('DB', text);
}
