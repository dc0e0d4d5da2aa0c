/**
 * Key rotation: re-seals every personal value and recomputes every look-up hash under the current
 * PII_KEY, reading the old ones with PII_KEY_PREVIOUS. Safe to run while the bot runs (row by
 * row, each in its own short transaction) and to run again (rows already current are skipped).
 * Steps: PII_KEY_PREVIOUS=<old>, PII_KEY=<new>, restart, `npm run pii:rotate`, then drop PII_KEY_PREVIOUS.
 */
import { MoreThan, type DataSource } from 'typeorm';
import { OutboxSchema } from '../schemas/core';
import { PlaceSchema, ResidentSchema, ResidentTagSchema, type ResidentRow } from '../schemas/register';
import { MACS, SEALED } from '../repositories/register-repository';
import { DaibanPhotoSchema } from '../schemas/daiban';
import { DAIBAN_PHOTO_FIELD } from '../repositories/daiban-repository';
import { MACS as DEVICE_MACS, SEALED as DEVICE_SEALED } from '../repositories/resident-web-repository';
import { ResidentDeviceSchema } from '../schemas/resident-web';
import { openPayload, sealPayload } from './outbox-seal';
import type { PiiVault } from './vault';

export interface RotationResult {
  residents: number;
  places: number;
  /** Devices of residents who reported from a 联系卡 page (their cookie and phone). */
  devices: number;
  messages: number;
  /** 代办 document photos. */
  photos: number;
}

const BATCH = 500;

function residentIsStale(vault: PiiVault, r: ResidentRow): boolean {
  return [r.idSealed, r.phoneSealed, r.tagsSealed].some((s) => s !== null && vault.isStale(s));
}

export async function rotatePii(dataSource: DataSource, vault: PiiVault): Promise<RotationResult> {
  const result: RotationResult = { residents: 0, places: 0, devices: 0, messages: 0, photos: 0 };
  for (let after = 0; ; ) {
    const rows = await dataSource.getRepository(ResidentSchema).find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: BATCH });
    if (!rows.length) break;
    after = rows[rows.length - 1].id;
    const stale = rows.filter((r) => residentIsStale(vault, r));
    if (!stale.length) continue;
    await dataSource.transaction(async (em) => {
      for (const r of stale) {
        const idNumber = r.idSealed ? vault.open(SEALED.idNumber, r.idSealed) : null;
        const phone = r.phoneSealed ? vault.open(SEALED.phone, r.phoneSealed) : null;
        const tags = r.tagsSealed ? (JSON.parse(vault.open(SEALED.tags, r.tagsSealed)) as string[]) : [];
        await em.getRepository(ResidentSchema).update(
          { id: r.id },
          {
            idSealed: idNumber ? vault.seal(SEALED.idNumber, idNumber) : null,
            idMac: idNumber ? vault.mac(MACS.idNumber, idNumber) : null,
            phoneSealed: phone ? vault.seal(SEALED.phone, phone) : null,
            tagsSealed: tags.length ? vault.seal(SEALED.tags, JSON.stringify(tags)) : null,
          },
        );
        await em.getRepository(ResidentTagSchema).delete({ residentId: r.id });
        if (r.status === 'present' && tags.length) {
          await em.getRepository(ResidentTagSchema).insert(tags.map((tag) => ({ residentId: r.id, tagMac: vault.mac(MACS.tag, tag), householdId: r.householdId, unitPath: r.unitPath })));
        }
      }
    });
    result.residents += stale.length;
  }
  for (const p of await dataSource.getRepository(PlaceSchema).find({ select: { id: true, contactPhoneSealed: true } })) {
    if (!p.contactPhoneSealed || !vault.isStale(p.contactPhoneSealed)) continue;
    await dataSource.getRepository(PlaceSchema).update({ id: p.id }, { contactPhoneSealed: vault.seal(SEALED.placePhone, vault.open(SEALED.placePhone, p.contactPhoneSealed)) });
    result.places++;
  }
  for (const p of await dataSource.getRepository(DaibanPhotoSchema).find({ select: { id: true, refSealed: true } })) {
    if (!vault.isStale(p.refSealed)) continue;
    await dataSource.getRepository(DaibanPhotoSchema).update({ id: p.id }, { refSealed: vault.seal(DAIBAN_PHOTO_FIELD, vault.open(DAIBAN_PHOTO_FIELD, p.refSealed)) });
    result.photos++;
  }
  for (const d of await dataSource.getRepository(ResidentDeviceSchema).find({ select: { id: true, deviceSealed: true, phoneSealed: true } })) {
    if (!vault.isStale(d.deviceSealed) && !(d.phoneSealed && vault.isStale(d.phoneSealed))) continue;
    const key = vault.open(DEVICE_SEALED.device, d.deviceSealed);
    const phone = d.phoneSealed ? vault.open(DEVICE_SEALED.phone, d.phoneSealed) : null;
    await dataSource.getRepository(ResidentDeviceSchema).update(
      { id: d.id },
      { deviceSealed: vault.seal(DEVICE_SEALED.device, key), deviceMac: vault.mac(DEVICE_MACS.device, key), phoneSealed: phone ? vault.seal(DEVICE_SEALED.phone, phone) : null },
    );
    result.devices++;
  }
  for (let after = ''; ; ) {
    const rows = await dataSource.getRepository(OutboxSchema).find({ where: { kind: 'message', id: MoreThan(after) }, select: { id: true, payload: true }, order: { id: 'ASC' }, take: BATCH });
    if (!rows.length) break;
    after = rows[rows.length - 1].id;
    const stale = rows.filter((r) => !r.payload.startsWith('{') && vault.isStale(r.payload));
    for (const r of stale) await dataSource.getRepository(OutboxSchema).update({ id: r.id }, { payload: sealPayload(vault, 'message', openPayload(vault, r.payload)) });
    result.messages += stale.length;
  }
  return result;
}
