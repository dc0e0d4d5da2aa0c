/**
 * Work that fires at a time (a reminder rung, a scheduled prompt, a fan-out step). The jobs layer
 * runs each firing once, inside a transaction, by the handler registered under the job's name.
 */
import type { Tx } from './ports';
import { Notifier } from './notify';

export interface TimerContext {
  tx: Tx;
  now: Date;
  notify: Notifier;
  /** The BullMQ job id, stable for a firing: use it to derive ids of follow-up jobs. */
  jobId: string;
}

export interface TimerHandler {
  /** The BullMQ job name. */
  name: string;
  run(ctx: TimerContext, data: Record<string, unknown>): Promise<void>;
}

export class TimerRegistry {
  private readonly handlers = new Map<string, TimerHandler>();

  register(...handlers: TimerHandler[]): this {
    for (const h of handlers) {
      if (this.handlers.has(h.name)) throw new Error(`timer ${h.name} registered twice`);
      this.handlers.set(h.name, h);
    }
    return this;
  }

  get(name: string): TimerHandler | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}

export function timerContext(tx: Tx, jobId: string): TimerContext {
  return { tx, now: tx.now, notify: new Notifier(tx), jobId };
}
