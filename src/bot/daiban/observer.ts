/**
 * The hook for the residents' side: a request a resident made there is followed step by step. The
 * coordinator wires an observer that tells the resident (through the residents' channel); until
 * then nobody is told, and the gridworker's flow is the same either way.
 */
import type { DaibanState } from '../../domain/daiban/daiban';
import type { Tx } from '../ports';
import type { DaibanRecord, DaibanRepos } from './ports';

/** The steps a resident hears of: every state the domain knows. */
export type DaibanStepName = DaibanState;

export interface DaibanObserver {
  /** Called in the step's transaction for every step of a request whose origin is `resident`. */
  stepped(tx: Tx<DaibanRepos>, daiban: DaibanRecord, step: DaibanStepName): Promise<void>;
}

export const NO_OBSERVER: DaibanObserver = { stepped: async () => {} };
