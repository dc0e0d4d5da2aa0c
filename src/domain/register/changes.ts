/**
 * Changes to a household (住户变动), as a table: what each kind needs and what it does to the
 * resident it names. Every change stays in the household's history.
 */
import type { ResidentStatus } from './resident';

export const CHANGE_KINDS = ['registered', 'move_in', 'move_out', 'birth', 'death', 'rent_out', 'rent_end', 'other'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ChangeRule {
  /** The change names a resident (by name within the household). */
  resident: 'new' | 'existing' | 'none';
  /** The status the resident takes; for 'new' the status of the added resident. */
  status?: ResidentStatus;
  /** The household's rented flag afterwards. */
  rented?: boolean;
}

export const CHANGE_RULES: Record<ChangeKind, ChangeRule> = {
  registered: { resident: 'none' }, // 登记: first entry of someone already living there (history only)
  move_in: { resident: 'new', status: 'present' }, // 迁入
  birth: { resident: 'new', status: 'present' }, // 新生
  move_out: { resident: 'existing', status: 'moved_out' }, // 迁出
  death: { resident: 'existing', status: 'deceased' }, // 死亡
  rent_out: { resident: 'none', rented: true }, // 房屋出租
  rent_end: { resident: 'none', rented: false }, // 退租
  other: { resident: 'none' },
};

/** A resident who left or died cannot leave or die again; only someone present can. */
export function changeRefusal(kind: ChangeKind, current: ResidentStatus | null): 'not_present' | null {
  const rule = CHANGE_RULES[kind];
  if (rule.resident === 'existing' && current !== 'present') return 'not_present';
  return null;
}
