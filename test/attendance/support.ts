/** Helpers for the attendance and info-report tests: a clock on a known working day, firings, messages. */
import { Like } from 'typeorm';
import type { Clock } from '../../src/bot/ports';
import { ProcessedKeySchema } from '../../src/adapters/db/schemas/core';
import type { SandboxMessage } from '../../src/adapters/sandbox/store';
import { TIMERS_QUEUE } from '../../src/jobs/queues';
import { eventually, type TestApp } from '../support/app';

/**
 * A clock that runs at real speed but reads as `shanghaiIso` now. Keep it at or before the real
 * date: the outbox turns a job's runAt into a BullMQ delay against the real clock.
 */
export function clockAt(shanghaiIso: string): Clock {
  const offset = new Date(`${shanghaiIso}+08:00`).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

export const GRID_GROUPS = ['grid-01001001', 'grid-01001002', 'grid-01002001', 'grid-01002002'] as const;

/** Waits until at least `n` more firings of a timer were handled than `before`. */
export async function firingsOf(app: TestApp, timer: string): Promise<number> {
  return app.runtime.dataSource.getRepository(ProcessedKeySchema).count({ where: { key: Like(`timer|${timer}|%`) } });
}

export async function awaitFirings(app: TestApp, timer: string, atLeast: number): Promise<void> {
  await eventually(async () => (await firingsOf(app, timer)) >= atLeast, `${atLeast} firings of ${timer}`, 20_000);
}

/** Resolves once no timer job waits or runs (the schedulers' own jobs live on another queue). */
export async function timersIdle(app: TestApp): Promise<void> {
  const queue = app.runtime.queues.get(TIMERS_QUEUE);
  await eventually(async () => {
    const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
    return Object.values(counts).every((n) => n === 0);
  }, 'timers queue to be idle');
  await app.chat.outboxDrained();
}

/**
 * The bot's messages in a conversation that start with `startsWith`, as the sandbox platform
 * stored them (read from its Redis store: the public API leaves out who was @-mentioned).
 */
export async function botMessages(app: TestApp, conversation: string, startsWith: string): Promise<SandboxMessage[]> {
  const raw = await app.runtime.connections.producer.zrange(`${app.runtime.connections.keyPrefix}:sandbox:conv:${conversation}`, 0, -1);
  return raw.map((r) => JSON.parse(r) as SandboxMessage).filter((m) => m.from === 'bot' && m.text.startsWith(startsWith));
}

/** An admin sets a schedule to fire every second, through the real command. */
export async function everySecond(app: TestApp, name: string): Promise<void> {
  const reply = await app.chat.ask('dm-admin', 'admin', `修改日程 ${name} * * * * * *`);
  if (!reply.includes('已修改日程')) throw new Error(`could not change ${name}: ${reply}`);
}

export async function backToDefault(app: TestApp, name: string): Promise<void> {
  const reply = await app.chat.ask('dm-admin', 'admin', `修改日程 ${name} 默认`);
  if (!reply.includes('已修改日程')) throw new Error(`could not reset ${name}: ${reply}`);
}
