/**
 * The duty desk: outside office hours an urgent item (an urgent or major event, an overdue urgent
 * task) reaches the person on duty at the nearest community or town above it — as well as, or
 * instead of, the usual leaders (setting {@link ROUTING_SETTING}). Areas that raise urgent items
 * call {@link routeUrgent}; with nobody on duty nothing changes.
 */
import { afterHoursRecipients, isAfterHours, shiftAt, type AfterHoursRouting } from '../../domain/duty/roster';
import type { OrgUnit } from '../../domain/org/org';
import type { Tx } from '../ports';
import type { DutyRepos } from './ports';

export const ROUTING_SETTING = 'duty.afterHours';

/** The person on duty now for a unit: from the roster of the unit itself or of the nearest unit above that has one. */
export async function onDutyFor(tx: Tx<DutyRepos>, unitId: number): Promise<{ memberId: number; unit: OrgUnit } | null> {
  const unit = await tx.repos.org.unit(unitId);
  if (!unit) return null;
  const { day, shift } = shiftAt(tx.now, tx.calendar);
  const upward = [unit, ...(await tx.repos.org.ancestors(unit)).filter((u) => u.id !== unit.id).sort((a, b) => b.path.length - a.path.length)];
  for (const u of upward) {
    const memberId = await tx.repos.duty.on(u.id, day, shift);
    if (memberId !== null) return { memberId, unit: u };
  }
  return null;
}

export async function afterHoursRouting(tx: Tx<DutyRepos>): Promise<AfterHoursRouting> {
  return (await tx.repos.settings.get<AfterHoursRouting>(ROUTING_SETTING)) === 'instead' ? 'instead' : 'also';
}

/** The leaders an urgent item at `unitId` reaches now: the usual ones in office hours, else by the routing setting. */
export async function routeUrgent(tx: Tx<DutyRepos>, unitId: number, usual: readonly number[]): Promise<number[]> {
  if (!isAfterHours(tx.now, tx.calendar)) return [...new Set(usual)];
  const onDuty = await onDutyFor(tx, unitId);
  return afterHoursRecipients(usual, onDuty?.memberId ?? null, await afterHoursRouting(tx));
}
