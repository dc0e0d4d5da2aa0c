/**
 * The daily patrol rule (每日巡查): every gridworker of a grid patrols at least once on each
 * working day; who is on approved leave that day is excused.
 */

export interface PatrolDuty {
  /** Members with the duty that day (the grid's gridworkers). */
  workers: readonly number[];
  /** Members who logged at least one patrol that day. */
  patrolled: ReadonlySet<number>;
  /** Members on approved leave that day. */
  onLeave: ReadonlySet<number>;
}

export interface PatrolStanding {
  done: number[];
  missing: number[];
  excused: number[];
}

export function patrolStanding(duty: PatrolDuty): PatrolStanding {
  const out: PatrolStanding = { done: [], missing: [], excused: [] };
  for (const id of new Set(duty.workers)) {
    if (duty.patrolled.has(id)) out.done.push(id);
    else if (duty.onLeave.has(id)) out.excused.push(id);
    else out.missing.push(id);
  }
  return out;
}
