/**
 * What the 代办 area needs from storage; implemented in adapters/db/repositories/daiban-repository.ts,
 * where the document photos are sealed with the register's vault (the area sees plaintext references).
 */
import type { CatalogueItem } from '../../domain/daiban/catalogue';
import type { Daiban, DaibanState } from '../../domain/daiban/daiban';
import type { RegisterAreaRepos } from '../register/ports';

export interface DaibanRecord extends Daiban {
  id: number;
}

/** One step of a request's history (登记, 受理, 勾选, 递交, 办结, 退回, 提醒 …). */
export interface DaibanStep {
  at: Date;
  action: string;
  memberId: number | null;
  note: string | null;
}

/** A photo of a document, as the channel gave it (a link or media id); stored sealed. */
export interface DaibanPhoto {
  id: number;
  daibanId: number;
  ref: string;
  memberId: number;
  at: Date;
}

export interface DaibanListQuery {
  /** Subtrees (unit paths) the asker may read. */
  scopes: string[];
  handlerId?: number;
  states?: readonly DaibanState[];
  limit: number;
}

export interface DaibanRepo {
  /** The catalogue as stored; empty until the county first changes it (the defaults stand then). */
  catalogue(): Promise<CatalogueItem[]>;
  putItem(item: CatalogueItem, now: Date): Promise<void>;
  removeItem(name: string): Promise<boolean>;

  create(d: Daiban): Promise<DaibanRecord>;
  /** `forUpdate` locks the row until the transaction ends (two 办结 at once queue up). */
  byNumber(number: string, forUpdate?: boolean): Promise<DaibanRecord | null>;
  save(d: DaibanRecord): Promise<void>;
  /** Newest first. */
  list(query: DaibanListQuery): Promise<DaibanRecord[]>;
  /** Requests within `scopes` recorded, due or closed in [start, end) (figures and the ledger). */
  touching(scopes: string[], start: Date, end: Date): Promise<DaibanRecord[]>;

  addStep(daibanId: number, step: DaibanStep): Promise<void>;
  steps(daibanId: number): Promise<DaibanStep[]>;
  addPhotos(daibanId: number, refs: string[], memberId: number, at: Date): Promise<void>;
  photos(daibanId: number): Promise<DaibanPhoto[]>;
}

/** The register's repositories (households, the access log) and the area's own. */
export type DaibanRepos = RegisterAreaRepos & { daiban: DaibanRepo };
