/**
 * The duty roster from an .xlsx (值班表): one sheet 「值班表」 with 单位 | 日期 | 班次 | 值班人 per row.
 * Checked row by row against the database; with any error nothing is written, otherwise every
 * shift is entered (a row for a shift already entered replaces it, as a swap by chat does).
 */
import { parseRosterDay, type DutyEntry, type DutyShift } from '../../domain/duty/roster';
import { hasAuthority, type Member } from '../../domain/org/org';
import { inputWords } from '../commands/framework';
import type { SheetBook, ReadSheet } from '../assessment/sheets';
import { t } from '../texts';
import type { DutyRepos } from './ports';

/** The file-link kind of the roster upload page (src/bot/files.ts). */
export const DUTY_IMPORT_LINK = 'duty-import';
export const DUTY_TEMPLATE_FILE = '值班表模板.xlsx';

const ROSTER_LEVELS = new Set(['community', 'town', 'county']);

export type RosterCheck = { ok: true; entries: DutyEntry[] } | { ok: false; errors: string[] };

export function rosterTemplate(): SheetBook {
  return {
    fileName: DUTY_TEMPLATE_FILE,
    sheets: [{ name: t('duty.import.sheet'), header: [t('duty.import.h.unit'), t('duty.import.h.day'), t('duty.import.h.shift'), t('duty.import.h.member')], rows: [['01001', '2027-03-01', '夜班', '张三']], widths: [14, 14, 10, 12] }],
  };
}

export async function checkRosterImport(repos: DutyRepos, actor: Member, sheets: ReadSheet[], now: Date, calendar: Parameters<typeof parseRosterDay>[2]): Promise<RosterCheck> {
  const sheet = sheets.find((s) => s.name.trim() === t('duty.import.sheet'));
  if (!sheet) return { ok: false, errors: [t('import.missingSheet', { sheet: t('duty.import.sheet') })] };
  const errors: string[] = [];
  const entries: DutyEntry[] = [];
  const shiftWords = inputWords('input.dutyShift');
  const problem = (row: number, text: string) => errors.push(t('import.row', { sheet: t('duty.import.sheet'), row: String(row), problem: text }));
  for (const [i, raw] of sheet.rows.slice(1).entries()) {
    const cells = raw.map((c) => c.trim());
    if (!cells.some(Boolean)) continue;
    const row = i + 2;
    const [unitWord = '', dayWord = '', shiftWord = '', memberWord = ''] = cells;
    const unit = (await repos.org.unitByCode(unitWord)) ?? ((await repos.org.unitsByName(unitWord)).length === 1 ? (await repos.org.unitsByName(unitWord))[0] : null);
    if (!unit) problem(row, t('duty.import.p.unit', { unit: unitWord }));
    else if (!ROSTER_LEVELS.has(unit.level)) problem(row, t('duty.err.level', { unit: unit.name }));
    else if (!hasAuthority(actor, unit.path, 'community_secretary')) problem(row, t('duty.import.p.outside', { unit: unit.name }));
    const day = parseRosterDay(dayWord, now, calendar);
    if (!day) problem(row, t('duty.import.p.day', { day: dayWord }));
    const shift = shiftWords.get(shiftWord);
    if (!shift) problem(row, t('duty.import.p.shift', { shift: shiftWord }));
    const members = memberWord ? await repos.org.membersByName(memberWord) : [];
    if (members.length !== 1) problem(row, t(members.length ? 'duty.import.p.memberAmbiguous' : 'duty.import.p.member', { name: memberWord }));
    if (unit && day && shift && members.length === 1) {
      const shifts: DutyShift[] = shift === 'both' ? ['day', 'night'] : [shift as DutyShift];
      for (const s of shifts) entries.push({ unitId: unit.id, day, shift: s, memberId: members[0].id });
    }
  }
  if (!errors.length && !entries.length) errors.push(t('duty.import.empty'));
  return errors.length ? { ok: false, errors } : { ok: true, entries };
}

export async function applyRosterImport(repos: DutyRepos, entries: DutyEntry[], actorId: number, now: Date): Promise<number> {
  for (const e of entries) await repos.duty.put(e, actorId, now);
  await repos.audit.record({ at: now, actorMemberId: actorId, action: 'duty.import', detail: { shifts: entries.length } });
  return entries.length;
}
