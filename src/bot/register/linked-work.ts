/**
 * Events, tasks and 代办 linked to a household or a place (item 6 of issue 15). The register knows
 * them only through this port — a number in, what the household file shows out — composed in
 * src/bot/modules.ts from the events and tasks areas.
 */
import type { CoreRepos } from '../ports';

export interface WorkItem {
  kind: 'event' | 'task';
  /** SJ20261124-0001 / T20261124-0003 */
  number: string;
  title: string;
  /** The state in words (待受理, 办理中 …). */
  stateName: string;
  /** The unit the work belongs to (an event's grid, a task's scope): who may link it. */
  unitId: number;
}

export interface WorkLookup {
  find(repos: CoreRepos, number: string): Promise<WorkItem | null>;
}

export const NO_WORK: WorkLookup = { find: async () => null };
