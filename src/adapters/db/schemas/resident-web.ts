/**
 * Residents who report from the page behind a grid's QR card (no login): their device (the
 * identity, kept as a keyed hash plus a sealed copy), the private tracking link of each report
 * (only its SHA-256), and the photos they uploaded.
 */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface ResidentDeviceRow {
  id: number;
  /** The resident (chat_resident.id) this device is: the `residentId` of its events' origin. */
  residentId: number;
  /** Keyed hash (vault MAC) of the device cookie: the look-up key. */
  deviceMac: string;
  /** The device cookie, sealed by the PII vault. */
  deviceSealed: string;
  /** A phone the resident left (sealed), or null. */
  phoneSealed: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  silencedAt: Date | null;
  silencedBy: number | null;
  silencedReason: string | null;
}

export const ResidentDeviceSchema = new EntitySchema<ResidentDeviceRow>({
  name: 'ResidentDevice',
  tableName: 'resident_device',
  columns: {
    id: idColumn,
    residentId: { name: 'resident_id', type: 'int' },
    deviceMac: { name: 'device_mac', type: 'varchar', length: 64 },
    deviceSealed: { name: 'device_sealed', type: 'text' },
    phoneSealed: { name: 'phone_sealed', type: 'text', nullable: true },
    createdAt: dateColumn('created_at'),
    lastSeenAt: dateColumn('last_seen_at'),
    silencedAt: dateColumn('silenced_at', true),
    silencedBy: { name: 'silenced_by', type: 'int', nullable: true },
    silencedReason: { name: 'silenced_reason', type: 'varchar', length: 20, nullable: true },
  },
  uniques: [
    { name: 'uq_resident_device_mac', columns: ['deviceMac'] },
    { name: 'uq_resident_device_resident', columns: ['residentId'] },
  ],
});

export interface ResidentWebReportRow {
  id: number;
  /** SHA-256 (hex) of the tracking token; the token itself is only in the resident's link. */
  tokenHash: string;
  eventNumber: string;
  deviceId: number;
  gridUnitId: number;
  createdAt: Date;
}

export const ResidentWebReportSchema = new EntitySchema<ResidentWebReportRow>({
  name: 'ResidentWebReport',
  tableName: 'resident_web_report',
  columns: {
    id: idColumn,
    tokenHash: { name: 'token_hash', type: 'varchar', length: 64 },
    eventNumber: { name: 'event_number', type: 'varchar', length: 32 },
    deviceId: { name: 'device_id', type: 'int' },
    gridUnitId: { name: 'grid_unit_id', type: 'int' },
    createdAt: dateColumn('created_at'),
  },
  uniques: [{ name: 'uq_resident_web_report_token', columns: ['tokenHash'] }],
  indices: [
    { name: 'idx_resident_web_report_event', columns: ['eventNumber'] },
    { name: 'idx_resident_web_report_device', columns: ['deviceId'] },
  ],
});

export interface ResidentPhotoRow {
  /** 128-bit random, hex: the photo's address is unguessable. */
  id: string;
  deviceId: number;
  mimeType: string;
  bytes: Buffer;
  createdAt: Date;
}

export const ResidentPhotoSchema = new EntitySchema<ResidentPhotoRow>({
  name: 'ResidentPhoto',
  tableName: 'resident_photo',
  columns: {
    id: { type: 'varchar', length: 32, primary: true },
    deviceId: { name: 'device_id', type: 'int' },
    mimeType: { name: 'mime_type', type: 'varchar', length: 20 },
    bytes: { type: 'blob' },
    createdAt: dateColumn('created_at'),
  },
  indices: [{ name: 'idx_resident_photo_device', columns: ['deviceId'] }],
});

export const residentWebSchemas = [ResidentDeviceSchema, ResidentWebReportSchema, ResidentPhotoSchema];
