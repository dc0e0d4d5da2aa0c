/**
 * Test-only fault injection, inert unless GRIDBOT_TEST_SANDBOX_CRASH_AFTER=<n> is set: the process
 * kills itself (SIGKILL) right after the sandbox sender's n-th Redis reply, so a crash test can stop
 * a delivery at an exact point between its steps (test/fanout-kill.test.ts). Never set in production.
 */
import type { RedisClient } from '../../jobs/queues';

export const CRASH_AFTER_ENV = 'GRIDBOT_TEST_SANDBOX_CRASH_AFTER';

export function withCrashPoint<R extends RedisClient>(redis: R, env: NodeJS.ProcessEnv = process.env): R {
  const limit = Number(env[CRASH_AFTER_ENV] ?? 0);
  if (!(limit > 0)) return redis;
  let replies = 0;
  const tick = <T>(value: T): T => {
    if (++replies === limit) process.kill(process.pid, 'SIGKILL');
    return value;
  };
  return new Proxy(redis, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.then(tick);
        // multi()/pipeline(): the reply comes with exec.
        const chain = result as { exec?: () => Promise<unknown> } | null;
        if (chain && typeof chain.exec === 'function') {
          const exec = chain.exec.bind(chain);
          chain.exec = () => exec().then(tick);
        }
        return result;
      };
    },
  });
}
