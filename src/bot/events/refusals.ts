/** The events service's refusals as data; cards.ts words them for the user. */
import type { EventAction, EventRefusal, EventState } from '../../domain/event';

/**
 * Why the events service refused, as data: the closed loop's own codes and the service's. The
 * service never words it; the bot does (cards.ts `refusalText`).
 */
export type EventServiceRefusal =
  | { code: EventRefusal; number: string; state: EventState; action: EventAction['type'] }
  | { code: 'top_level' | 'not_found' | 'settle_own_only'; number: string }
  | { code: 'result_required' | 'note_required' }
  | { code: 'assignee_outside'; assignee: string; unit: string };

/** Carries a refusal out of nested use-case calls to the bot, which answers with its wording (BotModule.refusals). */
export class EventRefusedError extends Error {
  override readonly name = 'EventRefusedError';
  constructor(readonly refusal: EventServiceRefusal) {
    super(`event refused: ${refusal.code}`);
  }
}
