/**
 * Multi-turn flows. The state lives in the database (dialog_state, with an expiry), keyed by
 * channel, conversation and sender, and changes in the same transaction as the message that moved
 * it: a crash mid-dialog loses nothing and keeps nothing half-made. (DESIGN §5 allows Redis for
 * dialog state; we chose the database so a step and its record commit together.)
 */
import type { BotMessage } from '../message';
import type { CommandContext } from '../commands/framework';
import type { CoreRepos, DialogState } from '../ports';

export const DEFAULT_DIALOG_TTL_MS = 10 * 60 * 1000;

export interface DialogHandler<R extends CoreRepos = CoreRepos> {
  kind: string;
  /** Handles the next message of the flow; use ctx.dialog to move on or finish. */
  step(ctx: CommandContext<R>, state: DialogState): Promise<BotMessage | string | void>;
}

export function dialogKey(channel: string, conversationId: string, senderId: string): string {
  return `${channel}|${conversationId}|${senderId}`.slice(0, 191);
}
