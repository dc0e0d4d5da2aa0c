/**
 * Residents without the group (issue 16, items 2 and 4): the grid's QR contact card, the report
 * and tracking pages behind it (served by adapters/http/resident-route.ts through
 * ResidentWebService), 无效/骚扰, the public account (工作公开) and the retention of residents' data.
 */
import type { BotModule } from '../bot';
import type { ResidentEvents, ResidentWebRepos } from './ports';
import { ResidentWebService } from './service';
import { publicPageUrl, residentCommands } from './commands';
import { BOUND_RESIDENT_GROUPS, PUBLIC_ACCOUNT_SCHEDULES, publicAccountTimer, type ResidentGroups } from './public-account';
import { RETENTION_SCHEDULES, retentionTimer } from './retention';

export { ResidentWebService, TRACKING_TOKEN, PHOTO_ID, DEVICE_KEY, hashToken, newDeviceKey, residentPhotoUrl } from './service';
export type { ResidentSubmission, SubmitRefusal, TrackingView, RateResult } from './service';
export { CONTACT_CARD_FILE, residentPageUrl, publicPageUrl } from './commands';
export { publicAccountLines, BOUND_RESIDENT_GROUPS, type ResidentGroups } from './public-account';
export type { ResidentWebRepos, ResidentEvents } from './ports';

export interface ResidentWebModuleDeps {
  events: ResidentEvents;
  baseUrl: () => string | null;
  groups?: ResidentGroups;
}

export function createResidentWebModule(deps: ResidentWebModuleDeps): { module: BotModule<ResidentWebRepos>; service: ResidentWebService } {
  const service = new ResidentWebService(deps.events, deps.baseUrl);
  const groups = deps.groups ?? BOUND_RESIDENT_GROUPS;
  return {
    module: {
      commands: residentCommands(service, groups, deps.baseUrl),
      timers: [publicAccountTimer(service, groups, (code) => publicPageUrl(deps.baseUrl(), code)), retentionTimer()],
      schedules: [...PUBLIC_ACCOUNT_SCHEDULES, ...RETENTION_SCHEDULES],
    },
    service,
  };
}
