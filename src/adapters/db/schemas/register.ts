/**
 * Table mappings of the register (一户一档): households, residents, places, the tag vocabulary,
 * household history, visits, shares with departments and the access log. Columns ending in
 * `_sealed` hold AES-256-GCM envelopes (adapters/db/pii), `_mac` keyed hashes for look-ups; the
 * plaintext of an ID number, a phone or a special-group tag is never stored.
 */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface RegisterTagRow {
  name: string;
  target: string;
  cadenceDays: number | null;
  updatedAt: Date;
}

export const RegisterTagSchema = new EntitySchema<RegisterTagRow>({
  name: 'RegisterTag',
  tableName: 'register_tag',
  columns: {
    name: { type: 'varchar', length: 24, primary: true },
    target: { type: 'varchar', length: 8 },
    cadenceDays: { name: 'cadence_days', type: 'int', nullable: true },
    updatedAt: dateColumn('updated_at'),
  },
});

export interface HouseholdRow {
  id: number;
  unitId: number;
  unitPath: string;
  address: string;
  building: string;
  rented: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastVisitAt: Date | null;
}

export const HouseholdSchema = new EntitySchema<HouseholdRow>({
  name: 'Household',
  tableName: 'household',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
    address: { type: 'varchar', length: 100 },
    building: { type: 'varchar', length: 100 },
    rented: { type: 'boolean' },
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
    lastVisitAt: dateColumn('last_visit_at', true),
  },
});

export interface ResidentRow {
  id: number;
  householdId: number;
  unitId: number;
  unitPath: string;
  name: string;
  relation: string;
  idSealed: string | null;
  idMac: string | null;
  phoneSealed: string | null;
  tagsSealed: string | null;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

export const ResidentSchema = new EntitySchema<ResidentRow>({
  name: 'Resident',
  tableName: 'resident',
  columns: {
    id: idColumn,
    householdId: { name: 'household_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
    name: { type: 'varchar', length: 64 },
    relation: { type: 'varchar', length: 16 },
    idSealed: { name: 'id_sealed', type: 'text', nullable: true },
    idMac: { name: 'id_mac', type: 'varchar', length: 64, nullable: true },
    phoneSealed: { name: 'phone_sealed', type: 'text', nullable: true },
    tagsSealed: { name: 'tags_sealed', type: 'text', nullable: true },
    status: { type: 'varchar', length: 12 },
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
  },
});

/** One row per tag of a resident, the tag as a keyed hash: look-ups by tag without revealing it. */
export interface ResidentTagRow {
  residentId: number;
  tagMac: string;
  householdId: number;
  unitPath: string;
}

export const ResidentTagSchema = new EntitySchema<ResidentTagRow>({
  name: 'ResidentTag',
  tableName: 'resident_tag',
  columns: {
    residentId: { name: 'resident_id', type: 'int', primary: true },
    tagMac: { name: 'tag_mac', type: 'varchar', length: 64, primary: true },
    householdId: { name: 'household_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
  },
});

export interface HouseholdChangeRow {
  id: number;
  householdId: number;
  kind: string;
  residentId: number | null;
  note: string | null;
  memberId: number | null;
  at: Date;
}

export const HouseholdChangeSchema = new EntitySchema<HouseholdChangeRow>({
  name: 'HouseholdChange',
  tableName: 'household_change',
  columns: {
    id: idColumn,
    householdId: { name: 'household_id', type: 'int' },
    kind: { type: 'varchar', length: 12 },
    residentId: { name: 'resident_id', type: 'int', nullable: true },
    note: { type: 'varchar', length: 200, nullable: true },
    memberId: { name: 'member_id', type: 'int', nullable: true },
    at: dateColumn('at'),
  },
});

export interface PlaceRow {
  id: number;
  unitId: number;
  unitPath: string;
  name: string;
  kind: string;
  address: string;
  /** JSON array of tag names (places' tags are not personal data). */
  tags: string;
  contactName: string | null;
  contactPhoneSealed: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastVisitAt: Date | null;
}

export const PlaceSchema = new EntitySchema<PlaceRow>({
  name: 'Place',
  tableName: 'place',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
    name: { type: 'varchar', length: 100 },
    kind: { type: 'varchar', length: 24 },
    address: { type: 'varchar', length: 100 },
    tags: { type: 'text' },
    contactName: { name: 'contact_name', type: 'varchar', length: 64, nullable: true },
    contactPhoneSealed: { name: 'contact_phone_sealed', type: 'text', nullable: true },
    createdAt: dateColumn('created_at'),
    updatedAt: dateColumn('updated_at'),
    lastVisitAt: dateColumn('last_visit_at', true),
  },
});

export interface VisitRow {
  id: number;
  householdId: number | null;
  placeId: number | null;
  unitId: number;
  memberId: number;
  at: Date;
  notes: string;
  photos: string;
  location: string | null;
}

export const VisitSchema = new EntitySchema<VisitRow>({
  name: 'Visit',
  tableName: 'register_visit',
  columns: {
    id: idColumn,
    householdId: { name: 'household_id', type: 'int', nullable: true },
    placeId: { name: 'place_id', type: 'int', nullable: true },
    unitId: { name: 'unit_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
    at: dateColumn('at'),
    notes: { type: 'text' },
    photos: { type: 'text' },
    location: { type: 'varchar', length: 200, nullable: true },
  },
});

export interface RegisterShareRow {
  id: number;
  memberId: number;
  unitId: number;
  unitPath: string;
  grantedBy: number;
  createdAt: Date;
}

export const RegisterShareSchema = new EntitySchema<RegisterShareRow>({
  name: 'RegisterShare',
  tableName: 'register_share',
  columns: {
    id: idColumn,
    memberId: { name: 'member_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255 },
    grantedBy: { name: 'granted_by', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
});

export interface RegisterAccessRow {
  id: number;
  at: Date;
  memberId: number | null;
  action: string;
  subject: string;
  subjectId: number | null;
  unitId: number | null;
  unitPath: string | null;
  channel: string | null;
  conversationId: string | null;
  detail: string | null;
}

export const RegisterAccessSchema = new EntitySchema<RegisterAccessRow>({
  name: 'RegisterAccess',
  tableName: 'register_access',
  columns: {
    id: idColumn,
    at: dateColumn('at'),
    memberId: { name: 'member_id', type: 'int', nullable: true },
    action: { type: 'varchar', length: 12 },
    subject: { type: 'varchar', length: 12 },
    subjectId: { name: 'subject_id', type: 'int', nullable: true },
    unitId: { name: 'unit_id', type: 'int', nullable: true },
    unitPath: { name: 'unit_path', type: 'varchar', length: 255, nullable: true },
    channel: { type: 'varchar', length: 16, nullable: true },
    conversationId: { name: 'conversation_id', type: 'varchar', length: 128, nullable: true },
    detail: { type: 'varchar', length: 200, nullable: true },
  },
});

/** An event (SJ…) or task (T…) linked to a household or a place (代办 included: it is a task). */
export interface RegisterLinkRow {
  id: number;
  householdId: number | null;
  placeId: number | null;
  kind: string;
  ref: string;
  memberId: number;
  createdAt: Date;
}

export const RegisterLinkSchema = new EntitySchema<RegisterLinkRow>({
  name: 'RegisterLink',
  tableName: 'register_link',
  columns: {
    id: idColumn,
    householdId: { name: 'household_id', type: 'int', nullable: true },
    placeId: { name: 'place_id', type: 'int', nullable: true },
    kind: { type: 'varchar', length: 8 },
    ref: { type: 'varchar', length: 32 },
    memberId: { name: 'member_id', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
});

export const registerSchemas = [RegisterLinkSchema, RegisterTagSchema, HouseholdSchema, ResidentSchema, ResidentTagSchema, HouseholdChangeSchema, PlaceSchema, VisitSchema, RegisterShareSchema, RegisterAccessSchema];
