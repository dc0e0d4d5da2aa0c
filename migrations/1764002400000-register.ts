import type { MigrationInterface, QueryRunner } from 'typeorm';
import { col, createTable } from './support';

/**
 * The register (一户一档): households, residents (ID numbers, phones and tags sealed, looked up by
 * keyed hash), places, the tag vocabulary, household history, visits, shares with departments,
 * the access log of residents' data, and links from events and tasks to households and places.
 */
export class Register1764002400000 implements MigrationInterface {
  name = 'Register1764002400000';

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, 'register_tag', [col.str('name', 24, { primary: true }), col.str('target', 8), col.int('cadence_days', { nullable: true }), col.date('updated_at')]);
    await createTable(
      q,
      'household',
      [col.id(), col.int('unit_id'), col.str('unit_path', 255), col.str('address', 100), col.str('building', 100), col.bool('rented', false), col.date('created_at'), col.date('updated_at'), col.date('last_visit_at', true)],
      { uniques: [{ name: 'uq_household_address', columnNames: ['unit_id', 'address'] }], indices: [{ name: 'ix_household_path', columnNames: ['unit_path'] }, { name: 'ix_household_address', columnNames: ['address'] }] },
    );
    await createTable(
      q,
      'resident',
      [
        col.id(),
        col.int('household_id'),
        col.int('unit_id'),
        col.str('unit_path', 255),
        col.str('name', 64),
        col.str('relation', 16),
        col.text('id_sealed', true),
        col.str('id_mac', 64, { nullable: true }),
        col.text('phone_sealed', true),
        col.text('tags_sealed', true),
        col.str('status', 12),
        col.date('created_at'),
        col.date('updated_at'),
      ],
      {
        uniques: [{ name: 'uq_resident_id_mac', columnNames: ['id_mac'] }],
        indices: [{ name: 'ix_resident_household', columnNames: ['household_id'] }, { name: 'ix_resident_name', columnNames: ['name'] }, { name: 'ix_resident_path', columnNames: ['unit_path'] }],
      },
    );
    await createTable(q, 'resident_tag', [col.int('resident_id', { primary: true }), col.str('tag_mac', 64, { primary: true }), col.int('household_id'), col.str('unit_path', 255)], {
      indices: [{ name: 'ix_resident_tag_mac', columnNames: ['tag_mac', 'unit_path'] }, { name: 'ix_resident_tag_household', columnNames: ['household_id'] }],
    });
    await createTable(
      q,
      'household_change',
      [col.id(), col.int('household_id'), col.str('kind', 12), col.int('resident_id', { nullable: true }), col.str('note', 200, { nullable: true }), col.int('member_id', { nullable: true }), col.date('at')],
      { indices: [{ name: 'ix_household_change_household', columnNames: ['household_id', 'at'] }] },
    );
    await createTable(
      q,
      'place',
      [
        col.id(),
        col.int('unit_id'),
        col.str('unit_path', 255),
        col.str('name', 100),
        col.str('kind', 24),
        col.str('address', 100),
        col.text('tags'),
        col.str('contact_name', 64, { nullable: true }),
        col.text('contact_phone_sealed', true),
        col.date('created_at'),
        col.date('updated_at'),
        col.date('last_visit_at', true),
      ],
      { uniques: [{ name: 'uq_place_name', columnNames: ['unit_id', 'name'] }], indices: [{ name: 'ix_place_path', columnNames: ['unit_path'] }] },
    );
    await createTable(
      q,
      'register_visit',
      [col.id(), col.int('household_id', { nullable: true }), col.int('place_id', { nullable: true }), col.int('unit_id'), col.int('member_id'), col.date('at'), col.text('notes'), col.text('photos'), col.str('location', 200, { nullable: true })],
      { indices: [{ name: 'ix_visit_household', columnNames: ['household_id', 'at'] }, { name: 'ix_visit_place', columnNames: ['place_id', 'at'] }, { name: 'ix_visit_unit', columnNames: ['unit_id', 'at'] }] },
    );
    await createTable(q, 'register_share', [col.id(), col.int('member_id'), col.int('unit_id'), col.str('unit_path', 255), col.int('granted_by'), col.date('created_at')], {
      uniques: [{ name: 'uq_register_share', columnNames: ['member_id', 'unit_id'] }],
    });
    await createTable(
      q,
      'register_access',
      [
        col.id(),
        col.date('at'),
        col.int('member_id', { nullable: true }),
        col.str('action', 12),
        col.str('subject', 12),
        col.int('subject_id', { nullable: true }),
        col.int('unit_id', { nullable: true }),
        col.str('unit_path', 255, { nullable: true }),
        col.str('channel', 16, { nullable: true }),
        col.str('conversation_id', 128, { nullable: true }),
        col.str('detail', 200, { nullable: true }),
      ],
      { indices: [{ name: 'ix_register_access_at', columnNames: ['at'] }, { name: 'ix_register_access_path', columnNames: ['unit_path', 'at'] }] },
    );

    await createTable(
      q,
      'register_link',
      [col.id(), col.int('household_id', { nullable: true }), col.int('place_id', { nullable: true }), col.str('kind', 8), col.str('ref', 32), col.int('member_id'), col.date('created_at')],
      {
        uniques: [{ name: 'uq_register_link', columnNames: ['household_id', 'place_id', 'kind', 'ref'] }],
        indices: [{ name: 'ix_register_link_household', columnNames: ['household_id'] }, { name: 'ix_register_link_place', columnNames: ['place_id'] }, { name: 'ix_register_link_ref', columnNames: ['ref'] }],
      },
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['register_link', 'register_access', 'register_share', 'register_visit', 'place', 'household_change', 'resident_tag', 'resident', 'household', 'register_tag']) await q.dropTable(table);
  }
}
