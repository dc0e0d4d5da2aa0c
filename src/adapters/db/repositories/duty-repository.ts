/** The duty roster on TypeORM: rows ↔ DutyEntry; a second entry for the same shift replaces the first (a swap). */
import { In, type EntityManager } from 'typeorm';
import type { LocalDate } from '../../../domain/calendar/local-date';
import type { DutyEntry, DutyShift } from '../../../domain/duty/roster';
import type { DutyRepo } from '../../../bot/duty/ports';
import { DutyRosterSchema, type DutyRosterRow } from '../schemas/duty';

const toEntry = (r: DutyRosterRow): DutyEntry => ({ unitId: r.unitId, day: r.day, shift: r.shift as DutyShift, memberId: r.memberId });

export class TypeOrmDutyRepo implements DutyRepo {
  constructor(private readonly em: EntityManager) {}

  private rows() {
    return this.em.getRepository(DutyRosterSchema);
  }

  async put(entry: DutyEntry, actorId: number, now: Date): Promise<void> {
    const key = { unitId: entry.unitId, day: entry.day, shift: entry.shift };
    const changed = await this.rows().update(key, { memberId: entry.memberId, enteredBy: actorId, updatedAt: now });
    if (!changed.affected) await this.rows().insert({ ...key, memberId: entry.memberId, enteredBy: actorId, updatedAt: now });
  }

  async on(unitId: number, day: LocalDate, shift: DutyShift): Promise<number | null> {
    return (await this.rows().findOne({ where: { unitId, day, shift } }))?.memberId ?? null;
  }

  async forDay(unitIds: number[], day: LocalDate): Promise<DutyEntry[]> {
    if (!unitIds.length) return [];
    return (await this.rows().find({ where: { unitId: In(unitIds), day }, order: { unitId: 'ASC', shift: 'ASC' } })).map(toEntry);
  }

  async forShift(day: LocalDate, shift: DutyShift): Promise<DutyEntry[]> {
    return (await this.rows().find({ where: { day, shift }, order: { unitId: 'ASC' } })).map(toEntry);
  }
}
