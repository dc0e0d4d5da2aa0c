/** The intake's tables (issue 17): clients, their orders, status changes to call back, grids' address words. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface IntakeClientRow {
  id: number;
  name: string;
  keyHash: string;
  /** Sealed with the PII vault (field `intake.secret`). */
  signingSecret: string;
  callbackUrl: string | null;
  unitId: number;
  createdBy: number | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export const IntakeClientSchema = new EntitySchema<IntakeClientRow>({
  name: 'IntakeClient',
  tableName: 'intake_client',
  columns: {
    id: idColumn,
    name: { type: 'varchar', length: 64 },
    keyHash: { name: 'key_hash', type: 'varchar', length: 64, unique: true },
    signingSecret: { name: 'signing_secret', type: 'varchar', length: 200 },
    callbackUrl: { name: 'callback_url', type: 'varchar', length: 500, nullable: true },
    unitId: { name: 'unit_id', type: 'int' },
    createdBy: { name: 'created_by', type: 'int', nullable: true },
    createdAt: dateColumn('created_at'),
    revokedAt: dateColumn('revoked_at', true),
  },
});

export interface IntakeOrderRow {
  id: number;
  clientId: number;
  externalId: string;
  source: string;
  serviceCode: string | null;
  category: string;
  description: string;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Sealed JSON `{name, phone}` (field `intake.contact`). */
  contact: string | null;
  deadline: Date | null;
  eventId: number | null;
  inboxUnitId: number | null;
  placement: string;
  status: string;
  callbackSeq: number;
  callbackLockUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const IntakeOrderSchema = new EntitySchema<IntakeOrderRow>({
  name: 'IntakeOrder',
  tableName: 'intake_order',
  columns: {
    id: idColumn,
    clientId: { name: 'client_id', type: 'int' },
    externalId: { name: 'external_id', type: 'varchar', length: 64 },
    source: { type: 'varchar', length: 16 },
    serviceCode: { name: 'service_code', type: 'varchar', length: 64, nullable: true },
    category: { type: 'varchar', length: 64 },
    description: { type: 'text' },
    address: { type: 'varchar', length: 200, nullable: true },
    latitude: { type: 'double', nullable: true },
    longitude: { type: 'double', nullable: true },
    contact: { type: 'text', nullable: true },
    deadline: dateColumn('deadline', true),
    eventId: { name: 'event_id', type: 'int', nullable: true },
    inboxUnitId: { name: 'inbox_unit_id', type: 'int', nullable: true },
    placement: { type: 'varchar', length: 32 },
    status: { type: 'varchar', length: 24 },
    callbackSeq: { name: 'callback_seq', type: 'int', default: 0 },
    callbackLockUntil: dateColumn('callback_lock_until', true),
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
  },
  uniques: [{ name: 'uq_intake_order_external', columns: ['clientId', 'externalId'] }],
  indices: [
    { name: 'idx_intake_order_event', columns: ['eventId'] },
    { name: 'idx_intake_order_inbox', columns: ['inboxUnitId', 'eventId'] },
  ],
});

export interface IntakeCallbackRow {
  id: number;
  orderId: number;
  seq: number;
  status: string;
  body: string;
  createdAt: Date;
  enqueuedAt: Date | null;
  deliveredAt: Date | null;
  attempts: number;
  lastOutcome: string | null;
}

export const IntakeCallbackSchema = new EntitySchema<IntakeCallbackRow>({
  name: 'IntakeCallback',
  tableName: 'intake_callback',
  columns: {
    id: idColumn,
    orderId: { name: 'order_id', type: 'int' },
    seq: { type: 'int' },
    status: { type: 'varchar', length: 24 },
    body: { type: 'text' },
    createdAt: dateColumn('created_at'),
    enqueuedAt: dateColumn('enqueued_at', true),
    deliveredAt: dateColumn('delivered_at', true),
    attempts: { type: 'int', default: 0 },
    lastOutcome: { name: 'last_outcome', type: 'varchar', length: 64, nullable: true },
  },
  uniques: [{ name: 'uq_intake_callback_seq', columns: ['orderId', 'seq'] }],
  indices: [{ name: 'idx_intake_callback_enqueued', columns: ['enqueuedAt'] }],
});

export interface GridAddressWordRow {
  unitId: number;
  word: string;
  createdAt: Date;
}

export const GridAddressWordSchema = new EntitySchema<GridAddressWordRow>({
  name: 'GridAddressWord',
  tableName: 'grid_address_word',
  columns: {
    unitId: { name: 'unit_id', type: 'int', primary: true },
    word: { type: 'varchar', length: 64, primary: true },
    createdAt: dateColumn('created_at'),
  },
});

export const intakeSchemas = [IntakeClientSchema, IntakeOrderSchema, IntakeCallbackSchema, GridAddressWordSchema];
