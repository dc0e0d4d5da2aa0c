/**
 * The register area (一户一档): households, residents and places of each grid, their changes and
 * visits, shares with departments and the access log. Created from its dependencies.
 */
import type { BotModule } from '../bot';
import { convertDialog, registerCommands } from './commands';
import { registerRefusals } from './cards';
import type { WorkLookup } from './linked-work';
import type { RegisterAreaRepos } from './ports';
import { VISIT_SCHEDULES, visitTimers } from './visit-timer';
import { RegisterService } from './service';

export { RegisterService } from './service';
export { VISIT_FIRE_TIMER } from './visit-timer';
export { ACCESS_LOG_FILE, accessLogSpecSchema, buildAccessLogExport, applyRegisterImport, buildRegisterExport, checkRegisterImport, registerExportSpecSchema, registerTemplate, REGISTER_EXPORT_FILE, REGISTER_IMPORT_LINK } from './sheets';
export { REGISTER_TEMPLATE_PATH, registerUploadPath } from './commands';

export interface RegisterModuleDeps {
  /** Finds events and tasks by number, for 关联 and the household file. */
  work?: WorkLookup;
  /** Where download and upload links point (PUBLIC_URL, or this server once it listens). */
  baseUrl?: () => string | null;
}

export function createRegisterModule(deps: RegisterModuleDeps = {}): { module: BotModule<RegisterAreaRepos>; service: RegisterService } {
  const service = new RegisterService(deps.work);
  return { module: { commands: registerCommands(service, deps.baseUrl ?? (() => null)), dialogs: [convertDialog(service)], timers: visitTimers(service), schedules: VISIT_SCHEDULES, refusals: registerRefusals }, service };
}
