/**
 * Events and tasks linked to a household (item 6 of issue 15): lines for the household file.
 * The register reads them through this one function so it knows nothing of those areas' tables.
 */
import type { Tx } from '../ports';
import type { RegisterAreaRepos } from './ports';
import type { LinkedWork } from './cards';

export type LinkedWorkSource = (tx: Tx<RegisterAreaRepos>, householdId: number) => Promise<LinkedWork>;

export const NO_LINKED_WORK: LinkedWorkSource = async () => ({ lines: [] });
