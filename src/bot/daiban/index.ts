/**
 * The 代办 / 帮办 area: the county's catalogue of service items, requests recorded for households of
 * the register and followed to 办结 or 退回, the checklist and document photos (sealed), reminders on
 * the time limit (the task ladder), lists, the ledger, and the figures for 统计 and 考核.
 */
import type { BotModule } from '../bot';
import type { RegisterService } from '../register/service';
import { daibanRefusals } from './cards';
import { daibanCommands } from './commands';
import type { DaibanRepos } from './ports';
import { daibanReminderTimer } from './reminder-timer';
import { DaibanService } from './service';

export { DaibanService, DAIBAN_REMINDER_TIMER } from './service';
export type { DaibanObserver, DaibanStepName } from './observer';
export { DAIBAN_IMPORT_LINK, DAIBAN_TEMPLATE_PATH, daibanUploadPath } from './commands';
export { DAIBAN_LEDGER_FILE, buildDaibanLedger, catalogueTemplate, checkCatalogueImport, daibanLedgerSpecSchema } from './sheets';

export function createDaibanModule(deps: { register: RegisterService; baseUrl?: () => string | null }): { module: BotModule<DaibanRepos>; service: DaibanService } {
  const service = new DaibanService(deps.register);
  return { module: { commands: daibanCommands(service, deps.baseUrl ?? (() => null)), timers: [daibanReminderTimer(service)], refusals: daibanRefusals }, service };
}
