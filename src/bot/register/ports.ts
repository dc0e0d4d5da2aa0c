/**
 * What the register area needs from storage (implemented in adapters/db, where ID numbers, phones
 * and tags are sealed and looked up by keyed hash: the area works with plaintext values only).
 */
import type { ChangeKind } from '../../domain/register/changes';
import type { RegisterShare } from '../../domain/register/access';
import type { Household, Place, Resident, ResidentStatus } from '../../domain/register/resident';
import type { RegisterTag } from '../../domain/register/tags';
import type { CoreRepos } from '../ports';
import type { AttendanceRepos } from '../attendance/ports';

export interface NewResident {
  householdId: number;
  unitId: number;
  unitPath: string;
  name: string;
  relation: string;
  idNumber: string | null;
  phone: string | null;
  tags: string[];
  status: ResidentStatus;
  now: Date;
}

export type ResidentPatch = Partial<Pick<Resident, 'name' | 'relation' | 'idNumber' | 'phone' | 'tags' | 'status'>>;

export interface HouseholdChange {
  id: number;
  householdId: number;
  kind: ChangeKind;
  residentId: number | null;
  /** The resident's name at read time (null once removed on request). */
  residentName: string | null;
  note: string | null;
  memberId: number | null;
  at: Date;
}

export interface Visit {
  id: number;
  householdId: number | null;
  placeId: number | null;
  unitId: number;
  memberId: number;
  at: Date;
  notes: string;
  photos: string[];
  location: string | null;
}

/** A household with the tags of its present residents (for cadences). */
export interface TaggedHousehold {
  household: Household;
  tags: string[];
}

export type LinkTarget = { householdId: number } | { placeId: number };

export interface RegisterRepo {
  tags(): Promise<RegisterTag[]>;
  putTag(tag: RegisterTag, now: Date): Promise<void>;

  household(id: number): Promise<Household | null>;
  /** Households by id, by address. */
  households(ids: number[]): Promise<Household[]>;
  householdAt(unitId: number, address: string): Promise<Household | null>;
  createHousehold(input: { unitId: number; unitPath: string; address: string; building: string; now: Date }): Promise<Household>;
  /** Households at exactly this (normalised) address, within the subtrees `scopes` (indexed). */
  householdsAt(scopes: string[], address: string, limit: number): Promise<Household[]>;
  /** Households whose address contains `text`, within the subtrees `scopes`. */
  householdsByAddress(scopes: string[], text: string, limit: number): Promise<Household[]>;
  /** Households with a present resident carrying `tag`, within `scopes`. */
  householdsByTag(scopes: string[], tag: string, limit: number): Promise<Household[]>;
  setRented(householdId: number, rented: boolean, now: Date): Promise<void>;
  markVisited(householdId: number, at: Date): Promise<void>;
  /** Households of a grid with the tags of their present residents (only those with any tag). */
  taggedHouseholds(unitId: number): Promise<TaggedHousehold[]>;

  /** Every household of the subtree at `unitPath`, by address. */
  householdsUnder(unitPath: string): Promise<Household[]>;
  /** Many households at once (an import); returns them with their ids, in the order given. */
  createHouseholds(input: { unitId: number; unitPath: string; address: string; building: string }[], now: Date): Promise<Household[]>;

  resident(id: number): Promise<Resident | null>;
  /** Every resident of the subtree at `unitPath` (an export). */
  residentsUnder(unitPath: string): Promise<Resident[]>;
  /** Residents with any of these ID numbers (an import), by keyed hash. */
  residentsByIdNumbers(idNumbers: string[]): Promise<Resident[]>;
  /** Many residents at once (an import). */
  addResidents(input: NewResident[]): Promise<void>;
  residentsOf(householdId: number): Promise<Resident[]>;
  residentByIdNumber(idNumber: string): Promise<Resident | null>;
  residentsByName(scopes: string[], name: string, limit: number): Promise<Resident[]>;
  addResident(input: NewResident): Promise<Resident>;
  updateResident(id: number, patch: ResidentPatch, now: Date): Promise<Resident>;
  /** Moves a resident to another household (a re-import after a move). */
  moveResident(id: number, to: Household, now: Date): Promise<void>;
  /** Deletes the resident and every trace of their data in the household's history (notes blanked). */
  eraseResident(id: number): Promise<void>;

  addChange(input: Omit<HouseholdChange, 'id' | 'residentName'>): Promise<void>;
  changesOf(householdId: number, limit: number): Promise<HouseholdChange[]>;

  addVisit(input: Omit<Visit, 'id'>): Promise<Visit>;
  /** The last visit of each household of a grid at or before `asOf`. */
  lastVisits(unitId: number, asOf: Date): Promise<Map<number, Date>>;
  visitsOf(target: { householdId: number } | { placeId: number }, limit: number): Promise<Visit[]>;

  place(id: number): Promise<Place | null>;
  placeByName(unitId: number, name: string): Promise<Place | null>;
  createPlace(input: Omit<Place, 'id' | 'lastVisitAt'>): Promise<Place>;
  placesByText(scopes: string[], text: string, limit: number): Promise<Place[]>;
  /** Every place of a grid. */
  placesOf(unitId: number): Promise<Place[]>;
  markPlaceVisited(placeId: number, at: Date): Promise<void>;

  /** Links an event or task to a household or place; false when it was linked already. */
  link(input: { target: LinkTarget; kind: 'event' | 'task'; ref: string; memberId: number; now: Date }): Promise<boolean>;
  linksOf(target: LinkTarget): Promise<{ kind: 'event' | 'task'; ref: string; createdAt: Date }[]>;

  sharesOf(memberId: number): Promise<RegisterShare[]>;
  share(input: RegisterShare & { grantedBy: number; now: Date }): Promise<boolean>;
  unshare(memberId: number, unitId: number): Promise<boolean>;
}

export const ACCESS_ACTIONS = ['read', 'export', 'change', 'remove', 'import', 'share'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** One access to residents' data: who, when, which record, from which conversation. No personal data. */
export interface AccessEntry {
  at: Date;
  memberId: number | null;
  action: AccessAction;
  /** `reporter`: a resident who reported from the 联系卡 page (a device, src/bot/residents). */
  subject: 'household' | 'resident' | 'place' | 'unit' | 'reporter';
  subjectId: number | null;
  unitId: number | null;
  unitPath: string | null;
  channel: string | null;
  conversationId: string | null;
  /** What was done, in words without personal data (a command name, a change kind, a row count). */
  detail: string | null;
}

/** Append-only: there is no way to change or delete an entry. */
export interface AccessLogRepo {
  record(entry: AccessEntry): Promise<void>;
  recordMany(entries: AccessEntry[]): Promise<void>;
  /** Newest first: entries about records within `scopes` since `since`. */
  query(input: { scopes: string[]; since: Date; memberId?: number; limit: number }): Promise<(AccessEntry & { id: number })[]>;
}

export interface RegisterRepos extends CoreRepos {
  register: RegisterRepo;
  accessLog: AccessLogRepo;
}

/** The register area also writes visits into the 民情日志 (the attendance area's patrol log). */
export type RegisterAreaRepos = RegisterRepos & AttendanceRepos;
