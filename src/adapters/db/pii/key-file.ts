/**
 * Where the PII key comes from (DESIGN §7): PII_KEY (and PII_KEY_PREVIOUS during a rotation); in
 * development without one, a key generated once into data/pii.key (mode 0600) so a newcomer's bot
 * starts. Production refuses to start without PII_KEY (checked in config.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../../../config';
import type { Logger } from '../../../log';
import { AesGcmVault } from './vault';

export const DEV_KEY_FILE = path.join('data', 'pii.key');

export function vaultFromConfig(config: Pick<Config, 'PII_KEY' | 'PII_KEY_PREVIOUS'>, logger: Logger, devKeyFile = DEV_KEY_FILE): AesGcmVault {
  const previous = config.PII_KEY_PREVIOUS ? Buffer.from(config.PII_KEY_PREVIOUS, 'base64') : null;
  if (config.PII_KEY) return new AesGcmVault(Buffer.from(config.PII_KEY, 'base64'), previous);
  return new AesGcmVault(developmentKey(devKeyFile, logger));
}

function developmentKey(file: string, logger: Logger): Buffer {
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }
  const key = crypto.randomBytes(32);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // wx: two processes starting at once must not each write their own key.
  try {
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return developmentKey(file, logger);
    throw err;
  }
  logger.warn({ file }, 'no PII_KEY: generated a development key for residents’ data; set PII_KEY in production');
  return key;
}
