/** The grid tree, members, roles and bindings, on TypeORM. */
import { In, Like, type EntityManager } from 'typeorm';
import type { ChannelName } from '../../../config';
import { GLOBAL_UNIT_ID, childPath, levelOf, type Member, type OrgUnit, type Role } from '../../../domain/org/org';
import type { ChannelUser, ConversationBinding, MemberBinding, MemberSummary, OrgRepo } from '../../../bot/ports';
import {
  ChannelBindingSchema,
  ConversationBindingSchema,
  InviteSchema,
  MemberRoleSchema,
  MemberSchema,
  OrgUnitSchema,
  type MemberRow,
  type OrgUnitRow,
} from '../schemas/core';
import { readDate } from '../raw-date';
import { readThrough, type TxReads } from '../read-cache';

const toUnit = (r: OrgUnitRow): OrgUnit => ({ id: r.id, code: r.code, name: r.name, level: levelOf(r.level), parentId: r.parentId, path: r.path });
interface MemberJoinRow {
  bound?: number;
  displayName?: string | null;
  lastSeenAt?: unknown;
  id: number | null;
  name: string | null;
  role: string | null;
  unitId: number | null;
  unitPath: string | null;
  unitCode?: string | null;
  unitName?: string | null;
  unitLevel?: string | null;
  unitParentId?: number | null;
}

/** A member from the rows of member ⟕ member_role ⟕ org_unit; roles on a unit that is gone are left out. */
function memberOf(rows: MemberJoinRow[]): Member | null {
  if (!rows.length || rows[0].id === null) return null;
  const roles = rows.flatMap((r) => {
    if (r.role === null || r.unitId === null) return [];
    const unitId = Number(r.unitId);
    const unitPath = unitId === GLOBAL_UNIT_ID ? '/' : r.unitPath;
    return unitPath === null ? [] : [{ role: r.role as Role, unitId, unitPath }];
  });
  return { id: Number(rows[0].id), name: String(rows[0].name), roles };
}

const toSummary = (r: MemberRow): MemberSummary => ({ id: r.id, name: r.name, phone: r.phone });

/** How stale a binding's last_seen_at may get before a message writes it again. */
export const TOUCH_INTERVAL_MS = 10 * 60_000;

interface SeenBinding {
  memberId: number;
  displayName: string | null;
  lastSeenAt: Date | null;
}

/**
 * One repository per transaction. Lookups a message repeats (the sender, their roles, the units
 * the handlers and the audience resolution read again and again) are remembered for the
 * transaction and forgotten by any write through this repository, so the transaction never sees
 * a stale row of its own.
 */
export class TypeOrmOrgRepo implements OrgRepo {
  constructor(
    private readonly em: EntityManager,
    /** What the process keeps between transactions (read-cache.ts); read through when not given. */
    private readonly reads: TxReads = readThrough(em),
  ) {}

  private readonly memberMemo = new Map<number, Promise<Member | null>>();
  private readonly unitMemo = new Map<number, Promise<OrgUnit | null>>();
  private readonly summaryMemo = new Map<number, Promise<MemberSummary | null>>();
  private readonly bindingMemo = new Map<string, SeenBinding | null>();

  /** Every write calls this first: what was remembered may have changed. */
  private forget(): void {
    this.reads.markDirty();
    this.memberMemo.clear();
    this.unitMemo.clear();
    this.summaryMemo.clear();
    this.bindingMemo.clear();
  }

  private units = () => this.em.getRepository(OrgUnitSchema);
  private members = () => this.em.getRepository(MemberSchema);
  private roles = () => this.em.getRepository(MemberRoleSchema);
  private bindings = () => this.em.getRepository(ChannelBindingSchema);
  private conversations = () => this.em.getRepository(ConversationBindingSchema);

  /** The sender of a message with their roles: one statement (binding, member, roles, unit paths). */
  async memberByChannelUser(user: ChannelUser): Promise<Member | null> {
    const key = `${user.channel}|${user.platformUserId}`;
    const rows = await this.reads.get(`sender|${key}`, async () => (await this.em.query(
      `SELECT b.member_id AS bound, b.display_name AS displayName, b.last_seen_at AS lastSeenAt, m.id AS id, m.name AS name, r.role AS role, r.unit_id AS unitId, u.path AS unitPath,
              u.code AS unitCode, u.name AS unitName, u.level AS unitLevel, u.parent_id AS unitParentId
         FROM channel_binding b
         LEFT JOIN member m ON m.id = b.member_id AND m.active = 1
         LEFT JOIN member_role r ON r.member_id = m.id
         LEFT JOIN org_unit u ON u.id = r.unit_id
        WHERE b.channel = ? AND b.platform_user_id = ?
        ORDER BY r.id`,
      [user.channel, user.platformUserId],
    )) as MemberJoinRow[]);
    if (!rows.length) {
      this.bindingMemo.set(key, null);
      return null;
    }
    this.bindingMemo.set(key, { memberId: Number(rows[0].bound), displayName: rows[0].displayName ?? null, lastSeenAt: readDate(rows[0].lastSeenAt) });
    const member = memberOf(rows);
    this.memberMemo.set(Number(rows[0].bound), Promise.resolve(member));
    // The units of the sender's roles came with them: a handler's unit(id) of one costs nothing more.
    for (const r of rows) {
      if (r.unitId === null || r.unitCode === null || r.unitCode === undefined || this.unitMemo.has(Number(r.unitId))) continue;
      const unitParentId = r.unitParentId === null || r.unitParentId === undefined ? null : Number(r.unitParentId);
      this.unitMemo.set(Number(r.unitId), Promise.resolve(toUnit({ id: Number(r.unitId), code: String(r.unitCode), name: String(r.unitName), level: String(r.unitLevel), parentId: unitParentId, path: String(r.unitPath) } as OrgUnitRow)));
    }
    return member;
  }

  member(id: number): Promise<Member | null> {
    let found = this.memberMemo.get(id);
    if (!found) {
      found = this.reads.get(`member|${id}`, async () =>
        memberOf(
          (await this.em.query(
            `SELECT m.id AS id, m.name AS name, r.role AS role, r.unit_id AS unitId, u.path AS unitPath
               FROM member m
               LEFT JOIN member_role r ON r.member_id = m.id
               LEFT JOIN org_unit u ON u.id = r.unit_id
              WHERE m.id = ? AND m.active = 1
              ORDER BY r.id`,
            [id],
          )) as MemberJoinRow[],
        ),
      );
      this.memberMemo.set(id, found);
      found.catch(() => this.memberMemo.delete(id));
    }
    return found;
  }

  memberSummary(id: number): Promise<MemberSummary | null> {
    let found = this.summaryMemo.get(id);
    if (!found) {
      found = this.reads.get(`summary|${id}`, async () => {
        const [row] = (await this.em.query('SELECT id, name, phone FROM member WHERE id = ?', [id])) as { id: number; name: string; phone: string | null }[];
        return row ? { id: Number(row.id), name: row.name, phone: row.phone ?? null } : null;
      });
      this.summaryMemo.set(id, found);
      found.catch(() => this.summaryMemo.delete(id));
    }
    return found;
  }

  async membersByName(name: string): Promise<MemberSummary[]> {
    return (await this.members().find({ where: { name, active: true }, order: { id: 'ASC' } })).map(toSummary);
  }

  async createMember(input: { name: string; phone: string | null; now: Date }): Promise<MemberSummary> {
    this.forget();
    const row = await this.members().save({ name: input.name, phone: input.phone, active: true, createdAt: input.now });
    return toSummary(row as MemberRow);
  }

  async grantRole(memberId: number, role: Role, unitId: number, now: Date): Promise<boolean> {
    this.forget();
    const existing = await this.roles().findOne({ where: { memberId, role, unitId } });
    if (existing) return false;
    await this.roles().insert({ memberId, role, unitId, createdAt: now });
    return true;
  }

  async revokeRole(memberId: number, role: Role, unitId: number): Promise<boolean> {
    this.forget();
    const result = await this.roles().delete({ memberId, role, unitId });
    return (result.affected ?? 0) > 0;
  }

  /** Active members holding `role` on the unit, in the order granted: one statement. */
  async membersWithRole(unitId: number, role: Role): Promise<MemberSummary[]> {
    const rows = await this.reads.get(`role|${unitId}|${role}`, async () => (await this.em.query(
      `SELECT m.id AS id, m.name AS name, m.phone AS phone
         FROM member_role r JOIN member m ON m.id = r.member_id AND m.active = 1
        WHERE r.unit_id = ? AND r.role = ?
        ORDER BY r.id`,
      [unitId, role],
    )) as { id: number; name: string; phone: string | null }[]);
    return rows.map((r) => {
      const summary: MemberSummary = { id: Number(r.id), name: r.name, phone: r.phone ?? null };
      if (!this.summaryMemo.has(summary.id)) this.summaryMemo.set(summary.id, Promise.resolve(summary));
      return summary;
    });
  }

  async membersUnder(unitPath: string): Promise<(MemberSummary & { role: Role; unitId: number })[]> {
    const units = await this.units().find({ where: { path: Like(`${unitPath}%`) } });
    if (!units.length) return [];
    const grants = await this.roles().find({ where: { unitId: In(units.map((u) => u.id)) }, order: { id: 'ASC' } });
    if (!grants.length) return [];
    const rows = await this.members().find({ where: { id: In([...new Set(grants.map((g) => g.memberId))]), active: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return grants.flatMap((g) => (byId.has(g.memberId) ? [{ ...toSummary(byId.get(g.memberId)!), role: g.role as Role, unitId: g.unitId }] : []));
  }

  async bindChannelUser(b: ChannelUser & { memberId: number; displayName: string | null; now: Date }): Promise<void> {
    this.forget();
    const existing = await this.bindings().findOne({ where: { channel: b.channel, platformUserId: b.platformUserId } });
    if (existing) {
      await this.bindings().update({ id: existing.id }, { memberId: b.memberId, displayName: b.displayName, lastSeenAt: b.now });
      return;
    }
    await this.bindings().insert({ channel: b.channel, platformUserId: b.platformUserId, memberId: b.memberId, displayName: b.displayName, lastSeenAt: b.now });
  }

  /**
   * Records that a user was seen. Skipped when this transaction read the binding and it was seen
   * less than TOUCH_INTERVAL_MS ago under the same name: a message need not write a row to say so.
   */
  async touchChannelUser(user: ChannelUser, now: Date, displayName?: string): Promise<void> {
    const seen = this.bindingMemo.get(`${user.channel}|${user.platformUserId}`);
    const fresh = seen?.lastSeenAt && now.getTime() - seen.lastSeenAt.getTime() < TOUCH_INTERVAL_MS && now.getTime() >= seen.lastSeenAt.getTime();
    if (fresh && (!displayName || displayName === seen.displayName)) return;
    const key = `${user.channel}|${user.platformUserId}`;
    if (displayName && displayName !== seen?.displayName) {
      this.forget(); // a new name bumps the read version (the sender's rows hold it)
    } else {
      // last_seen_at alone does not bump the version: the rows this process holds learn it here,
      // so its next messages do not write it again (another process writes it once more at most).
      this.bindingMemo.delete(key);
      const held = this.reads.shared.peek(`sender|${key}`) as MemberJoinRow[] | undefined;
      for (const r of held ?? []) r.lastSeenAt = now;
    }
    await this.bindings().update(
      { channel: user.channel, platformUserId: user.platformUserId },
      displayName ? { lastSeenAt: now, displayName } : { lastSeenAt: now },
    );
  }

  /**
   * Most recently seen first. Every notification asks: a member with one binding is kept under the
   * read version (adding or removing a binding bumps it); with several, the order follows
   * last_seen_at, which a message moves without bumping the version, so they are read each time.
   */
  async bindingsOf(memberId: number): Promise<MemberBinding[]> {
    const read = async () =>
      (await this.em.query(
        'SELECT channel, platform_user_id AS platformUserId, display_name AS displayName, last_seen_at AS lastSeenAt FROM channel_binding WHERE member_id = ? ORDER BY last_seen_at DESC, id DESC',
        [memberId],
      )) as { channel: string; platformUserId: string; displayName: string | null; lastSeenAt: unknown }[];
    let rows = await this.reads.get(`bindings|${memberId}`, read);
    if (rows.length > 1) rows = await read();
    return rows.map((r) => ({ channel: r.channel as ChannelName, platformUserId: r.platformUserId, memberId, displayName: r.displayName ?? null, lastSeenAt: readDate(r.lastSeenAt)! }));
  }

  async channelUsers(channel: ChannelName): Promise<(MemberBinding & { memberName: string })[]> {
    const rows = await this.bindings().find({ where: { channel }, order: { memberId: 'ASC' } });
    if (!rows.length) return [];
    const names = new Map((await this.members().find({ where: { id: In(rows.map((r) => r.memberId)) } })).map((m) => [m.id, m.name]));
    return rows.map((r) => ({
      channel,
      platformUserId: r.platformUserId,
      memberId: r.memberId,
      displayName: r.displayName,
      lastSeenAt: r.lastSeenAt,
      memberName: names.get(r.memberId) ?? '',
    }));
  }

  async channelConversations(channel: ChannelName): Promise<(ConversationBinding & { unitName: string })[]> {
    const rows = await this.conversations().find({ where: { channel }, order: { id: 'ASC' } });
    if (!rows.length) return [];
    const names = new Map((await this.units().find({ where: { id: In(rows.map((r) => r.unitId)) } })).map((u) => [u.id, u.name]));
    return rows.map((r) => ({ channel, conversationId: r.conversationId, unitId: r.unitId, title: r.title, unitName: names.get(r.unitId) ?? '' }));
  }

  unit(id: number): Promise<OrgUnit | null> {
    let found = this.unitMemo.get(id);
    if (!found) {
      found = this.reads.get(`unit|${id}`, async () => {
        const [row] = (await this.em.query('SELECT id, code, name, level, parent_id AS parentId, path FROM org_unit WHERE id = ?', [id])) as OrgUnitRow[];
        return row ? toUnit({ ...row, id: Number(row.id), parentId: row.parentId === null || row.parentId === undefined ? null : Number(row.parentId) }) : null;
      });
      this.unitMemo.set(id, found);
      found.catch(() => this.unitMemo.delete(id));
    }
    return found;
  }

  async unitByCode(code: string): Promise<OrgUnit | null> {
    const row = await this.units().findOne({ where: { code } });
    return row ? toUnit(row) : null;
  }

  async unitsByName(name: string): Promise<OrgUnit[]> {
    return (await this.units().find({ where: { name, active: true }, order: { path: 'ASC' } })).map(toUnit);
  }

  async children(unitId: number): Promise<OrgUnit[]> {
    return (await this.units().find({ where: { parentId: unitId, active: true }, order: { code: 'ASC' } })).map(toUnit);
  }

  async subtree(unitPath: string): Promise<OrgUnit[]> {
    return (await this.units().find({ where: { path: Like(`${unitPath}%`), active: true }, order: { path: 'ASC' } })).map(toUnit);
  }

  async ancestors(unit: OrgUnit): Promise<OrgUnit[]> {
    const ids = unit.path.split('/').filter(Boolean).map(Number).filter((id) => id !== unit.id);
    if (!ids.length) return [];
    const rows = await this.units().find({ where: { id: In(ids) } });
    return rows.map(toUnit).sort((a, b) => a.path.length - b.path.length);
  }

  async roots(): Promise<OrgUnit[]> {
    return (await this.units().find({ where: { level: 'county', active: true }, order: { code: 'ASC' } })).map(toUnit);
  }

  async createUnit(input: { code: string; name: string; level: OrgUnit['level']; parent: OrgUnit | null; now: Date }): Promise<OrgUnit> {
    this.forget();
    const inserted = await this.units().save({
      code: input.code,
      name: input.name,
      level: input.level,
      parentId: input.parent?.id ?? null,
      path: '/',
      boundary: null,
      active: true,
      createdAt: input.now,
      updatedAt: input.now,
    });
    const path = childPath(input.parent, (inserted as OrgUnitRow).id);
    await this.units().update({ id: (inserted as OrgUnitRow).id }, { path });
    return toUnit({ ...(inserted as OrgUnitRow), path });
  }

  async renameUnit(unitId: number, name: string, now: Date): Promise<void> {
    this.forget();
    await this.units().update({ id: unitId }, { name, updatedAt: now });
  }

  async setBoundary(unitId: number, geojson: string | null, now: Date): Promise<void> {
    this.forget();
    await this.units().update({ id: unitId }, { boundary: geojson, updatedAt: now });
  }

  async boundary(unitId: number): Promise<string | null> {
    return (await this.units().findOne({ where: { id: unitId } }))?.boundary ?? null;
  }

  async bindConversation(b: ConversationBinding & { now: Date }): Promise<void> {
    this.forget();
    const existing = await this.conversations().findOne({ where: { channel: b.channel, conversationId: b.conversationId } });
    if (existing) {
      await this.conversations().update({ id: existing.id }, { unitId: b.unitId, title: b.title });
      return;
    }
    await this.conversations().insert({ channel: b.channel, conversationId: b.conversationId, unitId: b.unitId, title: b.title, createdAt: b.now });
  }

  /** The unit a conversation is bound to: one statement, the binding joined with its unit. */
  async unitOfConversation(channel: ChannelName, conversationId: string): Promise<OrgUnit | null> {
    const [row] = await this.reads.get(`conversation|${channel}|${conversationId}`, async () => (await this.em.query(
      `SELECT u.id AS id, u.code AS code, u.name AS name, u.level AS level, u.parent_id AS parentId, u.path AS path
         FROM conversation_binding c JOIN org_unit u ON u.id = c.unit_id
        WHERE c.channel = ? AND c.conversation_id = ?`,
      [channel, conversationId],
    )) as { id: number; code: string; name: string; level: string; parentId: number | null; path: string }[]);
    if (!row) return null;
    const unit = toUnit({ id: Number(row.id), code: row.code, name: row.name, level: row.level, parentId: row.parentId === null ? null : Number(row.parentId), path: row.path } as OrgUnitRow);
    if (!this.unitMemo.has(unit.id)) this.unitMemo.set(unit.id, Promise.resolve(unit));
    return unit;
  }

  async conversationsOf(unitId: number): Promise<ConversationBinding[]> {
    const rows = await this.conversations().find({ where: { unitId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ channel: r.channel as ChannelName, conversationId: r.conversationId, unitId: r.unitId, title: r.title }));
  }

  async createInvite(input: { code: string; memberId: number; createdBy: number | null; expiresAt: Date }): Promise<void> {
    await this.em.getRepository(InviteSchema).insert({ ...input, usedAt: null });
  }

  async redeemInvite(code: string, now: Date): Promise<number | null> {
    this.forget();
    const repo = this.em.getRepository(InviteSchema);
    const invite = await repo.findOne({ where: { code } });
    if (!invite || invite.usedAt || invite.expiresAt.getTime() < now.getTime()) return null;
    await repo.update({ code }, { usedAt: now });
    return invite.memberId;
  }
}
