import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../log';
import { loadConfig } from '../../../config';
import { vaultFromConfig } from './key-file';
import { AesGcmVault, PiiKeyUnknownError, PiiTamperedError } from './vault';

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);

describe('the PII vault', () => {
  it('seals with a fresh IV each time and opens only in the same field', () => {
    const vault = new AesGcmVault(keyA);
    const a = vault.seal('resident.phone', '13812345678');
    const b = vault.seal('resident.phone', '13812345678');
    expect(a).not.toEqual(b);
    expect(a).not.toContain('13812345678');
    expect(vault.open('resident.phone', a)).toBe('13812345678');
    expect(() => vault.open('resident.id_number', a)).toThrow(PiiTamperedError);
  });

  it('refuses a value changed in the database', () => {
    const vault = new AesGcmVault(keyA);
    const sealed = vault.seal('resident.phone', '13812345678');
    const bytes = Buffer.from(sealed.split('.')[2], 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(() => vault.open('resident.phone', `g1.${sealed.split('.')[1]}.${bytes.toString('base64url')}`)).toThrow(PiiTamperedError);
  });

  it('looks up with a keyed hash that depends on the key, and under both keys during a rotation', () => {
    const old = new AesGcmVault(keyA);
    const rotating = new AesGcmVault(keyB, keyA);
    expect(old.mac('id_number', 'X')).toMatch(/^[0-9a-f]{64}$/);
    expect(rotating.mac('id_number', 'X')).not.toBe(old.mac('id_number', 'X'));
    expect(rotating.macs('id_number', 'X')).toEqual([rotating.mac('id_number', 'X'), old.mac('id_number', 'X')]);
    const sealedOld = old.seal('f', 'v');
    expect(rotating.open('f', sealedOld)).toBe('v');
    expect(rotating.isStale(sealedOld)).toBe(true);
    expect(rotating.isStale(rotating.seal('f', 'v'))).toBe(false);
    expect(() => new AesGcmVault(keyB).open('f', sealedOld)).toThrow(PiiKeyUnknownError);
  });

  it('generates a development key once, and production refuses to start without PII_KEY', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-'));
    const file = path.join(dir, 'data', 'pii.key');
    const first = vaultFromConfig({ PII_KEY: undefined, PII_KEY_PREVIOUS: undefined }, silentLogger, file);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const second = vaultFromConfig({ PII_KEY: undefined, PII_KEY_PREVIOUS: undefined }, silentLogger, file);
    expect(second.currentKeyId).toBe(first.currentKeyId);
    fs.rmSync(dir, { recursive: true, force: true });
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('Invalid PII_KEY: required when NODE_ENV=production');
    expect(() => loadConfig({ PII_KEY: 'short' })).toThrow('Invalid PII_KEY');
    expect(() => loadConfig({ PII_KEY_PREVIOUS: keyA.toString('base64') })).toThrow('Invalid PII_KEY: required when PII_KEY_PREVIOUS is set');
    expect(loadConfig({ NODE_ENV: 'production', PII_KEY: keyA.toString('base64') }).PII_KEY).toBe(keyA.toString('base64'));
  });
});
