import { watchBacklog, type ReceiverCounts } from './inbound-queue';

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

  it('tells clients refused one after another to come back one after another, at the rate the queue drains', async () => {
    const { admission, reads } = await drainingTenASecond();
    try {
      const told: number[] = [];
      for (let i = 0; i < 40; i++) {
        const wait = admission.retryAfterSeconds()!;
        admission.refused(wait);
        told.push(wait);
      }
      // 10 past the bound and the line before each: the first comes back in 2 s, the fortieth in 5 s.
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
      // 10 a second from the second second to the thirtieth hold 290; 400 are refused.
      const perSecond = new Map<number, number>();
      for (let i = 0; i < 400; i++) {
        const wait = admission.retryAfterSeconds()!;
        admission.refused(wait);
        perSecond.set(wait, (perSecond.get(wait) ?? 0) + 1);
      }
      expect([...perSecond.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 29 }, (_, i) => i + 2));
      // The 110 the line cannot hold are spread too: 13 or 14 come back in any second, not 120 in the thirtieth.
      expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(14);
      expect(Math.min(...perSecond.values())).toBeGreaterThanOrEqual(13);
    } finally {
      admission.stop();
    }
  });
});

describe('watchBacklog with several receivers', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
  afterEach(() => jest.useRealTimers());

  /**
   * Two receivers of one queue, bound 10: 50 wait, and each second for `seconds` seconds still 50,
   * while the two queued `a` and `b` in each: the workers take a + b a second.
   */
  async function twoReceivers(shared: boolean, a: number, b: number, seconds = 1) {
    const totals = { added: 0, seen: 0 };
    const share = async (mine: ReceiverCounts) => {
      totals.added += mine.added;
      totals.seen += mine.seen;
      return { ...totals };
    };
    const qb = countedQueue();
    const qa = countedQueue();
    // B is made first, so at each interval it reads (and adds its own to the totals) before A.
    const receiverB = watchBacklog(qb.queue, { limit: 10, maxLagMs: 0, intervalMs: 1000, ...(shared ? { shared: share } : {}) });
    const receiverA = watchBacklog(qa.queue, { limit: 10, maxLagMs: 0, intervalMs: 1000, ...(shared ? { shared: share } : {}) });
    const answer = async (n: number) => {
      while (!qa.reads.length || !qb.reads.length) await jest.advanceTimersByTimeAsync(100);
      qb.reads.shift()!(n);
      qa.reads.shift()!(n);
      await jest.advanceTimersByTimeAsync(0);
    };
    await answer(50);
    for (let s = 0; s < seconds; s++) {
      for (let i = 0; i < a; i++) receiverA.accepted();
      for (let i = 0; i < b; i++) receiverB.accepted();
      await jest.advanceTimersByTimeAsync(1000);
      await answer(50);
    }
    return { receiverA, receiverB };
  }

  const toldBy = (admission: ReturnType<typeof watchBacklog>, n: number): number[] =>
    Array.from({ length: n }, () => {
      const wait = admission.retryAfterSeconds()!;
      admission.refused(wait);
      return wait;
    });

  /** How many were told each wait: [seconds, clients] in order. */
  const perWait = (told: number[]) => [...told.reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<number, number>())];

  it('with the shared counts, two receivers asked alike tell the whole queue’s wait and book half its places each', async () => {
    // Six seconds of the same: each receiver adds its own at its own reads, so the one that reads
    // first sees the other's with a second's lag; the smoothing settles both.
    const { receiverA, receiverB } = await twoReceivers(true, 10, 10, 6);
    try {
      // 40 past the bound at 20 a second: back in 3 s. Each receiver saw half the requests, so
      // each books about 10 of the 20 places a second: together what the queue drains.
      const a = perWait(toldBy(receiverA, 40));
      const b = perWait(toldBy(receiverB, 40));
      expect([a[0][0], b[0][0]]).toEqual([3, 3]);
      for (const first of [a[0][1], b[0][1]]) {
        expect(first).toBeGreaterThanOrEqual(9);
        expect(first).toBeLessThanOrEqual(12);
      }
      expect(a[0][1] + b[0][1]).toBeLessThanOrEqual(23);
    } finally {
      receiverA.stop();
      receiverB.stop();
    }
  });

  it('without them, each reads only its own part of the drain and tells twice the wait', async () => {
    const { receiverA, receiverB } = await twoReceivers(false, 10, 10);
    try {
      // Each measured 10 a second: 40 past the bound is 5 s away by its count, 10 places a second.
      expect(perWait(toldBy(receiverA, 20))).toEqual([[5, 10], [6, 10]]);
    } finally {
      receiverA.stop();
      receiverB.stop();
    }
  });

  it('with the shared counts, a receiver that queued nothing itself still reads the queue draining', async () => {
    const { receiverA, receiverB } = await twoReceivers(true, 0, 20);
    try {
      expect(toldBy(receiverA, 1)).toEqual([3]);
    } finally {
      receiverA.stop();
      receiverB.stop();
    }
  });

  it('without them, a receiver that queued nothing sees no draining and tells everyone the fallback wait', async () => {
    const { receiverA, receiverB } = await twoReceivers(false, 0, 20);
    try {
      expect(new Set(toldBy(receiverA, 60))).toEqual(new Set([5]));
    } finally {
      receiverA.stop();
      receiverB.stop();
    }
  });
});
