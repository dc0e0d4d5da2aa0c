/**
 * Work that fires at a time (a reminder rung, a scheduled prompt, a fan-out step). The jobs layer
 * runs each firing once, inside a transaction, by the handler registered under the job's name.
 */
import type { CoreRepos, Tx } from './ports';
import { Notifier } from './notify';

export interface TimerContext<R extends CoreRepos = CoreRepos> {
  tx: Tx<R>;
  now: Date;
  notify: Notifier;
  /** The BullMQ job id, stable for a firing: use it to derive ids of follow-up jobs. */
  jobId: string;
}

export interface TimerHandler<R extends CoreRepos = CoreRepos> {
  /** The BullMQ job name. */
  name: string;
  run(ctx: TimerContext<R>, data: Record<string, unknown>): Promise<void>;
}

export class TimerRegistry<R extends CoreRepos = CoreRepos> {
  private readonly handlers = new Map<string, TimerHandler<R>>();

  register(...handlers: TimerHandler<R>[]): this {
    for (const h of handlers) {
      if (this.handlers.has(h.name)) throw new Error(`timer ${h.name} registered twice`);
      this.handlers.set(h.name, h);
    }
    return this;
  }

  get(name: string): TimerHandler<R> | undefined {
    return this.handlers.get(name);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}

export function timerContext<R extends CoreRepos>(tx: Tx<R>, jobId: string): TimerContext<R> {
  return { tx, now: tx.now, notify: new Notifier(tx), jobId };
}
