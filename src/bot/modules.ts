/** Every area's contribution to the bot, in the order their commands appear in 帮助. */
import type { BotModule } from './bot';
import { orgModule } from './commands/org';

export const botModules: BotModule[] = [orgModule];
