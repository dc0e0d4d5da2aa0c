/**
 * The organisation area (组织): binding yourself, and the admin commands that build the grid tree
 * and its people. Its repository is the kernel's OrgRepo (src/bot/ports.ts): every area reads it.
 */
import type { BotModule } from '../bot';
import { orgCommands } from './commands';

export function createOrgModule(): BotModule {
  return { commands: orgCommands };
}
