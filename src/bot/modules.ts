/** Every area's contribution to the bot, in the order their commands appear in 帮助. */
import type { BotModule } from './bot';
import { orgModule } from './commands/org';
import { createTasksModule } from './tasks';

/** The one tasks instance of this process: events and meetings dispatch through `tasks.service`. */
export const tasks = createTasksModule();

export const botModules: BotModule[] = [orgModule, tasks.module];
