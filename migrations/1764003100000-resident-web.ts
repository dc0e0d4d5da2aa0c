import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/**
 * Residents reporting from the page behind a grid's QR card: their devices (each one resident of
 * chat_resident, the one identity space of residents; keyed hash + sealed copy, an optional sealed phone, silenced by 无效/骚扰), each report's tracking link (hash only)
 * and their photos (bytes in the database, so every process serves them and backups carry them).
 */
export class ResidentWeb1764003100000 implements MigrationInterface {
  name = 'ResidentWeb1764003100000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      'resident_device',
      [
        col.id(),
        col.int('resident_id'),
        col.str('device_mac', 64),
        col.text('device_sealed'),
        col.text('phone_sealed', true),
        col.date('created_at'),
        col.date('last_seen_at'),
        col.date('silenced_at', true),
        col.int('silenced_by', { nullable: true }),
        col.str('silenced_reason', 20, { nullable: true }),
      ],
      { uniques: [{ name: 'uq_resident_device_mac', columnNames: ['device_mac'] }, { name: 'uq_resident_device_resident', columnNames: ['resident_id'] }], indices: [{ name: 'idx_resident_device_seen', columnNames: ['last_seen_at'] }] },
    );
    await createTable(q, 'resident_web_report', [col.id(), col.str('token_hash', 64), col.str('event_number', 32), col.int('device_id'), col.int('grid_unit_id'), col.date('created_at')], {
      uniques: [{ name: 'uq_resident_web_report_token', columnNames: ['token_hash'] }],
      indices: [
        { name: 'idx_resident_web_report_event', columnNames: ['event_number'] },
        { name: 'idx_resident_web_report_device', columnNames: ['device_id'] },
      ],
    });
    const blob = q.connection.driver.options.type === 'better-sqlite3' ? 'blob' : 'mediumblob';
    await createTable(
      q,
      'resident_photo',
      [col.str('id', 32, { primary: true }), col.int('device_id'), col.str('mime_type', 20), { name: 'bytes', type: blob, isNullable: false }, col.date('created_at')],
      { indices: [{ name: 'idx_resident_photo_device', columnNames: ['device_id'] }] },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('resident_photo');
    await q.dropTable('resident_web_report');
    await q.dropTable('resident_device');
  }
}
