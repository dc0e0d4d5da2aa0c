/**
 * What the bot needs from storage and the job layer, as interfaces. adapters/db implements them
 * with TypeORM; the bot never sees a driver. Everything a handler does happens inside one
 * transaction (`Tx`), together with the record that the message was handled and the outbox rows.
 */
import type { ChannelName } from '../config';
import type { Member, OrgUnit, Role, UnitLevel } from '../domain/org/org';
import type { BotMessage } from './message';
import type { EventRepo } from './events/ports';

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
  put(key: string, value: unknown, now: Date): Promise<void>;
}

export interface AuditRepo {
  record(entry: { at: Date; actorMemberId: number | null; action: string; target?: string; detail?: unknown }): Promise<void>;
}

export interface SequenceRepo {
  /** The next value of a named counter (1, 2, 3 …), atomic within the transaction. */
  next(name: string): Promise<number>;
}

/** Every repository, bound to one transaction. Each area adds its own. */
export interface Repos {
  org: OrgRepo;
  dialogs: DialogRepo;
  settings: SettingsRepo;
  audit: AuditRepo;
  sequences: SequenceRepo;
  events: EventRepo;
  tasks: import('./tasks/ports').TaskRepo;
  meetings: import('./meetings/ports').MeetingRepo;
  attendance: import('./attendance/ports').AttendanceRepo;
  assessment: import('./assessment/ports').AssessmentRepo;
}

/** A message to send once the transaction commits. */
export interface MessageEffect {
  channel: ChannelName;
  /** `direct` marks a 1:1 conversation; any other conversation is treated as a group (masked on the way out). */
  target: { kind: 'conversation' | 'user'; id: string; direct?: boolean };
  message: BotMessage;
  replyContext?: Record<string, string>;
}

/** A BullMQ job to add once the transaction commits (a reminder rung, a fan-out step). */
export interface JobEffect {
  queue: string;
  name: string;
  /** Deterministic: the same logical job always has the same id. Must not contain ':'. */
  jobId: string;
  data: Record<string, unknown>;
  runAt: Date;
}

export interface Effects {
  send(effect: MessageEffect): void;
  schedule(job: JobEffect): void;
  /** Removes a scheduled job that no longer applies (best effort; a firing job re-checks state). */
  cancel(job: { queue: string; jobId: string }): void;
}

export interface Tx {
  now: Date;
  repos: Repos;
  effects: Effects;
}

export type RunOnceResult<T> = { ran: true; result: T } | { ran: false };

export interface UnitOfWork {
  /**
   * Runs `work` in one transaction together with the record that `key` was handled and the
   * outbox rows of its effects, unless `key` was handled before. After the commit the effects
   * are dispatched; a second run of a handled key re-dispatches its undelivered effects.
   */
  runOnce<T>(key: string, work: (tx: Tx) => Promise<T>): Promise<RunOnceResult<T>>;
  /** A read-only look at the data outside any message handling. */
  read<T>(work: (repos: Repos) => Promise<T>): Promise<T>;
}

export interface Clock {
  now(): Date;
}
