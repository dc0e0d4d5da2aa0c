/**
 * The intake area (issue 17, 工单接入): clients' administration, the inbox of orders no grid could be
 * found for, the order's deadline reminders; the HTTP side (hotline push, Open311) lives in
 * src/adapters/http/intake-route.ts and calls IntakeService.
 */
import type { BotModule } from '../bot';
import type { EventService } from '../events/service';
import type { EventObserver } from '../events/ports';
import type { IntakeRepos } from './ports';
import { intakeCommands } from './commands';
import { INTAKE_DUE_TIMER, IntakeService } from './service';

export { IntakeService, open311Status, INTAKE_DUE_TIMER } from './service';
export type { IntakeClient, IntakeOrderRecord, IntakeRepos, OrderStatus } from './ports';

/**
 * The module and its service; the composition (src/bot/modules.ts) registers `observer` with the
 * events service (status changes for callbacks) and names outside origins with `service`.
 */
export function createIntakeModule(events: EventService): { module: BotModule<IntakeRepos>; service: IntakeService; observer: EventObserver } {
  const service = new IntakeService(events);
  return {
    service,
    observer: service,
    module: {
      commands: intakeCommands(service),
      timers: [{ name: INTAKE_DUE_TIMER, run: (ctx, data) => service.due(ctx.tx, data as { eventId: number; rung: string; deadline: string }) }],
    },
  };
}
