/**
 * Table mappings of the core: organisation, bindings, the handled-message record, the outbox,
 * dialog state, settings, sequences and the audit log. Plain row types; no decorators.
 */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface OrgUnitRow {
  id: number;
  code: string;
  name: string;
  level: string;
  parentId: number | null;
  /** Materialised path of ids, e.g. `/1/3/7/`: subtree queries are a prefix match. */
  path: string;
  boundary: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}
export const OrgUnitSchema = new EntitySchema<OrgUnitRow>({
  name: 'OrgUnit',
  tableName: 'org_unit',
  columns: {
    id: idColumn,
    code: { type: 'varchar', length: 32, unique: true },
    name: { type: 'varchar', length: 100 },
    level: { type: 'varchar', length: 16 },
    parentId: { name: 'parent_id', type: 'int', nullable: true },
    path: { type: 'varchar', length: 255 },
    boundary: { type: 'text', nullable: true },
    active: { type: 'boolean', default: true },
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
  },
  indices: [{ name: 'idx_org_unit_path', columns: ['path'] }],
});

export interface MemberRow {
  id: number;
  name: string;
  /** Personal data: shown masked in group chats. */
  phone: string | null;
  active: boolean;
  createdAt: Date;
}
export const MemberSchema = new EntitySchema<MemberRow>({
  name: 'Member',
  tableName: 'member',
  columns: {
    id: idColumn,
    name: { type: 'varchar', length: 100 },
    phone: { type: 'varchar', length: 32, nullable: true },
    active: { type: 'boolean', default: true },
    createdAt: dateColumn('created_at'),
  },
});

export interface MemberRoleRow {
  id: number;
  memberId: number;
  role: string;
  unitId: number;
  createdAt: Date;
}
export const MemberRoleSchema = new EntitySchema<MemberRoleRow>({
  name: 'MemberRole',
  tableName: 'member_role',
  columns: {
    id: idColumn,
    memberId: { name: 'member_id', type: 'int' },
    role: { type: 'varchar', length: 32 },
    unitId: { name: 'unit_id', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
  uniques: [{ name: 'uq_member_role', columns: ['memberId', 'role', 'unitId'] }],
});

export interface ChannelBindingRow {
  id: number;
  channel: string;
  platformUserId: string;
  memberId: number;
  displayName: string | null;
  lastSeenAt: Date;
}
export const ChannelBindingSchema = new EntitySchema<ChannelBindingRow>({
  name: 'ChannelBinding',
  tableName: 'channel_binding',
  columns: {
    id: idColumn,
    channel: { type: 'varchar', length: 16 },
    platformUserId: { name: 'platform_user_id', type: 'varchar', length: 191 },
    memberId: { name: 'member_id', type: 'int' },
    displayName: { name: 'display_name', type: 'varchar', length: 200, nullable: true },
    lastSeenAt: dateColumn('last_seen_at'),
  },
  uniques: [{ name: 'uq_channel_binding', columns: ['channel', 'platformUserId'] }],
  indices: [{ name: 'idx_channel_binding_member', columns: ['memberId'] }],
});

export interface ConversationBindingRow {
  id: number;
  channel: string;
  conversationId: string;
  unitId: number;
  title: string | null;
  createdAt: Date;
}
export const ConversationBindingSchema = new EntitySchema<ConversationBindingRow>({
  name: 'ConversationBinding',
  tableName: 'conversation_binding',
  columns: {
    id: idColumn,
    channel: { type: 'varchar', length: 16 },
    conversationId: { name: 'conversation_id', type: 'varchar', length: 191 },
    unitId: { name: 'unit_id', type: 'int' },
    title: { type: 'varchar', length: 200, nullable: true },
    createdAt: dateColumn('created_at'),
  },
  uniques: [{ name: 'uq_conversation_binding', columns: ['channel', 'conversationId'] }],
  indices: [{ name: 'idx_conversation_binding_unit', columns: ['unitId'] }],
});

export interface InviteRow {
  code: string;
  memberId: number;
  createdBy: number | null;
  expiresAt: Date;
  usedAt: Date | null;
}
export const InviteSchema = new EntitySchema<InviteRow>({
  name: 'Invite',
  tableName: 'invite',
  columns: {
    code: { type: 'varchar', length: 16, primary: true },
    memberId: { name: 'member_id', type: 'int' },
    createdBy: { name: 'created_by', type: 'int', nullable: true },
    expiresAt: dateColumn('expires_at'),
    usedAt: dateColumn('used_at', true),
  },
});

export interface ProcessedKeyRow {
  key: string;
  processedAt: Date;
}
/** The record that a message (or a scheduled firing) was handled, written in the same transaction. */
export const ProcessedKeySchema = new EntitySchema<ProcessedKeyRow>({
  name: 'ProcessedKey',
  tableName: 'processed_key',
  columns: {
    key: { type: 'varchar', length: 191, primary: true },
    processedAt: dateColumn('processed_at'),
  },
});

export interface OutboxRow {
  id: string;
  sourceKey: string;
  kind: string;
  channel: string | null;
  payload: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  dispatchedAt: Date | null;
  sentAt: Date | null;
}
export const OutboxSchema = new EntitySchema<OutboxRow>({
  name: 'Outbox',
  tableName: 'outbox',
  columns: {
    id: { type: 'varchar', length: 64, primary: true },
    sourceKey: { name: 'source_key', type: 'varchar', length: 191 },
    kind: { type: 'varchar', length: 16 },
    channel: { type: 'varchar', length: 16, nullable: true },
    payload: { type: 'text' },
    status: { type: 'varchar', length: 16 },
    attempts: { type: 'int', default: 0 },
    lastError: { name: 'last_error', type: 'text', nullable: true },
    createdAt: dateColumn('created_at'),
    dispatchedAt: dateColumn('dispatched_at', true),
    sentAt: dateColumn('sent_at', true),
  },
  indices: [
    { name: 'idx_outbox_source', columns: ['sourceKey'] },
    { name: 'idx_outbox_dispatch', columns: ['dispatchedAt', 'createdAt'] },
  ],
});

export interface DialogStateRow {
  key: string;
  kind: string;
  data: string;
  expiresAt: Date;
  updatedAt: Date;
}
export const DialogStateSchema = new EntitySchema<DialogStateRow>({
  name: 'DialogState',
  tableName: 'dialog_state',
  columns: {
    key: { type: 'varchar', length: 191, primary: true },
    kind: { type: 'varchar', length: 64 },
    data: { type: 'text' },
    expiresAt: dateColumn('expires_at'),
    updatedAt: dateColumn('updated_at'),
  },
});

export interface SettingRow {
  key: string;
  value: string;
  updatedAt: Date;
}
export const SettingSchema = new EntitySchema<SettingRow>({
  name: 'Setting',
  tableName: 'setting',
  columns: {
    key: { type: 'varchar', length: 191, primary: true },
    value: { type: 'text' },
    updatedAt: dateColumn('updated_at'),
  },
});

export interface SequenceRow {
  name: string;
  value: number;
}
/** Daily counters behind human numbers such as SJ20261122-0007. */
export const SequenceSchema = new EntitySchema<SequenceRow>({
  name: 'Sequence',
  tableName: 'sequence',
  columns: {
    name: { type: 'varchar', length: 64, primary: true },
    value: { type: 'int' },
  },
});

export interface AuditLogRow {
  id: number;
  at: Date;
  actorMemberId: number | null;
  action: string;
  target: string | null;
  detail: string | null;
}
export const AuditLogSchema = new EntitySchema<AuditLogRow>({
  name: 'AuditLog',
  tableName: 'audit_log',
  columns: {
    id: idColumn,
    at: dateColumn('at'),
    actorMemberId: { name: 'actor_member_id', type: 'int', nullable: true },
    action: { type: 'varchar', length: 64 },
    target: { type: 'varchar', length: 191, nullable: true },
    detail: { type: 'text', nullable: true },
  },
  indices: [{ name: 'idx_audit_at', columns: ['at'] }],
});

export const coreSchemas = [
  OrgUnitSchema,
  MemberSchema,
  MemberRoleSchema,
  ChannelBindingSchema,
  ConversationBindingSchema,
  InviteSchema,
  ProcessedKeySchema,
  OutboxSchema,
  DialogStateSchema,
  SettingSchema,
  SequenceSchema,
  AuditLogSchema,
];
