import { watchBacklog } from './inbound-queue';

/** A waiting count answered when the test says, as Redis answers the adds and the count in order. */
function countedQueue() {
  const reads: ((n: number) => void)[] = [];
  return {
    reads,
    queue: { getWaitingCount: () => new Promise<number>((resolve) => reads.push(resolve)) },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('watchBacklog', () => {
  it('counts a message accepted while the waiting count is read once, not twice', async () => {
    const { reads, queue } = countedQueue();
    const admission = watchBacklog(queue, { limit: 3, maxLagMs: 0, intervalMs: 1 });
    try {
      reads.shift()!(0);
      await tick();
      // Three accepted; the next read is asked while the third's answer arrives, and holds all three.
      admission.accepted();
      admission.accepted();
      while (!reads.length) await tick();
      admission.accepted();
      reads.shift()!(3);
      await tick();
      expect(admission.retryAfterSeconds()).toBeNull(); // 3 waiting: at the bound, not past it
      admission.accepted();
      expect(admission.retryAfterSeconds()).toBe(2); // 4 ahead of a bound of 3
    } finally {
      admission.stop();
    }
  });
});

describe('watchBacklog with replies waiting to be sent', () => {
  it('refuses while more replies wait than the bound, though few messages wait to be handled, and accepts again once they are sent', async () => {
    const inbound = countedQueue();
    const replies = countedQueue();
    const admission = watchBacklog(inbound.queue, { limit: 10, maxLagMs: 0, intervalMs: 1, replies: () => [replies.queue] });
    const read = async (messages: number, waitingReplies: number) => {
      while (!inbound.reads.length || !replies.reads.length) await tick();
      inbound.reads.shift()!(messages);
      replies.reads.shift()!(waitingReplies);
      await tick();
    };
    try {
      await read(2, 5);
      expect(admission.retryAfterSeconds()).toBeNull();
      // Handling keeps pace with receiving; sending does not.
      await read(2, 40);
      expect(admission.retryAfterSeconds()).toBeGreaterThanOrEqual(1);
      await read(2, 10);
      expect(admission.retryAfterSeconds()).toBeNull();
    } finally {
      admission.stop();
    }
  });
});

describe('watchBacklog past capacity', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /** A bound of 10, 30 waiting and a second later 20: the workers take 10 a second. */
  async function drainingTenASecond() {
    const { reads, queue } = countedQueue();
    const admission = watchBacklog(queue, { limit: 10, maxLagMs: 0, intervalMs: 1000 });
    const answer = async (n: number) => {
      while (!reads.length) await jest.advanceTimersByTimeAsync(100);
      reads.shift()!(n);
      await jest.advanceTimersByTimeAsync(0);
    };
    await answer(30);
    await jest.advanceTimersByTimeAsync(1000);
    await answer(20);
    return { admission, reads };
  }

  it('tells clients refused one after another to come back one after another, a quarter more a second than the queue drains', async () => {
    const { admission, reads } = await drainingTenASecond();
    try {
      const told: number[] = [];
      for (let i = 0; i < 40; i++) {
        const wait = admission.retryAfterSeconds()!;
        admission.refused(wait);
        told.push(wait);
      }
      // 10 past the bound and the line before each, 13 a second: the first comes back in 2 s, the fortieth in 5 s.
      expect(told.filter((w) => w === 2)).toHaveLength(13);
      expect(told[0]).toBe(2);
      expect(told[39]).toBe(5);
      expect(told).toEqual([...told].sort((a, b) => a - b));
      // Seconds later those told to come back have come back: the line is short again.
      await jest.advanceTimersByTimeAsync(7000);
      while (reads.length) reads.shift()!(20);
      await jest.advanceTimersByTimeAsync(0);
      expect(admission.retryAfterSeconds()).toBe(2);
    } finally {
      admission.stop();
    }
  });

  it('spreads a line longer than the longest wait over its seconds instead of sending it back all at once', async () => {
    const { admission } = await drainingTenASecond();
    try {
      // 13 a second from the second second to the 120th hold 1,547; 2,000 are refused.
      const perSecond = new Map<number, number>();
      for (let i = 0; i < 2000; i++) {
        const wait = admission.retryAfterSeconds()!;
        admission.refused(wait);
        perSecond.set(wait, (perSecond.get(wait) ?? 0) + 1);
      }
      expect([...perSecond.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 119 }, (_, i) => i + 2));
      // The 453 the line cannot hold are spread too: 16 or 17 come back in any second, not 466 in the 120th.
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(17);
      expect(Math.min(...perSecond.values())).toBeGreaterThanOrEqual(16);
    } finally {
      admission.stop();
    }
  });
});
