/** Table mappings of meetings (例会): the meeting with its agenda snapshot, carried items, minutes, plans, exports. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface MeetingRow {
  id: number;
  number: string;
  kind: string;
  unitId: number;
  periodKey: string;
  heldAt: Date;
  status: string;
  /** JSON snapshot of the agenda as posted (card, document sections, chart figures). */
  agenda: string;
  chairId: number | null;
  composedAt: Date;
  closedAt: Date | null;
  closedBy: number | null;
}

export const MeetingSchema = new EntitySchema<MeetingRow>({
  name: 'Meeting',
  tableName: 'meeting',
  columns: {
    id: idColumn,
    number: { type: 'varchar', length: 64, unique: true },
    kind: { type: 'varchar', length: 16 },
    unitId: { name: 'unit_id', type: 'int' },
    periodKey: { name: 'period_key', type: 'varchar', length: 16 },
    heldAt: dateColumn('held_at'),
    status: { type: 'varchar', length: 16 },
    agenda: { type: 'text' },
    chairId: { name: 'chair_id', type: 'int', nullable: true },
    composedAt: dateColumn('composed_at'),
    closedAt: dateColumn('closed_at', true),
    closedBy: { name: 'closed_by', type: 'int', nullable: true },
  },
  uniques: [{ name: 'uq_meeting_period', columns: ['unitId', 'kind', 'periodKey'] }],
});

export interface MeetingItemRow {
  id: number;
  meetingId: number;
  ref: string;
  source: string;
  title: string;
  unitId: number;
  appearances: number;
  supervisorId: number | null;
  supervisorName: string | null;
  supervisedSince: Date | null;
}

export const MeetingItemSchema = new EntitySchema<MeetingItemRow>({
  name: 'MeetingItem',
  tableName: 'meeting_item',
  columns: {
    id: idColumn,
    meetingId: { name: 'meeting_id', type: 'int' },
    ref: { type: 'varchar', length: 64 },
    source: { type: 'varchar', length: 16 },
    title: { type: 'varchar', length: 300 },
    unitId: { name: 'unit_id', type: 'int' },
    appearances: { type: 'int' },
    supervisorId: { name: 'supervisor_id', type: 'int', nullable: true },
    supervisorName: { name: 'supervisor_name', type: 'varchar', length: 64, nullable: true },
    supervisedSince: dateColumn('supervised_since', true),
  },
  uniques: [{ name: 'uq_meeting_item_ref', columns: ['meetingId', 'ref'] }],
});

export interface MeetingMinuteRow {
  id: number;
  meetingId: number;
  kind: string;
  text: string;
  responsibleId: number | null;
  responsibleName: string | null;
  deadline: Date | null;
  taskNumber: string | null;
  authorId: number;
  at: Date;
}

export const MeetingMinuteSchema = new EntitySchema<MeetingMinuteRow>({
  name: 'MeetingMinute',
  tableName: 'meeting_minute',
  columns: {
    id: idColumn,
    meetingId: { name: 'meeting_id', type: 'int' },
    kind: { type: 'varchar', length: 16 },
    text: { type: 'text' },
    responsibleId: { name: 'responsible_id', type: 'int', nullable: true },
    responsibleName: { name: 'responsible_name', type: 'varchar', length: 64, nullable: true },
    deadline: dateColumn('deadline', true),
    taskNumber: { name: 'task_number', type: 'varchar', length: 20, nullable: true },
    authorId: { name: 'author_id', type: 'int' },
    at: dateColumn('at'),
  },
  indices: [{ name: 'idx_meeting_minute_meeting', columns: ['meetingId'] }],
});

export interface MeetingPlanRow {
  id: number;
  unitId: number;
  month: string;
  text: string;
  submittedBy: number;
  submittedByName: string;
  submittedAt: Date;
}

export const MeetingPlanSchema = new EntitySchema<MeetingPlanRow>({
  name: 'MeetingPlan',
  tableName: 'meeting_plan',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    month: { type: 'varchar', length: 7 },
    text: { type: 'text' },
    submittedBy: { name: 'submitted_by', type: 'int' },
    submittedByName: { name: 'submitted_by_name', type: 'varchar', length: 64 },
    submittedAt: dateColumn('submitted_at'),
  },
  uniques: [{ name: 'uq_meeting_plan_month', columns: ['unitId', 'month'] }],
});

export const meetingSchemas = [MeetingSchema, MeetingItemSchema, MeetingMinuteSchema, MeetingPlanSchema];
