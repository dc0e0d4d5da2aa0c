/** `npm run pii:rotate`: re-seals residents' data under PII_KEY after a key change (see rotate.ts). */
import fs from 'node:fs';
import { loadConfig } from '../../../config';
import { createLogger } from '../../../log';
import { openDatabase } from '../data-source';
import { vaultFromConfig } from './key-file';
import { rotatePii } from './rotate';

async function main(): Promise<void> {
  if (fs.existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const { dataSource } = await openDatabase(config.DATABASE_URL);
  try {
    const vault = vaultFromConfig(config, logger);
    const result = await rotatePii(dataSource, vault);
    logger.info({ ...result, key: vault.currentKeyId }, 'personal data re-sealed under PII_KEY; PII_KEY_PREVIOUS may now be removed');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`pii:rotate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
