/** What the duty area (值班) needs from storage; implemented in adapters/db/repositories/duty-repository.ts. */
import type { LocalDate } from '../../domain/calendar/local-date';
import type { DutyEntry, DutyShift } from '../../domain/duty/roster';
import type { CoreRepos } from '../ports';

export interface DutyRepo {
  /** Enters (or replaces: a swap) who is on duty at a unit for one shift. */
  put(entry: DutyEntry, actorId: number, now: Date): Promise<void>;
  /** Who is on duty at a unit for one shift, or null. */
  on(unitId: number, day: LocalDate, shift: DutyShift): Promise<number | null>;
  /** Every entry of one day for the given units (both shifts). */
  forDay(unitIds: number[], day: LocalDate): Promise<DutyEntry[]>;
  /** Every entry of one shift, all units (the start-of-duty lists). */
  forShift(day: LocalDate, shift: DutyShift): Promise<DutyEntry[]>;
}

export interface DutyRepos extends CoreRepos {
  duty: DutyRepo;
}
