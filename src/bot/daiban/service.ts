/**
 * The use cases of 代办 / 帮办: the catalogue (kept by the county), a request recorded for a
 * household of the register, 受理 (the time limit starts, reminders on the task ladder are
 * scheduled), the checklist, document photos (sealed, each read logged), 递交, 办结 / 退回, lists,
 * and the figures. Authority follows the register: whoever may change a household's register may
 * work its requests; whoever may read it may read them. Refusals are DaibanRefusedErrors.
 */
import { mayChange, mayManage, mayRead, readableScopes } from '../../domain/register/access';
import { householdCode } from '../../domain/register/resident';
import { DEFAULT_CATALOGUE, checkItem, findItem, type CatalogueItem } from '../../domain/daiban/catalogue';
import {
  acceptDaiban,
  finishDaiban,
  formatDaibanNumber,
  isOpen,
  OPEN_DAIBAN_STATES,
  registerDaiban,
  returnDaiban,
  submitDaiban,
  tickMaterials,
  untickMaterials,
  type Daiban,
  type DaibanOutcome,
  type DaibanOrigin,
} from '../../domain/daiban/daiban';
import { daibanReminderJobId, daibanRungApplies, planDaibanReminders } from '../../domain/daiban/reminders';
import type { Rung } from '../../domain/task/reminders';
import { tallyDaiban, type DaibanTally, type FigureRange } from '../../domain/figures/figures';
import type { Ratio } from '../../domain/assessment/score';
import { LEADER_ROLE, type Member, type OrgUnit } from '../../domain/org/org';
import type { Household } from '../../domain/register/resident';
import type { Tx } from '../ports';
import type { BotMessage } from '../message';
import type { RegisterService } from '../register/service';
import { Notifier } from '../notify';
import { t } from '../texts';
import { NO_OBSERVER, type DaibanObserver, type DaibanStepName } from './observer';
import type { DaibanPhoto, DaibanRecord, DaibanRepos, DaibanStep } from './ports';
import { DaibanRefusedError, type DaibanRefusalCode } from './refusals';
import { reminderCard } from './cards';

export const DAIBAN_REMINDER_TIMER = 'daiban.reminder';

/** Who acts, from where (the access log records it). */
export interface DaibanActor {
  tx: Tx<DaibanRepos>;
  member: Member;
  channel: string;
  conversationId: string;
}

/** Most rows a list shows; a narrower unit finds the rest. */
export const LIST_LIMIT = 30;

const refuse = (code: DaibanRefusalCode, facts: Record<string, string> = {}) => new DaibanRefusedError(code, facts);

/** A domain refusal as the area's refusal, with the facts the wording needs. */
function orRefuse(outcome: DaibanOutcome, stateName: (s: string) => string): Daiban {
  if (outcome.ok) return outcome.daiban;
  switch (outcome.reason) {
    case 'closed':
      throw refuse('closed', { state: stateName(outcome.state) });
    case 'wrong_state':
      throw refuse('wrong_state', { state: stateName(outcome.state), needs: outcome.needs.map(stateName).join('或') });
    case 'no_such_material':
      throw refuse('no_such_material', { index: String(outcome.index), count: String(outcome.count) });
    case 'materials_missing':
      throw refuse('materials_missing', { missing: outcome.missing.join('、') });
    case 'reason_required':
      throw refuse('reason_required');
    case 'too_long':
      throw refuse('too_long');
  }
}

export const daibanStateName = (state: string): string => t(`daiban.state.${state}` as Parameters<typeof t>[0]);

export class DaibanService {
  constructor(
    private readonly register: RegisterService,
    private observer: DaibanObserver = NO_OBSERVER,
  ) {}

  /** Wires the residents' side (the coordinator does, once that side exists). */
  observe(observer: DaibanObserver): void {
    this.observer = observer;
  }

  // ---- the catalogue ------------------------------------------------------------------------

  async catalogue(tx: { repos: Pick<DaibanRepos, 'daiban'> }): Promise<CatalogueItem[]> {
    const stored = await tx.repos.daiban.catalogue();
    return stored.length ? stored : [...DEFAULT_CATALOGUE];
  }

  /** The county keeps the catalogue: a county centre (or admin) at the top of the tree. */
  private async mayKeepCatalogue(actor: DaibanActor): Promise<boolean> {
    const roots = await actor.tx.repos.org.roots();
    return roots.some((root) => mayManage(actor.member, root.path, 'county_center'));
  }

  /** Refuses anyone but the county's keepers of the catalogue. */
  async assertKeeper(actor: DaibanActor): Promise<void> {
    if (!(await this.mayKeepCatalogue(actor))) throw refuse('not_allowed');
  }

  /** Adds or changes items (by name); the first change stores the defaults too, so the catalogue stays one list. */
  async putItems(actor: DaibanActor, raw: CatalogueItem[]): Promise<CatalogueItem[]> {
    if (!(await this.mayKeepCatalogue(actor))) throw refuse('not_allowed');
    const items = raw.map((r) => {
      const checked = checkItem(r);
      if (!checked.ok) throw refuse('bad_item', { name: r.name, why: t(`daiban.item.${checked.reason}` as Parameters<typeof t>[0]) });
      return checked.item;
    });
    if (!(await actor.tx.repos.daiban.catalogue()).length) for (const d of DEFAULT_CATALOGUE) await actor.tx.repos.daiban.putItem(d, actor.tx.now);
    for (const item of items) await actor.tx.repos.daiban.putItem(item, actor.tx.now);
    await actor.tx.repos.audit.record({ at: actor.tx.now, actorMemberId: actor.member.id, action: 'daiban.catalogue', detail: items.map((i) => i.name) });
    return items;
  }

  async removeItem(actor: DaibanActor, name: string): Promise<void> {
    if (!(await this.mayKeepCatalogue(actor))) throw refuse('not_allowed');
    if (!(await actor.tx.repos.daiban.catalogue()).length) for (const d of DEFAULT_CATALOGUE) await actor.tx.repos.daiban.putItem(d, actor.tx.now);
    if (!(await actor.tx.repos.daiban.removeItem(name))) throw refuse('unknown_item', { item: name });
    await actor.tx.repos.audit.record({ at: actor.tx.now, actorMemberId: actor.member.id, action: 'daiban.catalogue.remove', detail: name });
  }

  private async item(tx: Tx<DaibanRepos>, word: string): Promise<CatalogueItem> {
    const found = findItem(await this.catalogue(tx), word);
    if (!found) throw refuse('unknown_item', { item: word });
    if ('ambiguous' in found) throw refuse('ambiguous_item', { item: word, names: found.ambiguous.join('、') });
    return found;
  }

  // ---- requests -----------------------------------------------------------------------------

  /** A household of the register the actor may change, refused in the register's words. */
  private async household(actor: DaibanActor, ref: string): Promise<Household> {
    return this.register.household(actor, ref, 'change');
  }

  /** 代办: a gridworker records a request for a household; they handle it. */
  async request(actor: DaibanActor, householdRef: string, itemWord: string, note: string): Promise<DaibanRecord> {
    const household = await this.household(actor, householdRef);
    const item = await this.item(actor.tx, itemWord);
    const d = await this.create(actor.tx, household, item, actor.member.id, 'gridworker', note);
    await this.addStep(actor.tx, d, 'registered', actor.member.id, note || null);
    await this.register.log(actor, 'change', 'household', household, `代办登记 ${d.number}`);
    return d;
  }

  /**
   * A request a resident made on the residents' side: recorded for their household and handed to
   * the grid's gridworker (the grid head when there is none), who is told. The observer hears each step.
   */
  async requestFromResident(tx: Tx<DaibanRepos>, input: { householdId: number; item: string; note: string }): Promise<DaibanRecord> {
    const household = await tx.repos.register.household(input.householdId);
    if (!household) throw refuse('not_found', { ref: householdCode(input.householdId) });
    const item = await this.item(tx, input.item);
    const workers = await tx.repos.org.membersWithRole(household.unitId, 'gridworker');
    const handler = workers[0] ?? (await tx.repos.org.membersWithRole(household.unitId, LEADER_ROLE.grid))[0];
    if (!handler) throw refuse('not_allowed');
    const d = await this.create(tx, household, item, handler.id, 'resident', input.note);
    await this.addStep(tx, d, 'registered', null, input.note || null);
    await this.observer.stepped(tx, d, 'registered');
    await new Notifier(tx).member(handler.id, { text: t('daiban.fromResident', { number: d.number, item: d.item, household: householdCode(household.id) }) });
    return d;
  }

  private async create(tx: Tx<DaibanRepos>, household: Household, item: CatalogueItem, handlerId: number, origin: DaibanOrigin, note: string): Promise<DaibanRecord> {
    const day = tx.calendar.localDate(tx.now).replace(/-/g, '');
    const number = formatDaibanNumber(tx.now, await tx.repos.sequences.next(`daiban-${day}`), tx.calendar.timeZone);
    const draft = registerDaiban(
      { number, item: item.name, materials: item.materials, office: item.office, limitDays: item.limitDays, householdId: household.id, unitId: household.unitId, unitPath: household.unitPath, handlerId, origin, note: [...note.trim()].slice(0, 500).join('') },
      tx.now,
    );
    return tx.repos.daiban.create(draft);
  }

  /** A request the actor may work (change) or read; one outside their authority does not exist. */
  async find(actor: DaibanActor, number: string, purpose: 'read' | 'change' = 'change'): Promise<DaibanRecord> {
    const d = await actor.tx.repos.daiban.byNumber(number, purpose === 'change');
    const shares = await actor.tx.repos.register.sharesOf(actor.member.id);
    if (!d || !mayRead(actor.member, d.unitPath, shares)) throw refuse('not_found', { ref: number });
    if (purpose === 'change' && !mayChange(actor.member, d.unitPath)) throw refuse('not_allowed');
    return d;
  }

  private async addStep(tx: Tx<DaibanRepos>, d: DaibanRecord, action: string, memberId: number | null, note: string | null): Promise<void> {
    await tx.repos.daiban.addStep(d.id, { at: tx.now, action, memberId, note });
  }

  /** Stores a step, writes its history, and lets the residents' side know. */
  private async step(actor: DaibanActor, before: DaibanRecord, after: Daiban, action: string, note: string | null): Promise<DaibanRecord> {
    const next: DaibanRecord = { ...after, id: before.id };
    await actor.tx.repos.daiban.save(next);
    await this.addStep(actor.tx, next, action, actor.member.id, note);
    if (next.origin === 'resident') {
      const steps: DaibanStepName[] = [];
      if (before.state !== next.state) steps.push(next.state as DaibanStepName);
      for (const s of steps) await this.observer.stepped(actor.tx, next, s);
    }
    return next;
  }

  /** 受理: the time limit runs from now, in working days of the one calendar; its reminders are scheduled. */
  async accept(actor: DaibanActor, number: string): Promise<DaibanRecord> {
    const d = await this.find(actor, number);
    const deadline = actor.tx.calendar.addWorkingDays(actor.tx.now, d.limitDays);
    const next = await this.step(actor, d, orRefuse(acceptDaiban(d, actor.tx.now, deadline), daibanStateName), 'accept', null);
    this.schedule(actor.tx, next, planDaibanReminders(next, actor.tx.calendar, actor.tx.now));
    return next;
  }

  private schedule(tx: Tx<DaibanRepos>, d: DaibanRecord, rungs: Rung[]): void {
    for (const rung of rungs) {
      tx.effects.schedule({
        name: DAIBAN_REMINDER_TIMER,
        jobId: daibanReminderJobId(d.number, rung.key, rung.deadlineVersion),
        data: { number: d.number, deadlineVersion: rung.deadlineVersion, rung: { key: rung.key, kind: rung.kind, audience: rung.audience } },
        runAt: rung.fireAt,
      });
    }
  }

  private cancel(tx: Tx<DaibanRepos>, d: DaibanRecord): void {
    for (const rung of planDaibanReminders({ ...d, state: 'accepted' }, tx.calendar, new Date(0))) tx.effects.cancel({ jobId: daibanReminderJobId(d.number, rung.key, rung.deadlineVersion) });
  }

  async tick(actor: DaibanActor, number: string, numbers: number[], untick = false): Promise<DaibanRecord> {
    const d = await this.find(actor, number);
    const outcome = untick ? untickMaterials(d, numbers) : tickMaterials(d, numbers, actor.tx.now);
    const next = orRefuse(outcome, daibanStateName);
    const names = numbers.filter((n) => n >= 1 && n <= d.materials.length).map((n) => d.materials[n - 1]);
    return this.step(actor, d, next, untick ? 'untick' : 'tick', names.join('、'));
  }

  /** Photos of documents, sealed under the register's protection; the upload is logged as a change of the household's record. */
  async attach(actor: DaibanActor, number: string, refs: string[]): Promise<{ daiban: DaibanRecord; count: number }> {
    const d = await this.find(actor, number);
    if (!refs.length) throw refuse('no_photos', { number: d.number });
    if (!isOpen(d)) throw refuse('closed', { state: daibanStateName(d.state) });
    await actor.tx.repos.daiban.addPhotos(d.id, refs, actor.member.id, actor.tx.now);
    await this.addStep(actor.tx, d, 'photo', actor.member.id, String(refs.length));
    await this.register.log(actor, 'change', 'household', { id: d.householdId, unitId: d.unitId, unitPath: d.unitPath }, `代办材料照片 ${d.number}`);
    return { daiban: d, count: (await actor.tx.repos.daiban.photos(d.id)).length };
  }

  /** The photos of a request's documents: opened for the asker, and the read logged. */
  async photos(actor: DaibanActor, number: string): Promise<{ daiban: DaibanRecord; photos: DaibanPhoto[] }> {
    const d = await this.find(actor, number, 'read');
    const photos = await actor.tx.repos.daiban.photos(d.id);
    if (photos.length) await this.register.log(actor, 'read', 'household', { id: d.householdId, unitId: d.unitId, unitPath: d.unitPath }, `代办材料照片 ${d.number}`);
    return { daiban: d, photos };
  }

  async submit(actor: DaibanActor, number: string, office: string, on: Date): Promise<DaibanRecord> {
    const d = await this.find(actor, number);
    if (on.getTime() > actor.tx.now.getTime()) throw refuse('bad_date');
    const next = orRefuse(submitDaiban(d, office, on, actor.tx.now), daibanStateName);
    return this.step(actor, d, next, 'submit', `${next.submittedOffice ?? ''} ${actor.tx.calendar.formatDay(on)}`);
  }

  async finish(actor: DaibanActor, number: string, note: string): Promise<DaibanRecord> {
    const d = await this.find(actor, number);
    const next = await this.step(actor, d, orRefuse(finishDaiban(d, actor.tx.now), daibanStateName), 'done', note || null);
    this.cancel(actor.tx, next);
    return next;
  }

  async giveBack(actor: DaibanActor, number: string, reason: string): Promise<DaibanRecord> {
    const d = await this.find(actor, number);
    const next = await this.step(actor, d, orRefuse(returnDaiban(d, reason, actor.tx.now), daibanStateName), 'return', reason.trim());
    this.cancel(actor.tx, next);
    return next;
  }

  /** A request with its household and history, for 代办详情 (a read of the household, logged). */
  async detail(actor: DaibanActor, number: string): Promise<{ daiban: DaibanRecord; household: Household | null; steps: DaibanStep[]; photos: number }> {
    const d = await this.find(actor, number, 'read');
    const household = await actor.tx.repos.register.household(d.householdId);
    await this.register.log(actor, 'read', 'household', { id: d.householdId, unitId: d.unitId, unitPath: d.unitPath }, `代办详情 ${d.number}`);
    return { daiban: d, household, steps: await actor.tx.repos.daiban.steps(d.id), photos: (await actor.tx.repos.daiban.photos(d.id)).length };
  }

  /** 我的代办: the open requests the actor handles. */
  async mine(actor: DaibanActor): Promise<DaibanRecord[]> {
    const scopes = readableScopes(actor.member, await actor.tx.repos.register.sharesOf(actor.member.id));
    return actor.tx.repos.daiban.list({ scopes, handlerId: actor.member.id, states: OPEN_DAIBAN_STATES, limit: LIST_LIMIT });
  }

  /** 代办列表: the open requests within a unit the actor may read (all of theirs by default). */
  async list(actor: DaibanActor, unit: OrgUnit | undefined, all: boolean): Promise<DaibanRecord[]> {
    const shares = await actor.tx.repos.register.sharesOf(actor.member.id);
    if (unit && !mayRead(actor.member, unit.path, shares)) throw refuse('not_allowed');
    const scopes = unit ? [unit.path] : readableScopes(actor.member, shares);
    return actor.tx.repos.daiban.list({ scopes, states: all ? undefined : OPEN_DAIBAN_STATES, limit: LIST_LIMIT });
  }

  // ---- figures ------------------------------------------------------------------------------

  /** The 代办 figures of a subtree in a period, by the one definition (src/domain/figures). */
  async tally(repos: Pick<DaibanRepos, 'daiban'>, unitPath: string, range: FigureRange, now: Date): Promise<DaibanTally> {
    return tallyDaiban(await repos.daiban.touching([unitPath], range.start, range.end), range, now);
  }

  /** 代办按时办结率 per grid (考核): 按时 of 到期. */
  async onTimeOfGrids(repos: Pick<DaibanRepos, 'daiban' | 'org'>, gridIds: number[], range: FigureRange, now: Date): Promise<Map<number, Ratio>> {
    const out = new Map<number, Ratio>();
    for (const id of gridIds) {
      const unit = await repos.org.unit(id);
      if (!unit) continue;
      const tally = await this.tally(repos, unit.path, range, now);
      out.set(id, { done: tally.onTime, of: tally.due });
    }
    return out;
  }

  // ---- reminders ----------------------------------------------------------------------------

  /** A rung fired: told only while the request is open and the rung was planned for its current limit. */
  async remind(tx: Tx<DaibanRepos>, number: string, deadlineVersion: number, rung: Pick<Rung, 'key' | 'kind' | 'audience'>): Promise<boolean> {
    const d = await tx.repos.daiban.byNumber(number, true);
    if (!d || !daibanRungApplies(d, deadlineVersion)) return false;
    const notify = new Notifier(tx);
    const message = reminderCard(d, rung.kind, tx.calendar, tx.now);
    await notify.member(d.handlerId, message);
    const unit = await tx.repos.org.unit(d.unitId);
    if (unit && rung.audience !== 'assignee') {
      const chain = [unit, ...(await tx.repos.org.ancestors(unit)).reverse().filter((u) => u.id !== unit.id)];
      const target = rung.audience === 'assignee+gridHead' ? chain[0] : rung.audience === 'community' ? chain.find((u) => u.level === 'community') : chain.find((u, i) => i > 0 && chain[i - 1].level === 'community');
      if (target) {
        const leaders = (await tx.repos.org.membersWithRole(target.id, LEADER_ROLE[target.level])).map((m) => m.id).filter((id) => id !== d.handlerId);
        await notify.members(leaders, message);
      }
    }
    await tx.repos.daiban.addStep(d.id, { at: tx.now, action: `rung.${rung.kind}`, memberId: null, note: rung.key });
    return true;
  }

  /** 稍后提醒 on a 代办 reminder: the card again for its handler while it is open. */
  async snoozedReminder(tx: Tx<DaibanRepos>, number: string, memberId: number): Promise<BotMessage | null> {
    const d = await tx.repos.daiban.byNumber(number);
    if (!d || !isOpen(d) || d.handlerId !== memberId) return null;
    return reminderCard(d, 'remind', tx.calendar, tx.now);
  }
}
