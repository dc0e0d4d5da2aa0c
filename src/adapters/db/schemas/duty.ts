/** Table mapping of the duty roster (值班表): one person per unit, day and shift. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface DutyRosterRow {
  id: number;
  unitId: number;
  /** Local date, YYYY-MM-DD. */
  day: string;
  /** `day` (白班) or `night` (夜班). */
  shift: string;
  memberId: number;
  enteredBy: number;
  updatedAt: Date;
}

export const DutyRosterSchema = new EntitySchema<DutyRosterRow>({
  name: 'DutyRoster',
  tableName: 'duty_roster',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    day: { type: 'varchar', length: 10 },
    shift: { type: 'varchar', length: 8 },
    memberId: { name: 'member_id', type: 'int' },
    enteredBy: { name: 'entered_by', type: 'int' },
    updatedAt: dateColumn('updated_at'),
  },
  uniques: [{ name: 'uq_duty_roster_shift', columns: ['unitId', 'day', 'shift'] }],
});

export const dutySchemas = [DutyRosterSchema];
