/**
 * The one detector of residents' personal data in free text (DESIGN §1, §3 step 5): phone numbers
 * in every way people write them (+86 / 0086, spaces, dashes, brackets, full-width digits,
 * landlines with their area code), 18- and 15-digit ID numbers (check digit X/x) and bank-card
 * numbers (Luhn). Pure: the outbox masks with it, tests scan with it.
 */

/** `truncated`: the start of a number a preview cut off (138 1234…): its tail would leak. */
export type PersonalDataKind = 'mobile' | 'landline' | 'idNumber' | 'bankCard' | 'truncated';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  /** UTF-16 offsets in the original text, end exclusive. */
  start: number;
  end: number;
  /** The number as plain ASCII digits (country code removed). */
  digits: string;
}

/** Characters people put between the digit groups of one number. */
const SEPARATORS = new Set([' ', '\u3000', '\u00a0', '-', '－', '‐', '‑', '–', '—', '.', '．', '(', ')', '（', '）', '/']);
/** A separator run longer than this ends the number. */
const MAX_GAP = 3;
/** How many digit groups one number may be written in (1 3 8 0 0 1 3 8 0 0 0 is eleven). */
const MAX_GROUPS = 19;

interface DigitGroup {
  start: number;
  end: number;
  digits: string;
  /** A `+` right before the group (a country code). */
  plus: boolean;
  /** Glued to a Latin letter or digit-like identifier on the left (SJ20261122, key=abc123). */
  gluedLeft: boolean;
  gluedRight: boolean;
}

function digitOf(ch: string): string | null {
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return ch;
  if (c >= 0xff10 && c <= 0xff19) return String.fromCharCode(c - 0xff10 + 0x30);
  return null;
}

function isCheckX(ch: string | undefined): boolean {
  return ch === 'X' || ch === 'x' || ch === 'Ｘ' || ch === 'ｘ';
}

/** Latin letters, underscores and the like: a number glued to them is an identifier, not a phone. */
function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z_Ａ-Ｚａ-ｚ%=&#@]/.test(ch);
}

/** Words people glue in front of a number they mean as a number (Tel13812345678, QQ…). */
const NUMBER_LABELS = /(?:^|[^A-Za-z])(?:tel|phone|mobile|mob|cell|call|qq|wx|vx|no|id|card|sfz|dh)[:：]?$/i;

function gluedOnTheLeft(text: string, start: number): boolean {
  if (!isWordChar(text[start - 1])) return false;
  return !NUMBER_LABELS.test(text.slice(Math.max(0, start - 8), start));
}

/** Splits the text into runs of digit groups joined by short separator gaps. */
function runsOf(text: string): DigitGroup[][] {
  const runs: DigitGroup[][] = [];
  let run: DigitGroup[] = [];
  let i = 0;
  while (i < text.length) {
    if (digitOf(text[i]!) === null) {
      i++;
      continue;
    }
    const start = i;
    let digits = '';
    while (i < text.length && digitOf(text[i]!) !== null) digits += digitOf(text[i++]!);
    // An ID number's check digit X ends its group.
    if (isCheckX(text[i]) && !isWordChar(text[i + 1]) && digitOf(text[i + 1] ?? '') === null) {
      digits += 'X';
      i++;
    }
    // A list item's number ("131. 示范网格", "131. 01000010 …") is no part of the number after it.
    if (isListMarker(text, start, i)) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    const before = text[start - 1];
    const group: DigitGroup = {
      start,
      end: i,
      digits,
      plus: before === '+' || before === '＋',
      gluedLeft: gluedOnTheLeft(text, start),
      gluedRight: isWordChar(text[i]),
    };
    const previous = run[run.length - 1];
    if (previous && !joinable(text, previous.end, start)) {
      runs.push(run);
      run = [];
    }
    run.push(group);
  }
  if (run.length) runs.push(run);
  return runs;
}

/** Digits at the start of a line followed by a dot and a space: a numbered list's item number. */
function isListMarker(text: string, start: number, end: number): boolean {
  if (start > 0 && text[start - 1] !== '\n') return false;
  return (text[end] === '.' || text[end] === '．') && (text[end + 1] === ' ' || text[end + 1] === '\u3000');
}

function joinable(text: string, from: number, to: number): boolean {
  if (to - from > MAX_GAP) return false;
  for (let k = from; k < to; k++) if (!SEPARATORS.has(text[k]!)) return false;
  return true;
}

const MOBILE = /^1[3-9]\d{9}$/;
/** 010 / 02x + 8 digits; 0xxx + 7 or 8 digits; local numbers never start with 0 or 1. */
const LANDLINE = /^(?:0(?:10|2\d)[2-9]\d{7}|0[3-9]\d{2}[2-9]\d{6,7})$/;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let k = 0; k < digits.length; k++) {
    let d = digits.charCodeAt(digits.length - 1 - k) - 48;
    if (k % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

function idChecksumValid(id: string): boolean {
  let sum = 0;
  for (let k = 0; k < 17; k++) sum += (id.charCodeAt(k) - 48) * ID_WEIGHTS[k]!;
  return ID_CHECK[sum % 11] === id[17];
}

function plausibleDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1900 && year <= 2100;
}

/**
 * An 18-digit ID number: the check digit is right, or (a typo in the last digit is still someone's
 * number) the region code and birth date are plausible. 15-digit first-generation numbers: by date.
 */
function isIdNumber(digits: string): boolean {
  if (/^\d{17}[\dX]$/.test(digits)) {
    if (idChecksumValid(digits)) return true;
    return /^[1-8]\d{5}/.test(digits) && plausibleDate(Number(digits.slice(6, 10)), Number(digits.slice(10, 12)), Number(digits.slice(12, 14)));
  }
  if (/^[1-8]\d{14}$/.test(digits)) return plausibleDate(1900 + Number(digits.slice(6, 8)), Number(digits.slice(8, 10)), Number(digits.slice(10, 12)));
  return false;
}

/** Group lengths people write ID numbers in: whole, or 6-8-4, 6-4-4-4, 3-3-8-4. */
function idGrouping(lengths: number[]): boolean {
  const shape = lengths.join('-');
  return lengths.length === 1 || ['6-8-4', '6-4-4-4', '3-3-8-4', '6-6-3'].includes(shape);
}

/** Bank cards: whole, or in fours with a shorter last group (6222 0212 3456 7890 123). */
function cardGrouping(lengths: number[]): boolean {
  if (lengths.length === 1) return true;
  return lengths.slice(0, -1).every((l) => l === 4) && lengths[lengths.length - 1]! >= 1 && lengths[lengths.length - 1]! <= 4;
}

function classify(groups: DigitGroup[]): { kind: PersonalDataKind; digits: string; countryCode: boolean } | null {
  const all = groups.map((g) => g.digits).join('');
  const lengths = groups.map((g) => g.digits.length);
  if (all.includes('X')) {
    if (!all.endsWith('X') || all.indexOf('X') !== all.length - 1) return null;
    return isIdNumber(all) && idGrouping(lengths) ? { kind: 'idNumber', digits: all, countryCode: false } : null;
  }
  // A country code: +86 …, 0086 …, or 86 written as its own group before an 11-digit mobile.
  const candidates: { digits: string; countryCode: boolean }[] = [{ digits: all, countryCode: false }];
  if (all.startsWith('0086')) candidates.unshift({ digits: all.slice(4), countryCode: true });
  else if (all.startsWith('86') && (groups[0]!.plus || groups[0]!.digits === '86')) candidates.unshift({ digits: all.slice(2), countryCode: true });
  for (const c of candidates) {
    if (MOBILE.test(c.digits)) return { kind: 'mobile', ...c };
    if (LANDLINE.test(c.digits)) return { kind: 'landline', ...c };
    if (c.countryCode && LANDLINE.test('0' + c.digits)) return { kind: 'landline', digits: '0' + c.digits, countryCode: true };
  }
  if (isIdNumber(all) && idGrouping(lengths)) return { kind: 'idNumber', digits: all, countryCode: false };
  if (/^\d{16,19}$/.test(all) && luhn(all) && cardGrouping(lengths)) return { kind: 'bankCard', digits: all, countryCode: false };
  return null;
}

/** Every piece of personal data in `text`, left to right, the longest reading at each place. */
export function findPersonalData(text: string): PersonalDataMatch[] {
  const found: PersonalDataMatch[] = [];
  for (const run of runsOf(text)) {
    let i = 0;
    while (i < run.length) {
      let best: { j: number; kind: PersonalDataKind; digits: string; countryCode: boolean } | null = null;
      if (!run[i]!.gluedLeft) {
        for (let j = i; j < run.length && j - i < MAX_GROUPS; j++) {
          if (run[j]!.gluedRight) continue;
          const hit = classify(run.slice(i, j + 1));
          if (hit) best = { j, ...hit };
        }
      }
      if (!best) {
        i++;
        continue;
      }
      const first = run[i]!;
      const start = first.plus ? first.start - 1 : first.start;
      found.push({ kind: best.kind, start, end: run[best.j]!.end, digits: best.digits });
      i = best.j + 1;
    }
    const cut = truncatedTail(text, run, found);
    if (cut) found.push(cut);
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Fewer digits than this before an ellipsis reveal nothing worth hiding (a count, a house number). */
const TRUNCATED_MIN_DIGITS = 6;

/** A number cut off by a preview (…): the digit groups before the ellipsis not already matched. */
function truncatedTail(text: string, run: DigitGroup[], found: PersonalDataMatch[]): PersonalDataMatch | null {
  const last = run[run.length - 1]!;
  if (!/^(?:…|\.\.\.|⋯)/.test(text.slice(last.end))) return null;
  const covered = (g: DigitGroup) => found.some((m) => m.start <= g.start && g.end <= m.end);
  let k = run.length;
  while (k > 0 && !covered(run[k - 1]!) && !run[k - 1]!.gluedLeft) k--;
  const groups = run.slice(k);
  const digits = groups.map((g) => g.digits).join('');
  if (groups.length === 0 || digits.length < TRUNCATED_MIN_DIGITS) return null;
  const first = groups[0]!;
  return { kind: 'truncated', start: first.plus ? first.start - 1 : first.start, end: last.end, digits };
}

export function containsPersonalData(text: string): boolean {
  return findPersonalData(text).length > 0;
}

/** How a number is shown where it may not be shown in full: 138****5678, 0571****4321, 330***********123X, 6222****1234. */
export function maskedForm(match: Pick<PersonalDataMatch, 'kind' | 'digits'>): string {
  const d = match.digits;
  switch (match.kind) {
    case 'mobile':
      return `${d.slice(0, 3)}****${d.slice(-4)}`;
    case 'landline': {
      const area = /^0(?:10|2\d)/.test(d) ? d.slice(0, 3) : d.slice(0, 4);
      return `${area}****${d.slice(-4)}`;
    }
    case 'idNumber':
      return `${d.slice(0, 3)}${'*'.repeat(d.length - 7)}${d.slice(-4)}`;
    case 'bankCard':
      return `${d.slice(0, 4)}****${d.slice(-4)}`;
    case 'truncated':
      return `${d.slice(0, 3)}****`;
  }
}

/** The text with every phone, ID and bank-card number replaced by its masked form. */
export function maskPersonalData(text: string): string {
  const matches = findPersonalData(text);
  if (!matches.length) return text;
  let out = '';
  let at = 0;
  for (const m of matches) {
    out += text.slice(at, m.start) + maskedForm(m);
    at = m.end;
  }
  return out + text.slice(at);
}
