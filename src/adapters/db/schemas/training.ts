/** Table mappings of trainings (培训) and who attended them (the 培训台账). */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface TrainingRow {
  id: number;
  name: string;
  /** Local date, YYYY-MM-DD. */
  day: string;
  hours: number;
  recordedBy: number;
  createdAt: Date;
}

export interface TrainingAttendanceRow {
  id: number;
  trainingId: number;
  memberId: number;
}

export const TrainingSchema = new EntitySchema<TrainingRow>({
  name: 'Training',
  tableName: 'training',
  columns: {
    id: idColumn,
    name: { type: 'varchar', length: 100 },
    day: { type: 'varchar', length: 10 },
    hours: { type: 'double' },
    recordedBy: { name: 'recorded_by', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
});

export const TrainingAttendanceSchema = new EntitySchema<TrainingAttendanceRow>({
  name: 'TrainingAttendance',
  tableName: 'training_attendance',
  columns: {
    id: idColumn,
    trainingId: { name: 'training_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
  },
  uniques: [{ name: 'uq_training_attendance', columns: ['trainingId', 'memberId'] }],
});

export const trainingSchemas = [TrainingSchema, TrainingAttendanceSchema];
