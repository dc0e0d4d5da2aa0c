/**
 * The info report's 住户变动 lines read as register changes: 「3幢2单元301 新迁入 李四」,
 * 「5幢1单元101 王五去世」, 「3幢2单元301 房屋出租」. A line names a household by its address
 * (one of the grid's), a change by its words, and a person by what is left.
 */
import type { ChangeKind } from './changes';
import { normaliseAddress } from './resident';

/** Words people write for each change, checked in this order (退租 before 出租). */
const CHANGE_WORDS: [RegExp, ChangeKind][] = [
  [/迁入|迁来|搬入|搬来|入住/, 'move_in'],
  [/迁出|搬出|搬走|外迁/, 'move_out'],
  [/新生|出生|新生儿/, 'birth'],
  [/死亡|去世|病故|过世|离世/, 'death'],
  [/退租/, 'rent_end'],
  [/出租|租给/, 'rent_out'],
];

/** Words around the name: change words (longest first), a few fillers, punctuation. Not single characters that occur in names. */
const FILLER = /[一二两三四五六七八九十\d]+[人口名位个]|新生儿|新迁入|新搬入|新迁来|新入住|迁入|迁来|搬入|搬来|入住|迁出|搬出|搬走|外迁|新生|出生|死亡|去世|病故|过世|离世|退租|出租|租给|房屋|住户|一户|家中|已经|[：:，,。；;、\s]/g;

export interface ChangeProposal {
  householdId: number;
  address: string;
  kind: ChangeKind;
  /** The person the change names, when it names one. */
  name: string | null;
}

export type LineReading = { ok: true; proposal: ChangeProposal } | { ok: false; reason: 'no_household' | 'no_change' | 'no_name' };

export function readChangeLine(line: string, households: readonly { id: number; address: string }[]): LineReading {
  const text = normaliseAddress(line)?.address ?? '';
  const household = [...households].sort((a, b) => b.address.length - a.address.length).find((h) => text.includes(h.address));
  if (!household) return { ok: false, reason: 'no_household' };
  const rest = text.replace(household.address, ' ');
  const kind = CHANGE_WORDS.find(([re]) => re.test(rest))?.[1];
  if (!kind) return { ok: false, reason: 'no_change' };
  const names = rest.replace(FILLER, ' ').split(/\s+/).filter((w) => /^\p{Script=Han}{2,4}$/u.test(w));
  const needsName = kind === 'move_in' || kind === 'move_out' || kind === 'birth' || kind === 'death';
  if (needsName && names.length !== 1) return { ok: false, reason: 'no_name' };
  return { ok: true, proposal: { householdId: household.id, address: household.address, kind, name: needsName ? names[0] : null } };
}
