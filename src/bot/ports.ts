/**
 * The kernel: what every area needs from storage and the job layer, as interfaces. adapters/db
 * implements them with TypeORM; the bot never sees a driver. Everything a handler does happens
 * inside one transaction (`Tx`), together with the record that the message was handled and the
 * outbox rows. The kernel names no area: a transaction is generic over the repositories it
 * carries, each area declares its own in its ports.ts, and the full set is assembled above the
 * areas (src/bot/modules.ts).
 */
import type { ChannelName } from '../config';
import type { Member, OrgUnit, Role, UnitLevel } from '../domain/org/org';
import type { BotMessage } from './message';
import type { WorkingCalendar } from '../domain/calendar/working-calendar';

export interface ChannelUser {
  channel: ChannelName;
  platformUserId: string;
}

export interface MemberBinding extends ChannelUser {
  memberId: number;
  displayName: string | null;
  lastSeenAt: Date;
}

export interface ConversationBinding {
  channel: ChannelName;
  conversationId: string;
  unitId: number;
  title: string | null;
}

export interface MemberSummary {
  id: number;
  name: string;
  phone: string | null;
}

export interface OrgRepo {
  memberByChannelUser(user: ChannelUser): Promise<Member | null>;
  member(id: number): Promise<Member | null>;
  memberSummary(id: number): Promise<MemberSummary | null>;
  membersByName(name: string): Promise<MemberSummary[]>;
  createMember(input: { name: string; phone: string | null; now: Date }): Promise<MemberSummary>;
  grantRole(memberId: number, role: Role, unitId: number, now: Date): Promise<boolean>;
  revokeRole(memberId: number, role: Role, unitId: number): Promise<boolean>;
  /** Members holding `role` exactly at `unitId`. */
  membersWithRole(unitId: number, role: Role): Promise<MemberSummary[]>;
  /** Members holding any role at a unit within the subtree of `unitPath`. */
  membersUnder(unitPath: string): Promise<(MemberSummary & { role: Role; unitId: number })[]>;

  bindChannelUser(binding: ChannelUser & { memberId: number; displayName: string | null; now: Date }): Promise<void>;
  touchChannelUser(user: ChannelUser, now: Date, displayName?: string): Promise<void>;
  bindingsOf(memberId: number): Promise<MemberBinding[]>;
  /** Every bound user of a channel with their member's name (for the sandbox directory). */
  channelUsers(channel: ChannelName): Promise<(MemberBinding & { memberName: string })[]>;
  channelConversations(channel: ChannelName): Promise<(ConversationBinding & { unitName: string })[]>;

  unit(id: number): Promise<OrgUnit | null>;
  unitByCode(code: string): Promise<OrgUnit | null>;
  unitsByName(name: string): Promise<OrgUnit[]>;
  children(unitId: number): Promise<OrgUnit[]>;
  /** The unit and everything under it, ordered by path. */
  subtree(unitPath: string): Promise<OrgUnit[]>;
  ancestors(unit: OrgUnit): Promise<OrgUnit[]>;
  roots(): Promise<OrgUnit[]>;
  createUnit(input: { code: string; name: string; level: UnitLevel; parent: OrgUnit | null; now: Date }): Promise<OrgUnit>;
  renameUnit(unitId: number, name: string, now: Date): Promise<void>;
  setBoundary(unitId: number, geojson: string | null, now: Date): Promise<void>;
  boundary(unitId: number): Promise<string | null>;

  bindConversation(binding: ConversationBinding & { now: Date }): Promise<void>;
  unitOfConversation(channel: ChannelName, conversationId: string): Promise<OrgUnit | null>;
  conversationsOf(unitId: number): Promise<ConversationBinding[]>;

  createInvite(input: { code: string; memberId: number; createdBy: number | null; expiresAt: Date }): Promise<void>;
  /** Marks the invite used and returns its member, or null when unknown, used or expired. */
  redeemInvite(code: string, now: Date): Promise<number | null>;
}

export interface DialogState {
  kind: string;
  data: Record<string, unknown>;
  expiresAt: Date;
}

export interface DialogRepo {
  get(key: string, now: Date): Promise<DialogState | null>;
  put(key: string, state: DialogState, now: Date): Promise<void>;
  clear(key: string): Promise<void>;
}

export interface SettingsRepo {
  get<T>(key: string): Promise<T | null>;
  /** The stored JSON texts of several settings in one read, in the order asked (null: not set). */
  texts(keys: readonly string[]): Promise<(string | null)[]>;
  put(key: string, value: unknown, now: Date): Promise<void>;
}

export interface AuditRepo {
  record(entry: { at: Date; actorMemberId: number | null; action: string; target?: string; detail?: unknown }): Promise<void>;
}

export interface SequenceRepo {
  /** The next value of a named counter (1, 2, 3 …), atomic within the transaction. */
  next(name: string): Promise<number>;
}

/**
 * A link handed out in chat to a file built from the database when it is opened (a ledger, a
 * meeting's minutes) or to an upload page: `kind` says which, `spec` what to build. It works
 * until `expiresAt`, and a `once` link only for its first opening. See src/bot/files.ts.
 */
export interface FileLink {
  /** 128-bit random, hex. */
  token: string;
  kind: string;
  spec: Record<string, unknown>;
  /** Who asked for it (an upload is made in their name). */
  memberId: number | null;
  once: boolean;
  createdAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
}

/** A refusal names the link's kind when the link exists (so the answer can say where to get a new one). */
export type FileLinkLookup = { ok: true; link: FileLink } | { ok: false; reason: 'unknown' | 'expired' | 'used'; kind?: string };

export interface FileLinkRepo {
  create(link: FileLink): Promise<void>;
  /** Looks at a link without using it. */
  peek(token: string, now: Date): Promise<FileLinkLookup>;
  /** Opens a link: a `once` link is marked used, so a second opening is refused. */
  open(token: string, now: Date): Promise<FileLinkLookup>;
}

/** The repositories of the kernel, bound to one transaction; every area may use them. */
export interface CoreRepos {
  org: OrgRepo;
  dialogs: DialogRepo;
  settings: SettingsRepo;
  audit: AuditRepo;
  sequences: SequenceRepo;
  files: FileLinkRepo;
}

/** A message to send once the transaction commits. */
export interface MessageEffect {
  channel: ChannelName;
  /** `direct` marks a 1:1 conversation; any other conversation is treated as a group (masked on the way out). */
  target: { kind: 'conversation' | 'user'; id: string; direct?: boolean };
  message: BotMessage;
  replyContext?: Record<string, string>;
}

/**
 * A timer to fire once the transaction commits (a reminder rung, a fan-out step): `name` is the
 * registered timer handler. The jobs layer owns the queues these go to.
 */
export interface JobEffect {
  name: string;
  /** Deterministic: the same logical job always has the same id. Must not contain ':'. */
  jobId: string;
  data: Record<string, unknown>;
  runAt: Date;
}

export interface Effects {
  send(effect: MessageEffect): void;
  schedule(job: JobEffect): void;
  /** Removes a scheduled timer that no longer applies (best effort; a firing job re-checks state). */
  cancel(job: { jobId: string }): void;
  /** Asks the scheduler process to re-read one schedule's pattern from settings (after 修改日程). */
  syncSchedule(scheduleId: string, jobId: string): void;
}

/** One transaction and the repositories `R` bound to it. */
export interface Tx<R extends CoreRepos = CoreRepos> {
  now: Date;
  /** The deployment's one zoned working calendar (TIMEZONE + official arrangement + county days), as of this transaction. */
  calendar: WorkingCalendar;
  repos: R;
  effects: Effects;
}

export type RunOnceResult<T> = { ran: true; result: T } | { ran: false };

export interface UnitOfWork<R extends CoreRepos = CoreRepos> {
  /**
   * Runs `work` in one transaction together with the record that `key` was handled and the
   * outbox rows of its effects, unless `key` was handled before. After the commit the effects
   * are dispatched; a second run of a handled key re-dispatches its undelivered effects.
   */
  runOnce<T>(key: string, work: (tx: Tx<R>) => Promise<T>): Promise<RunOnceResult<T>>;
  /** A read-only look at the data outside any message handling, with the calendar in force. */
  read<T>(work: (repos: R, calendar: WorkingCalendar) => Promise<T>): Promise<T>;
  /**
   * The same look, from the read replica when one is configured (DATABASE_READ_URL): for pages and
   * figures that may be a moment behind (the console), never for a read that must see a write just made.
   */
  readReplica<T>(work: (repos: R, calendar: WorkingCalendar) => Promise<T>): Promise<T>;
}

/** Gives the calendar in force, read in the caller's transaction (src/bot/calendar/source.ts). */
export interface CalendarProvider {
  current(settings: SettingsRepo): Promise<WorkingCalendar>;
}

export interface Clock {
  now(): Date;
}
