/**
 * Key rotation, as the README tells an operator to do it: the new key in PII_KEY, the old one in
 * PII_KEY_PREVIOUS, restart (everything still opens and is found), `pii:rotate`, drop the old key
 * (everything still opens and is found, and nothing is left under the old key).
 */
import crypto from 'node:crypto';
import { seedDemo } from '../../src/adapters/db/demo';
import { ResidentSchema, ResidentTagSchema } from '../../src/adapters/db/schemas/register';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { AesGcmVault } from '../../src/adapters/db/pii/vault';
import { rotatePii } from '../../src/adapters/db/pii/rotate';
import { DaibanPhotoSchema } from '../../src/adapters/db/schemas/daiban';
import { createTestDatabase, defaultKind, type TestDatabase } from '../support/databases';
import { startTestApp, type TestApp } from '../support/app';
import { idNumber } from './support';

const OLD = crypto.randomBytes(32).toString('base64');
const NEW = crypto.randomBytes(32).toString('base64');
const ID = idNumber('1940-03-04', 9);

describe('rotating the PII key', () => {
  let db: TestDatabase;
  let app: TestApp | null = null;
  // One prefix for every restart: the sandbox's message ids go on where they left off.
  const queuePrefix = `gbtrot${crypto.randomBytes(3).toString('hex')}`;
  const start = async (env: Record<string, string>) => {
    app = await startTestApp({ database: db, queuePrefix, env });
    return app;
  };
  const stop = async () => {
    await app?.stop();
    app = null;
  };

  beforeAll(async () => {
    db = await createTestDatabase(defaultKind());
  });
  afterAll(async () => {
    await stop();
    await db.drop();
  });

  it('keeps every record readable and findable through the rotation, and leaves nothing under the old key', async () => {
    const first = await start({ PII_KEY: OLD });
    await seedDemo(first.runtime.uow);
    await first.chat.ask('dm-wgy-yg1', 'wgy-yg1', '建户 5幢1单元101');
    expect(await first.chat.ask('dm-wgy-yg1', 'wgy-yg1', `登记 H1 王桂兰 户主 ${ID} 13700001111 独居老人,低保户`)).toContain('已登记 R1');
    // A 代办 with a photo of a document: sealed under the same key, rotated with the rest.
    const daiban = /DB\d{8}-\d{4}/.exec(await first.chat.ask('dm-wgy-yg1', 'wgy-yg1', '代办 H1 低保'))![0];
    const [stored] = await first.chat.say('dm-wgy-yg1', 'wgy-yg1', `代办材料 ${daiban}`, [{ kind: 'image', url: 'https://media.example/id-0001.jpg' }]);
    expect(stored.text).toContain('已加密保存');
    await stop();

    const rotating = await start({ PII_KEY: NEW, PII_KEY_PREVIOUS: OLD });
    expect(await rotating.chat.ask('dm-wgy-yg1', 'wgy-yg1', `查人 ${ID}`)).toContain('13700001111');
    expect(await rotating.chat.ask('dm-wgy-yg1', 'wgy-yg1', '查户 低保户')).toContain('王桂兰');
    const result = await rotatePii(rotating.runtime.dataSource, new AesGcmVault(Buffer.from(NEW, 'base64'), Buffer.from(OLD, 'base64')));
    expect(result.residents).toBe(1);
    expect(result.photos).toBe(1);
    expect(result.messages).toBeGreaterThan(0);
    expect(await rotatePii(rotating.runtime.dataSource, new AesGcmVault(Buffer.from(NEW, 'base64'), Buffer.from(OLD, 'base64')))).toEqual({ residents: 0, places: 0, devices: 0, messages: 0, photos: 0 });
    await stop();

    const after = await start({ PII_KEY: NEW });
    expect(await after.chat.ask('dm-wgy-yg1', 'wgy-yg1', `查人 ${ID}`)).toContain('13700001111');
    expect(await after.chat.ask('dm-wgy-yg1', 'wgy-yg1', '查户 独居老人')).toContain('王桂兰');
    const newId = new AesGcmVault(Buffer.from(NEW, 'base64')).currentKeyId;
    const [row] = await after.runtime.dataSource.getRepository(ResidentSchema).find();
    for (const sealed of [row.idSealed, row.phoneSealed, row.tagsSealed]) expect(sealed!.split('.')[1]).toBe(newId);
    expect(await after.runtime.dataSource.getRepository(ResidentTagSchema).count()).toBe(2);
    const messages = await after.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'message' } });
    for (const m of messages) expect(m.payload.split('.')[1]).toBe(newId);
    const [photo] = await after.runtime.dataSource.getRepository(DaibanPhotoSchema).find();
    expect(photo.refSealed.split('.')[1]).toBe(newId);
    expect(await after.chat.ask('dm-wgy-yg1', 'wgy-yg1', `代办材料 ${daiban}`)).toContain('https://media.example/id-0001.jpg');
  }, 90_000);
});
