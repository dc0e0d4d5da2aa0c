/**
 * A clock a test moves: it reads as the given Shanghai wall time until moved again. Tests pass it to
 * startTestApp and fire due timers themselves (dates in 2027 keep real delayed jobs from firing meanwhile).
 */
export function movedClock(): { clock: { at: Date; now(): Date }; moveTo(shanghai: string): void } {
  const clock = { at: new Date(), now: () => new Date(clock.at.getTime()) };
  return { clock, moveTo: (shanghai) => void (clock.at = new Date(`${shanghai}+08:00`)) };
}

/** A timer job as the outbox hands it to the timers queue (its stored payload). */
export interface TimerJobPayload<D = Record<string, unknown>> {
  name: string;
  jobId: string;
  data: D & Record<string, unknown>;
  runAt: string;
}
