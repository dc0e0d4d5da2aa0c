/** Table mappings of the residents' side (issue 16): groups, sealed identities, reports, access log, 回访. */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface ResidentGroupRow {
  id: number;
  channel: string;
  conversationId: string;
  unitId: number;
  boundBy: number;
  createdAt: Date;
}

export const ResidentGroupSchema = new EntitySchema<ResidentGroupRow>({
  name: 'ResidentGroup',
  tableName: 'resident_group',
  columns: {
    id: idColumn,
    channel: { type: 'varchar', length: 16 },
    conversationId: { name: 'conversation_id', type: 'varchar', length: 256 },
    unitId: { name: 'unit_id', type: 'int' },
    boundBy: { name: 'bound_by', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
  uniques: [{ name: 'uq_resident_group_conversation', columns: ['channel', 'conversationId'] }],
  indices: [{ name: 'idx_resident_group_unit', columns: ['unitId'] }],
});

export interface ChatResidentRow {
  id: number;
  /** Keyed hash of channel + platform user id (look-up); null once purged. */
  identityMac: string | null;
  /** Sealed JSON { channel, userId }; null once purged. */
  identitySealed: string | null;
  phoneSealed: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  purgedAt: Date | null;
}

export const ChatResidentSchema = new EntitySchema<ChatResidentRow>({
  name: 'ChatResident',
  tableName: 'chat_resident',
  columns: {
    id: idColumn,
    identityMac: { name: 'identity_mac', type: 'varchar', length: 64, nullable: true },
    identitySealed: { name: 'identity_sealed', type: 'text', nullable: true },
    phoneSealed: { name: 'phone_sealed', type: 'text', nullable: true },
    createdAt: dateColumn('created_at'),
    lastSeenAt: dateColumn('last_seen_at'),
    purgedAt: dateColumn('purged_at', true),
  },
  uniques: [{ name: 'uq_chat_resident_identity', columns: ['identityMac'] }],
  indices: [{ name: 'idx_chat_resident_seen', columns: ['lastSeenAt'] }],
});

export interface ResidentReportRow {
  id: number;
  eventId: number;
  eventNumber: string;
  residentId: number;
  channel: string;
  conversationId: string;
  createdAt: Date;
}

export const ResidentReportSchema = new EntitySchema<ResidentReportRow>({
  name: 'ResidentReport',
  tableName: 'resident_report',
  columns: {
    id: idColumn,
    eventId: { name: 'event_id', type: 'int' },
    eventNumber: { name: 'event_number', type: 'varchar', length: 20 },
    residentId: { name: 'resident_id', type: 'int' },
    channel: { type: 'varchar', length: 16 },
    conversationId: { name: 'conversation_id', type: 'varchar', length: 256 },
    createdAt: dateColumn('created_at'),
  },
  uniques: [{ name: 'uq_resident_report_event', columns: ['eventId'] }],
  indices: [{ name: 'idx_resident_report_resident', columns: ['residentId'] }],
});

export interface ResidentAccessRow {
  id: number;
  at: Date;
  residentId: number;
  memberId: number | null;
  action: string;
  purpose: string;
  eventNumber: string | null;
}

export const ResidentAccessSchema = new EntitySchema<ResidentAccessRow>({
  name: 'ResidentAccess',
  tableName: 'resident_access',
  columns: {
    id: idColumn,
    at: dateColumn('at'),
    residentId: { name: 'resident_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int', nullable: true },
    action: { type: 'varchar', length: 16 },
    purpose: { type: 'varchar', length: 32 },
    eventNumber: { name: 'event_number', type: 'varchar', length: 20, nullable: true },
  },
  indices: [{ name: 'idx_resident_access_resident', columns: ['residentId', 'at'] }],
});

export interface EventFollowupRow {
  id: number;
  eventId: number;
  eventNumber: string;
  gridUnitId: number;
  memberId: number;
  method: string;
  rating: string;
  note: string | null;
  at: Date;
}

export const EventFollowupSchema = new EntitySchema<EventFollowupRow>({
  name: 'EventFollowup',
  tableName: 'event_followup',
  columns: {
    id: idColumn,
    eventId: { name: 'event_id', type: 'int' },
    eventNumber: { name: 'event_number', type: 'varchar', length: 20 },
    gridUnitId: { name: 'grid_unit_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
    method: { type: 'varchar', length: 16 },
    rating: { type: 'varchar', length: 24 },
    note: { type: 'text', nullable: true },
    at: dateColumn('at'),
  },
  indices: [
    { name: 'idx_event_followup_grid', columns: ['gridUnitId', 'at'] },
    { name: 'idx_event_followup_event', columns: ['eventId'] },
  ],
});

export const residentSchemas = [ResidentGroupSchema, ChatResidentSchema, ResidentReportSchema, ResidentAccessSchema, EventFollowupSchema];
