/**
 * The register's use cases (一户一档): households, residents and places within the grid tree,
 * changes with their history, visits, shares with departments and the access log. Every read,
 * export and change of residents' data is written to the access log in the same transaction;
 * a record outside the asker's authority is refused as if it did not exist.
 */
import { isWithin, type Member, type OrgUnit } from '../../domain/org/org';
import { auditScopes, mayChange, mayManage, mayRead, readableScopes } from '../../domain/register/access';
import { CHANGE_RULES, changeRefusal, type ChangeKind } from '../../domain/register/changes';
import {
  householdCode,
  maskIdNumber,
  normaliseAddress,
  normaliseIdNumber,
  normalisePhone,
  parseCode,
  type Household,
  type Place,
  type Resident,
} from '../../domain/register/resident';
import { DEFAULT_TAGS, MAX_CADENCE_DAYS, cadenceOf, isValidTagName, isVisitOverdue, visitCoverage, visitDueAt, type RegisterTag, type TagTarget } from '../../domain/register/tags';
import type { Ratio } from '../../domain/assessment/score';
import { readChangeLine, type ChangeProposal } from '../../domain/register/report-lines';
import type { Tx } from '../ports';
import type { AccessAction, AccessEntry, HouseholdChange, LinkTarget, RegisterAreaRepos, Visit } from './ports';
import { NO_WORK, type WorkItem, type WorkLookup } from './linked-work';
import { RegisterRefusedError } from './refusals';
import { t, type TextKey } from '../texts';

/** Who acts, from where: what the access log records. */
export interface RegisterActor {
  tx: Tx<RegisterAreaRepos>;
  member: Member;
  channel: string;
  conversationId: string;
}

export interface ResidentInput {
  name: string;
  relation: string;
  idNumber?: string;
  phone?: string;
  tags?: string[];
}

export interface HouseholdFile {
  household: Household;
  unit: OrgUnit | null;
  residents: Resident[];
  changes: HouseholdChange[];
  visits: Visit[];
  work: WorkItem[];
}

export type SearchResult = { kind: 'households'; households: Household[] } | { kind: 'places'; places: Place[] };

type LoggedRecord = { id: number | null; unitId: number | null; unitPath: string | null };

/** Most rows a look-up lists; narrower words find the rest. */
export const SEARCH_LIMIT = 20;

/** The access log says what changed in the words the auditor reads. */
const changeWord = (kind: ChangeKind) => t(`register.change.${kind}` as TextKey);

const refuse = (code: ConstructorParameters<typeof RegisterRefusedError>[0], facts: Record<string, string> = {}) => new RegisterRefusedError(code, facts);

export class RegisterService {
  constructor(private readonly work: WorkLookup = NO_WORK) {}

  /** 关联: an event or task linked to a household or place the actor may change, when the work is within their register. */
  async link(actor: RegisterActor, number: string, targetRef: string): Promise<{ item: WorkItem; target: string; added: boolean }> {
    const item = await this.work.find(actor.tx.repos, number.toUpperCase());
    const unit = item ? await actor.tx.repos.org.unit(item.unitId) : null;
    if (!item || !unit || !(await this.readable(actor, unit.path))) throw refuse('not_found', { ref: number });
    const placeId = parseCode('P', targetRef);
    let target: LinkTarget;
    let label: string;
    if (placeId !== null) {
      const place = await actor.tx.repos.register.place(placeId);
      if (!place || !(await this.readable(actor, place.unitPath))) throw refuse('not_found', { ref: targetRef });
      if (!mayChange(actor.member, place.unitPath)) throw refuse('not_allowed');
      target = { placeId };
      label = `P${placeId}`;
    } else {
      const household = await this.household(actor, targetRef, 'change');
      target = { householdId: household.id };
      label = householdCode(household.id);
    }
    const added = await actor.tx.repos.register.link({ target, kind: item.kind, ref: item.number, memberId: actor.member.id, now: actor.tx.now });
    return { item, target: label, added };
  }

  /** The linked work of a household or place, as it stands now. */
  async linkedWork(repos: RegisterAreaRepos, target: LinkTarget): Promise<WorkItem[]> {
    const out: WorkItem[] = [];
    for (const l of await repos.register.linksOf(target)) {
      const item = await this.work.find(repos, l.ref);
      if (item) out.push(item);
    }
    return out;
  }

  // ---- vocabulary -------------------------------------------------------------------------

  /** The tag vocabulary; the defaults until the county changes any. */
  async vocabulary(tx: { repos: Pick<RegisterAreaRepos, 'register'> }): Promise<RegisterTag[]> {
    const stored = await tx.repos.register.tags();
    if (stored.length) return stored;
    return DEFAULT_TAGS;
  }

  /** Adds or changes a tag (its cadence); county centre or admin at the top of the tree. */
  async setTag(actor: RegisterActor, tag: RegisterTag): Promise<RegisterTag> {
    const roots = await actor.tx.repos.org.roots();
    if (!roots.some((root) => mayManage(actor.member, root.path, 'county_center'))) throw refuse('not_allowed');
    if (!isValidTagName(tag.name)) throw refuse('unknown_tag', { tag: tag.name });
    if (tag.cadenceDays !== null && (tag.cadenceDays < 1 || tag.cadenceDays > MAX_CADENCE_DAYS)) throw refuse('bad_cadence');
    // The first change stores the defaults too, so the vocabulary stays one list.
    const current = await this.vocabulary(actor.tx);
    if (!(await actor.tx.repos.register.tags()).length) for (const t of current) await actor.tx.repos.register.putTag(t, actor.tx.now);
    await actor.tx.repos.register.putTag(tag, actor.tx.now);
    return tag;
  }

  private async checkTags(tx: Tx<RegisterAreaRepos>, tags: string[], target: TagTarget): Promise<string[]> {
    const vocabulary = await this.vocabulary(tx);
    for (const tag of tags) if (!vocabulary.some((v) => v.name === tag && v.target === target)) throw refuse('unknown_tag', { tag });
    return tags;
  }

  // ---- authority and the log ----------------------------------------------------------------

  async scopes(actor: RegisterActor): Promise<string[]> {
    return readableScopes(actor.member, await actor.tx.repos.register.sharesOf(actor.member.id));
  }

  private async readable(actor: RegisterActor, unitPath: string): Promise<boolean> {
    return mayRead(actor.member, unitPath, await actor.tx.repos.register.sharesOf(actor.member.id));
  }

  async log(actor: RegisterActor, action: AccessAction, subject: AccessEntry['subject'], record: LoggedRecord, detail: string): Promise<void> {
    await this.logAll(actor, action, subject, [record], detail);
  }

  /** One entry per record, written in one statement (a list of 20 households is 20 reads). */
  async logAll(actor: RegisterActor, action: AccessAction, subject: AccessEntry['subject'], records: readonly LoggedRecord[], detail: string): Promise<void> {
    if (!records.length) return;
    await actor.tx.repos.accessLog.recordMany(
      records.map((record) => ({
        at: actor.tx.now,
        memberId: actor.member.id,
        action,
        subject,
        subjectId: record.id,
        unitId: record.unitId,
        unitPath: record.unitPath,
        channel: actor.channel,
        conversationId: actor.conversationId,
        detail,
      })),
    );
  }

  /** The grid a new record goes to: the one named, or the actor's only grid. */
  async gridFor(actor: RegisterActor, named: OrgUnit | undefined): Promise<OrgUnit> {
    if (named) {
      if (named.level !== 'grid') throw refuse('not_a_grid', { unit: named.name });
      if (!mayChange(actor.member, named.path)) throw refuse('not_allowed');
      return named;
    }
    const grids: OrgUnit[] = [];
    for (const g of actor.member.roles) {
      const unit = await actor.tx.repos.org.unit(g.unitId);
      if (unit?.level === 'grid' && mayChange(actor.member, unit.path) && !grids.some((x) => x.id === unit.id)) grids.push(unit);
    }
    if (grids.length !== 1) throw refuse('need_grid');
    return grids[0];
  }

  // ---- households and residents ---------------------------------------------------------------

  async createHousehold(actor: RegisterActor, rawAddress: string, named: OrgUnit | undefined): Promise<{ household: Household; created: boolean }> {
    const grid = await this.gridFor(actor, named);
    const address = normaliseAddress(rawAddress);
    if (!address) throw refuse('bad_address');
    const existing = await actor.tx.repos.register.householdAt(grid.id, address.address);
    if (existing) return { household: existing, created: false };
    const household = await actor.tx.repos.register.createHousehold({ unitId: grid.id, unitPath: grid.path, ...address, now: actor.tx.now });
    await this.log(actor, 'change', 'household', household, '建户');
    return { household, created: true };
  }

  /** A household by 户号 (H12) or exact address, within what the actor may read (or change). */
  async household(actor: RegisterActor, ref: string, purpose: 'read' | 'change' = 'read'): Promise<Household> {
    const id = parseCode('H', ref);
    let household: Household | null = null;
    if (id !== null) household = await actor.tx.repos.register.household(id);
    else {
      const address = normaliseAddress(ref);
      const found = address ? await actor.tx.repos.register.householdsAt(await this.scopes(actor), address.address, 2) : [];
      if (found.length > 1) throw refuse('ambiguous', { codes: found.map((h) => householdCode(h.id)).join('、') });
      household = found[0] ?? null;
    }
    if (!household || !(await this.readable(actor, household.unitPath))) throw refuse('not_found', { ref });
    if (purpose === 'change' && !mayChange(actor.member, household.unitPath)) throw refuse('not_allowed');
    return household;
  }

  private normaliseResident(input: ResidentInput): { idNumber: string | null; phone: string | null } {
    const idNumber = input.idNumber ? normaliseIdNumber(input.idNumber) : null;
    if (input.idNumber && !idNumber) throw refuse('bad_id_number');
    const phone = input.phone ? normalisePhone(input.phone) : null;
    if (input.phone && !phone) throw refuse('bad_phone');
    return { idNumber, phone };
  }

  async addResident(actor: RegisterActor, household: Household, input: ResidentInput, change: ChangeKind | null = null): Promise<Resident> {
    const { idNumber, phone } = this.normaliseResident(input);
    const tags = await this.checkTags(actor.tx, input.tags ?? [], 'resident');
    if (idNumber && (await actor.tx.repos.register.residentByIdNumber(idNumber))) throw refuse('id_exists');
    const resident = await actor.tx.repos.register.addResident({
      householdId: household.id,
      unitId: household.unitId,
      unitPath: household.unitPath,
      // The columns' limits, whatever path the words came by (登记, 变动 迁入, 转登记).
      name: [...input.name].slice(0, 64).join(''),
      relation: [...input.relation].slice(0, 16).join(''),
      idNumber,
      phone,
      tags,
      status: 'present',
      now: actor.tx.now,
    });
    if (change) await actor.tx.repos.register.addChange({ householdId: household.id, kind: change, residentId: resident.id, note: null, memberId: actor.member.id, at: actor.tx.now });
    await this.log(actor, 'change', 'resident', { id: resident.id, unitId: household.unitId, unitPath: household.unitPath }, change ? `变动:${changeWord(change)}` : '登记');
    return resident;
  }

  /** A resident by 人员号 (R12) or ID number, within what the actor may read. */
  async resident(actor: RegisterActor, ref: string, purpose: 'read' | 'change' = 'read'): Promise<{ resident: Resident; household: Household }> {
    const id = parseCode('R', ref);
    const idNumber = id === null ? normaliseIdNumber(ref) : null;
    const resident = id !== null ? await actor.tx.repos.register.resident(id) : idNumber ? await actor.tx.repos.register.residentByIdNumber(idNumber) : null;
    const household = resident ? await actor.tx.repos.register.household(resident.householdId) : null;
    // An ID number is echoed masked: the answer may be read in a group.
    if (!resident || !household || !(await this.readable(actor, household.unitPath))) throw refuse('not_found', { ref: idNumber ? maskIdNumber(idNumber) : ref });
    if (purpose === 'change' && !mayChange(actor.member, household.unitPath)) throw refuse('not_allowed');
    return { resident, household };
  }

  /** Reads one resident's full record (1:1), logged. */
  async readResident(actor: RegisterActor, ref: string): Promise<{ resident: Resident; household: Household }> {
    const found = await this.resident(actor, ref);
    await this.log(actor, 'read', 'resident', { id: found.resident.id, unitId: found.household.unitId, unitPath: found.household.unitPath }, '查人');
    return found;
  }

  /** The household's file (一户一档), logged as a read of the household and its residents. */
  async householdFile(actor: RegisterActor, household: Household): Promise<HouseholdFile> {
    const repos = actor.tx.repos;
    const file: HouseholdFile = {
      household,
      unit: await repos.org.unit(household.unitId),
      residents: await repos.register.residentsOf(household.id),
      changes: await repos.register.changesOf(household.id, 10),
      visits: await repos.register.visitsOf({ householdId: household.id }, 5),
      work: await this.linkedWork(repos, { householdId: household.id }),
    };
    await this.log(actor, 'read', 'household', household, '户档');
    return file;
  }

  /**
   * 查户: by 户号, ID number, tag, a resident's name, or part of an address — whatever the words
   * are. Each household listed is a logged read.
   */
  async search(actor: RegisterActor, words: string): Promise<SearchResult> {
    const repos = actor.tx.repos.register;
    const scopes = await this.scopes(actor);
    let households: Household[] = [];
    if (parseCode('H', words) !== null) households = [await this.household(actor, words)];
    else if (normaliseIdNumber(words)) {
      const found = await this.resident(actor, words).catch((err: unknown) => {
        if (err instanceof RegisterRefusedError && err.code === 'not_found') return null;
        throw err;
      });
      households = found ? [found.household] : [];
    } else if ((await this.vocabulary(actor.tx)).some((v) => v.name === words && v.target === 'place')) {
      const places = await repos.placesByText(scopes, words, SEARCH_LIMIT);
      await this.logAll(actor, 'read', 'place', places, '查户:标签');
      return { kind: 'places', places };
    } else if ((await this.vocabulary(actor.tx)).some((v) => v.name === words)) households = await repos.householdsByTag(scopes, words, SEARCH_LIMIT);
    else {
      const byName = await repos.residentsByName(scopes, words, SEARCH_LIMIT);
      households = await repos.households([...new Set(byName.map((r) => r.householdId))]);
      if (!households.length) {
        const address = normaliseAddress(words);
        // The exact address first (indexed); part of one (a building) only when nothing matches exactly.
        if (address) households = await repos.householdsAt(scopes, address.address, SEARCH_LIMIT);
        if (address && !households.length) households = await repos.householdsByAddress(scopes, address.address, SEARCH_LIMIT);
      }
      if (!households.length) {
        const places = await repos.placesByText(scopes, words, SEARCH_LIMIT);
        if (places.length) {
          await this.logAll(actor, 'read', 'place', places, '查户');
          return { kind: 'places', places };
        }
      }
    }
    await this.logAll(actor, 'read', 'household', households, '查户');
    return { kind: 'households', households };
  }

  /** The 住户变动 (and 怀孕出生) lines of the actor's info report of `period`, read as changes. */
  async reportChanges(actor: RegisterActor, grid: OrgUnit, period: string): Promise<{ understood: ChangeProposal[]; notUnderstood: { line: string; reason: string }[] }> {
    if (!mayChange(actor.member, grid.path)) throw refuse('not_allowed');
    const report = (await actor.tx.repos.attendance.infoReportsOf(grid.id, period)).find((r) => r.memberId === actor.member.id);
    const lines = (report?.items ?? []).filter((i) => i.category === '住户变动' || i.category === '怀孕出生').flatMap((i) => i.detail.split(/[\n；;。]/).map((l) => l.trim()).filter(Boolean));
    if (!lines.length) return { understood: [], notUnderstood: [] };
    const households = await actor.tx.repos.register.householdsByAddress([grid.path], '', 100_000);
    const understood: ChangeProposal[] = [];
    const notUnderstood: { line: string; reason: string }[] = [];
    for (const line of lines) {
      const reading = readChangeLine(line, households);
      if (reading.ok) understood.push(reading.proposal);
      else notUnderstood.push({ line, reason: reading.reason });
    }
    return { understood, notUnderstood };
  }

  // ---- changes ---------------------------------------------------------------------------------

  async change(actor: RegisterActor, ref: string, kind: ChangeKind, name: string | undefined, note: string | undefined): Promise<{ household: Household; resident: Resident | null }> {
    const household = await this.household(actor, ref, 'change');
    const rule = CHANGE_RULES[kind];
    const repos = actor.tx.repos.register;
    let resident: Resident | null = null;
    if (rule.resident === 'new') {
      if (!name) throw refuse('need_name');
      resident = await this.addResident(actor, household, { name, relation: kind === 'birth' ? '子女' : '其他' }, null);
    } else if (rule.resident === 'existing') {
      if (!name) throw refuse('need_name');
      const candidates = (await repos.residentsOf(household.id)).filter((r) => r.name === name || (name !== undefined && parseCode('R', name) === r.id));
      const present = candidates.filter((r) => r.status === 'present');
      const target = present[0] ?? candidates[0];
      if (!target) throw refuse('not_found', { ref: name ?? '' });
      if (present.length > 1) throw refuse('ambiguous', { codes: present.map((r) => `R${r.id}`).join('、') });
      if (changeRefusal(kind, target.status)) throw refuse('not_present', { name: target.name });
      resident = await repos.updateResident(target.id, { status: rule.status }, actor.tx.now);
    }
    if (rule.rented !== undefined) await repos.setRented(household.id, rule.rented, actor.tx.now);
    await repos.addChange({ householdId: household.id, kind, residentId: resident?.id ?? null, note: note?.slice(0, 200) ?? null, memberId: actor.member.id, at: actor.tx.now });
    await this.log(actor, 'change', resident ? 'resident' : 'household', { id: resident?.id ?? household.id, unitId: household.unitId, unitPath: household.unitPath }, `变动:${changeWord(kind)}`);
    return { household: (await repos.household(household.id)) ?? household, resident };
  }

  /** 更正: one field of a resident's record, on request or after a check. */
  async correct(actor: RegisterActor, ref: string, field: 'name' | 'relation' | 'idNumber' | 'phone' | 'tags', value: string): Promise<Resident> {
    const { resident, household } = await this.resident(actor, ref, 'change');
    const repos = actor.tx.repos.register;
    let patch: Partial<Resident>;
    if (field === 'idNumber') {
      const { idNumber } = this.normaliseResident({ name: '', relation: '', idNumber: value });
      const other = idNumber ? await repos.residentByIdNumber(idNumber) : null;
      if (other && other.id !== resident.id) throw refuse('id_exists');
      patch = { idNumber };
    } else if (field === 'phone') patch = { phone: value === '无' ? null : this.normaliseResident({ name: '', relation: '', phone: value }).phone };
    else if (field === 'tags') patch = { tags: value === '无' ? [] : await this.checkTags(actor.tx, value.split(/[,，、]/).filter(Boolean), 'resident') };
    else patch = { [field]: value.slice(0, field === 'name' ? 64 : 16) };
    const updated = await repos.updateResident(resident.id, patch, actor.tx.now);
    await this.log(actor, 'change', 'resident', { id: resident.id, unitId: household.unitId, unitPath: household.unitPath }, `更正:${t(`register.field.${field}` as TextKey)}`);
    return updated;
  }

  /** 删除: a resident's record removed on request; the log keeps that it happened, not the data. */
  async erase(actor: RegisterActor, ref: string): Promise<{ household: Household; residentId: number }> {
    const { resident, household } = await this.resident(actor, ref, 'change');
    await actor.tx.repos.register.eraseResident(resident.id);
    await actor.tx.repos.register.addChange({ householdId: household.id, kind: 'other', residentId: null, note: `R${resident.id} 依申请删除`, memberId: actor.member.id, at: actor.tx.now });
    await this.log(actor, 'remove', 'resident', { id: resident.id, unitId: household.unitId, unitPath: household.unitPath }, '依申请删除');
    return { household, residentId: resident.id };
  }

  // ---- visits ----------------------------------------------------------------------------------

  /** 走访: recorded against the household or place, and written into the 民情日志. */
  async visit(actor: RegisterActor, ref: string, notes: string, photos: string[], rawLocation: string | null): Promise<{ visit: Visit; label: string }> {
    const repos = actor.tx.repos;
    const location = rawLocation?.slice(0, 200) ?? null;
    const placeId = parseCode('P', ref);
    let target: { householdId: number | null; placeId: number | null; unitId: number; unitPath: string; label: string };
    if (placeId !== null) {
      const place = await repos.register.place(placeId);
      if (!place || !(await this.readable(actor, place.unitPath))) throw refuse('not_found', { ref });
      if (!mayChange(actor.member, place.unitPath)) throw refuse('not_allowed');
      target = { householdId: null, placeId: place.id, unitId: place.unitId, unitPath: place.unitPath, label: `P${place.id}` };
    } else {
      const household = await this.household(actor, ref, 'change');
      target = { householdId: household.id, placeId: null, unitId: household.unitId, unitPath: household.unitPath, label: householdCode(household.id) };
    }
    const visit = await repos.register.addVisit({ householdId: target.householdId, placeId: target.placeId, unitId: target.unitId, memberId: actor.member.id, at: actor.tx.now, notes: notes.slice(0, 2000), photos, location });
    if (target.householdId !== null) await repos.register.markVisited(target.householdId, actor.tx.now);
    if (target.placeId !== null) await repos.register.markPlaceVisited(target.placeId, actor.tx.now);
    // 民情日志: the visit is part of the gridworker's log of the day.
    await repos.attendance.addPatrol({ memberId: actor.member.id, unitId: target.unitId, localDate: actor.tx.calendar.localDate(actor.tx.now), at: actor.tx.now, notes: `走访 ${target.label}：${notes}`.slice(0, 2000), photos, location });
    await this.log(actor, 'change', target.placeId !== null ? 'place' : 'household', { id: target.placeId ?? target.householdId, unitId: target.unitId, unitPath: target.unitPath }, '走访');
    return { visit, label: target.label };
  }

  // ---- cadences ----------------------------------------------------------------------------

  /** Households of a grid whose tags ask for a visit that is overdue at `asOf`, oldest due first. */
  async overdueHouseholds(repos: Pick<RegisterAreaRepos, 'register'>, gridId: number, asOf: Date): Promise<{ household: Household; tags: string[]; dueAt: Date }[]> {
    const vocabulary = await this.vocabulary({ repos });
    const last = await repos.register.lastVisits(gridId, asOf);
    const out: { household: Household; tags: string[]; dueAt: Date }[] = [];
    for (const { household, tags } of await repos.register.taggedHouseholds(gridId)) {
      const cadence = cadenceOf(tags, vocabulary);
      if (cadence === null || household.createdAt.getTime() > asOf.getTime()) continue;
      const lastVisit = last.get(household.id) ?? null;
      if (isVisitOverdue(lastVisit, household.createdAt, cadence, asOf)) out.push({ household, tags, dueAt: visitDueAt(lastVisit, household.createdAt, cadence) });
    }
    return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** Places of a grid whose tags (九小场所, 出租房 …) ask for a visit that is overdue at `asOf`. */
  async overduePlaces(repos: Pick<RegisterAreaRepos, 'register'>, gridId: number, asOf: Date): Promise<{ place: Place; dueAt: Date }[]> {
    const vocabulary = await this.vocabulary({ repos });
    const out: { place: Place; dueAt: Date }[] = [];
    for (const place of await repos.register.placesOf(gridId)) {
      const cadence = cadenceOf(place.tags, vocabulary);
      if (cadence === null || !isVisitOverdue(place.lastVisitAt, place.createdAt, cadence, asOf)) continue;
      out.push({ place, dueAt: visitDueAt(place.lastVisitAt, place.createdAt, cadence) });
    }
    return out.sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  /** 走访覆盖率 of each grid as of `asOf` (for 考核 and the weekly agenda). */
  async coverage(repos: Pick<RegisterAreaRepos, 'register'>, gridIds: number[], asOf: Date): Promise<Map<number, Ratio>> {
    const vocabulary = await this.vocabulary({ repos });
    const out = new Map<number, Ratio>();
    for (const gridId of gridIds) {
      const last = await repos.register.lastVisits(gridId, asOf);
      const standing = (await repos.register.taggedHouseholds(gridId)).map(({ household, tags }) => ({ registeredAt: household.createdAt, lastVisitAt: last.get(household.id) ?? null, cadenceDays: cadenceOf(tags, vocabulary) }));
      out.set(gridId, visitCoverage(standing, asOf));
    }
    return out;
  }

  // ---- places ----------------------------------------------------------------------------------

  async createPlace(actor: RegisterActor, input: { name: string; kind: string; address: string; tags: string[]; grid?: OrgUnit }): Promise<{ place: Place; created: boolean }> {
    const grid = await this.gridFor(actor, input.grid);
    const existing = await actor.tx.repos.register.placeByName(grid.id, input.name);
    if (existing) return { place: existing, created: false };
    const address = normaliseAddress(input.address);
    if (!address) throw refuse('bad_address');
    const tags = await this.checkTags(actor.tx, input.tags, 'place');
    const place = await actor.tx.repos.register.createPlace({ unitId: grid.id, unitPath: grid.path, name: input.name.slice(0, 100), kind: input.kind.slice(0, 24), address: address.address, tags, contactName: null, contactPhone: null, createdAt: actor.tx.now });
    await this.log(actor, 'change', 'place', place, '登记场所');
    return { place, created: true };
  }

  // ---- shares and the access log -----------------------------------------------------------

  /** Shares a unit's register with a department member (read only); a community secretary or above there. */
  async share(actor: RegisterActor, departmentMemberId: number, unit: OrgUnit, on: boolean): Promise<boolean> {
    if (!mayManage(actor.member, unit.path)) throw refuse('not_allowed');
    const target = await actor.tx.repos.org.member(departmentMemberId);
    if (!target || !target.roles.some((g) => g.role === 'department')) throw refuse('not_department');
    const changed = on
      ? await actor.tx.repos.register.share({ memberId: departmentMemberId, unitId: unit.id, unitPath: unit.path, grantedBy: actor.member.id, now: actor.tx.now })
      : await actor.tx.repos.register.unshare(departmentMemberId, unit.id);
    await this.log(actor, 'share', 'unit', { id: unit.id, unitId: unit.id, unitPath: unit.path }, `${on ? '共享' : '取消共享'}:#${departmentMemberId}`);
    return changed;
  }

  /** The access log for an auditor (审计员) within the subtree they audit; nobody else reads it. */
  async accessLog(tx: Tx<RegisterAreaRepos>, member: Member, input: { days: number; memberId?: number; limit: number }): Promise<(AccessEntry & { id: number })[]> {
    const scopes = auditScopes(member);
    if (!scopes.length) throw refuse('not_allowed');
    const since = new Date(tx.now.getTime() - input.days * 86_400_000);
    return tx.repos.accessLog.query({ scopes, since, memberId: input.memberId, limit: input.limit });
  }

  /** Whether a unit is within the actor's readable register (for exports). */
  async mayExport(actor: RegisterActor, unit: OrgUnit): Promise<boolean> {
    return (await this.scopes(actor)).some((p) => isWithin(unit.path, p));
  }
}
