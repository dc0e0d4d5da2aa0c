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
