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

const toUnit = (r: OrgUnitRow): OrgUnit => ({ id: r.id, code: r.code, name: r.name, level: levelOf(r.level), parentId: r.parentId, path: r.path });
const toSummary = (r: MemberRow): MemberSummary => ({ id: r.id, name: r.name, phone: r.phone });

export class TypeOrmOrgRepo implements OrgRepo {
  constructor(private readonly em: EntityManager) {}

  private units = () => this.em.getRepository(OrgUnitSchema);
  private members = () => this.em.getRepository(MemberSchema);
  private roles = () => this.em.getRepository(MemberRoleSchema);
  private bindings = () => this.em.getRepository(ChannelBindingSchema);
  private conversations = () => this.em.getRepository(ConversationBindingSchema);

  async memberByChannelUser(user: ChannelUser): Promise<Member | null> {
    const binding = await this.bindings().findOne({ where: { channel: user.channel, platformUserId: user.platformUserId } });
    return binding ? this.member(binding.memberId) : null;
  }

  async member(id: number): Promise<Member | null> {
    const row = await this.members().findOne({ where: { id, active: true } });
    if (!row) return null;
    const grants = await this.roles().find({ where: { memberId: id } });
    const units = grants.length ? await this.units().find({ where: { id: In(grants.map((g) => g.unitId)) } }) : [];
    const pathOf = new Map<number, string>(units.map((u) => [u.id, u.path]));
    pathOf.set(GLOBAL_UNIT_ID, '/');
    return {
      id: row.id,
      name: row.name,
      roles: grants.filter((g) => pathOf.has(g.unitId)).map((g) => ({ role: g.role as Role, unitId: g.unitId, unitPath: pathOf.get(g.unitId)! })),
    };
  }

  async memberSummary(id: number): Promise<MemberSummary | null> {
    const row = await this.members().findOne({ where: { id } });
    return row ? toSummary(row) : null;
  }

  async membersByName(name: string): Promise<MemberSummary[]> {
    return (await this.members().find({ where: { name, active: true }, order: { id: 'ASC' } })).map(toSummary);
  }

  async createMember(input: { name: string; phone: string | null; now: Date }): Promise<MemberSummary> {
    const row = await this.members().save({ name: input.name, phone: input.phone, active: true, createdAt: input.now });
    return toSummary(row as MemberRow);
  }

  async grantRole(memberId: number, role: Role, unitId: number, now: Date): Promise<boolean> {
    const existing = await this.roles().findOne({ where: { memberId, role, unitId } });
    if (existing) return false;
    await this.roles().insert({ memberId, role, unitId, createdAt: now });
    return true;
  }

  async revokeRole(memberId: number, role: Role, unitId: number): Promise<boolean> {
    const result = await this.roles().delete({ memberId, role, unitId });
    return (result.affected ?? 0) > 0;
  }

  async membersWithRole(unitId: number, role: Role): Promise<MemberSummary[]> {
    const grants = await this.roles().find({ where: { unitId, role }, order: { id: 'ASC' } });
    if (!grants.length) return [];
    const rows = await this.members().find({ where: { id: In(grants.map((g) => g.memberId)), active: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return grants.flatMap((g) => (byId.has(g.memberId) ? [toSummary(byId.get(g.memberId)!)] : []));
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
    const existing = await this.bindings().findOne({ where: { channel: b.channel, platformUserId: b.platformUserId } });
    if (existing) {
      await this.bindings().update({ id: existing.id }, { memberId: b.memberId, displayName: b.displayName, lastSeenAt: b.now });
      return;
    }
    await this.bindings().insert({ channel: b.channel, platformUserId: b.platformUserId, memberId: b.memberId, displayName: b.displayName, lastSeenAt: b.now });
  }

  async touchChannelUser(user: ChannelUser, now: Date, displayName?: string): Promise<void> {
    await this.bindings().update(
      { channel: user.channel, platformUserId: user.platformUserId },
      displayName ? { lastSeenAt: now, displayName } : { lastSeenAt: now },
    );
  }

  async bindingsOf(memberId: number): Promise<MemberBinding[]> {
    const rows = await this.bindings().find({ where: { memberId }, order: { lastSeenAt: 'DESC', id: 'DESC' } });
    return rows.map((r) => ({ channel: r.channel as ChannelName, platformUserId: r.platformUserId, memberId: r.memberId, displayName: r.displayName, lastSeenAt: r.lastSeenAt }));
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

  async unit(id: number): Promise<OrgUnit | null> {
    const row = await this.units().findOne({ where: { id } });
    return row ? toUnit(row) : null;
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
    await this.units().update({ id: unitId }, { name, updatedAt: now });
  }

  async setBoundary(unitId: number, geojson: string | null, now: Date): Promise<void> {
    await this.units().update({ id: unitId }, { boundary: geojson, updatedAt: now });
  }

  async boundary(unitId: number): Promise<string | null> {
    return (await this.units().findOne({ where: { id: unitId } }))?.boundary ?? null;
  }

  async bindConversation(b: ConversationBinding & { now: Date }): Promise<void> {
    const existing = await this.conversations().findOne({ where: { channel: b.channel, conversationId: b.conversationId } });
    if (existing) {
      await this.conversations().update({ id: existing.id }, { unitId: b.unitId, title: b.title });
      return;
    }
    await this.conversations().insert({ channel: b.channel, conversationId: b.conversationId, unitId: b.unitId, title: b.title, createdAt: b.now });
  }

  async unitOfConversation(channel: ChannelName, conversationId: string): Promise<OrgUnit | null> {
    const b = await this.conversations().findOne({ where: { channel, conversationId } });
    return b ? this.unit(b.unitId) : null;
  }

  async conversationsOf(unitId: number): Promise<ConversationBinding[]> {
    const rows = await this.conversations().find({ where: { unitId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ channel: r.channel as ChannelName, conversationId: r.conversationId, unitId: r.unitId, title: r.title }));
  }

  async createInvite(input: { code: string; memberId: number; createdBy: number | null; expiresAt: Date }): Promise<void> {
    await this.em.getRepository(InviteSchema).insert({ ...input, usedAt: null });
  }

  async redeemInvite(code: string, now: Date): Promise<number | null> {
    const repo = this.em.getRepository(InviteSchema);
    const invite = await repo.findOne({ where: { code } });
    if (!invite || invite.usedAt || invite.expiresAt.getTime() < now.getTime()) return null;
    await repo.update({ code }, { usedAt: now });
    return invite.memberId;
  }
}
