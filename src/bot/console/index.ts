/**
 * The leaders' web console (驾驶舱): chat commands that hand out and end its sessions; the pages
 * and their data are served by src/adapters/http/console-route.ts through ConsoleService.
 */
import type { BotModule } from '../bot';
import { NO_OUTPUT, type MeetingOutput } from '../meetings/render-port';
import type { ConsoleRepos } from './ports';
import { consoleCommands } from './commands';
import { ConsoleService } from './service';

export { ConsoleService, CONSOLE_LOGIN_LINK, LOGIN_LINK_MINUTES, SESSION_HOURS } from './service';
export { consoleLoginUrl } from './commands';

export function createConsoleModule(deps: { service?: ConsoleService; output?: MeetingOutput } = {}): BotModule<ConsoleRepos> {
  return { commands: consoleCommands(deps.service ?? new ConsoleService(), deps.output ?? NO_OUTPUT) };
}
