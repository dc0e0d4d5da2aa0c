/** Table mappings of 代办: the catalogue, the requests, their history and document photos (sealed). */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface DaibanItemRow {
  id: number;
  name: string;
  /** JSON array of material names. */
  materials: string;
  office: string;
  limitDays: number;
  updatedAt: Date;
}

export interface DaibanRow {
  id: number;
  number: string;
  item: string;
  materials: string;
  ticked: string;
  office: string;
  limitDays: number;
  householdId: number;
  unitId: number;
  unitPath: string;
  handlerId: number;
  origin: string;
  state: string;
  note: string;
  registeredAt: Date;
  acceptedAt: Date | null;
  completeAt: Date | null;
  submittedAt: Date | null;
  submittedOn: Date | null;
  submittedOffice: string | null;
  closedAt: Date | null;
  returnReason: string | null;
  deadline: Date | null;
  deadlineVersion: number;
}

export interface DaibanStepRow {
  id: number;
  daibanId: number;
  at: Date;
  action: string;
  memberId: number | null;
  note: string | null;
}

export interface DaibanPhotoRow {
  id: number;
  daibanId: number;
  refSealed: string;
  memberId: number;
  at: Date;
}

export const DaibanItemSchema = new EntitySchema<DaibanItemRow>({
  name: 'DaibanItem',
  tableName: 'daiban_item',
  columns: {
    id: idColumn,
    name: { type: 'varchar', length: 32, unique: true },
    materials: { type: 'text' },
    office: { type: 'varchar', length: 64 },
    limitDays: { name: 'limit_days', type: 'int' },
    updatedAt: dateColumn('updated_at'),
  },
});

export const DaibanSchema = new EntitySchema<DaibanRow>({
  name: 'Daiban',
  tableName: 'daiban',
  columns: {
    id: idColumn,
    number: { type: 'varchar', length: 20, unique: true },
    item: { type: 'varchar', length: 32 },
    materials: { type: 'text' },
    ticked: { type: 'varchar', length: 200 },
    office: { type: 'varchar', length: 64 },
    limitDays: { name: 'limit_days', type: 'int' },
    householdId: { name: 'household_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
    handlerId: { name: 'handler_id', type: 'int' },
    origin: { type: 'varchar', length: 16 },
    state: { type: 'varchar', length: 16 },
    note: { type: 'text' },
    registeredAt: dateColumn('registered_at'),
    acceptedAt: dateColumn('accepted_at', true),
    completeAt: dateColumn('complete_at', true),
    submittedAt: dateColumn('submitted_at', true),
    submittedOn: dateColumn('submitted_on', true),
    submittedOffice: { name: 'submitted_office', type: 'varchar', length: 64, nullable: true },
    closedAt: dateColumn('closed_at', true),
    returnReason: { name: 'return_reason', type: 'varchar', length: 200, nullable: true },
    deadline: dateColumn('deadline', true),
    deadlineVersion: { name: 'deadline_version', type: 'int' },
  },
});

export const DaibanStepSchema = new EntitySchema<DaibanStepRow>({
  name: 'DaibanStep',
  tableName: 'daiban_step',
  columns: {
    id: idColumn,
    daibanId: { name: 'daiban_id', type: 'int' },
    at: dateColumn('at'),
    action: { type: 'varchar', length: 32 },
    memberId: { name: 'member_id', type: 'int', nullable: true },
    note: { type: 'varchar', length: 500, nullable: true },
  },
});

export const DaibanPhotoSchema = new EntitySchema<DaibanPhotoRow>({
  name: 'DaibanPhoto',
  tableName: 'daiban_photo',
  columns: {
    id: idColumn,
    daibanId: { name: 'daiban_id', type: 'int' },
    refSealed: { name: 'ref_sealed', type: 'text' },
    memberId: { name: 'member_id', type: 'int' },
    at: dateColumn('at'),
  },
});

export const daibanSchemas = [DaibanItemSchema, DaibanSchema, DaibanStepSchema, DaibanPhotoSchema];
