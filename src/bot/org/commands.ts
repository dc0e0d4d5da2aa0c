/** Organisation: binding yourself, and the admin commands that build the grid tree and its people. */
import crypto from 'node:crypto';
import { ROLES, childLevel, isValidUnitCode, levelsOfRole, roleFitsLevel, type OrgUnit, type Role } from '../../domain/org/org';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { arg, defineCommand, type Command, type CommandContext } from '../commands/framework';
import { roleAliases, roleFromWord, roleName } from '../role-words';

const INVITE_DAYS = 7;
const roleArg = arg.oneOf('arg.role', ROLES.map((r) => roleName(r)), roleAliases());
const roleOf = (word: string): Role => roleFromWord(word)!;

/** A role only where it can work: a 网格员 in a grid, a 镇(街道)中心 in a town … */
function requireFit(role: Role, unit: OrgUnit): void {
  if (!roleFitsLevel(role, unit.level)) {
    throw new SessionError('org.roleWrongLevel', { role: roleName(role), unit: unit.name, level: t(`level.${unit.level}` as TextKey), levels: levelsOfRole(role).map((l) => t(`level.${l}` as TextKey)).join('、') });
  }
}

function newInviteCode(): string {
  // 8 characters without look-alikes (0/O, 1/I): easy to type on a phone.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(8);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

async function issueInvite(ctx: CommandContext, memberId: number): Promise<string> {
  const code = newInviteCode();
  await ctx.repos.org.createInvite({ code, memberId, createdBy: ctx.member?.id ?? null, expiresAt: new Date(ctx.now.getTime() + INVITE_DAYS * 86400_000) });
  return code;
}

async function describeRoles(ctx: CommandContext, memberId: number): Promise<string> {
  const member = await ctx.repos.org.member(memberId);
  if (!member || member.roles.length === 0) return t('role.none');
  const parts: string[] = [];
  for (const g of member.roles) {
    const unit = await ctx.repos.org.unit(g.unitId);
    parts.push(`${roleName(g.role)}${unit ? `（${unit.name}）` : ''}`);
  }
  return parts.join(t('common.separator'));
}

const bind = defineCommand({
  id: 'bind',
  name: '绑定',
  aliases: ['bind'],
  access: 'newcomer',
  args: { code: arg.word() },
  async run(ctx, { code }) {
    if (ctx.inbound.conversation.kind !== 'direct') return t('bind.directOnly');
    if (ctx.member) return t('bind.already', { name: ctx.member.name });
    const memberId = await ctx.repos.org.redeemInvite(code.toUpperCase(), ctx.now);
    if (memberId === null) return t('bind.badCode');
    await ctx.repos.org.bindChannelUser({
      channel: ctx.inbound.channel,
      platformUserId: ctx.inbound.sender.id,
      memberId,
      displayName: ctx.inbound.sender.name ?? null,
      now: ctx.now,
    });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: memberId, action: 'member.bind', target: `${ctx.inbound.channel}` });
    const summary = await ctx.repos.org.memberSummary(memberId);
    return t('bind.ok', { name: summary?.name ?? '', roles: await describeRoles(ctx, memberId) });
  },
});

const newUnit = defineCommand({
  id: 'newUnit',
  name: '新建单位',
  aliases: ['添加单位', '新建网格'],
  access: 'admin',
  args: { code: arg.word('arg.unitCode'), name: arg.word('arg.text'), parent: arg.optional(arg.unit()) },
  async run(ctx, { code, name, parent }) {
    if (!isValidUnitCode(code)) throw new SessionError('org.badCode');
    const taken = await ctx.repos.org.unitByCode(code);
    if (taken) throw new SessionError('org.codeTaken', { code, name: taken.name });
    if (parent) ctx.authorize(parent, 'admin');
    else {
      if (!ctx.requireMember().roles.some((g) => g.role === 'admin' && g.unitPath === '/')) throw new SessionError('error.notAllowed', { command: '新建单位' });
      if ((await ctx.repos.org.roots()).length > 0) throw new SessionError('org.rootExists');
    }
    const level = childLevel(parent?.level ?? null);
    if (!level) throw new SessionError('org.cannotHaveChild');
    const unit = await ctx.repos.org.createUnit({ code, name, level, parent: parent ?? null, now: ctx.now });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'unit.create', target: code, detail: { name, parent: parent?.code ?? null } });
    return t('org.unitCreated', { level: t(`level.${level}`), name, code, parent: parent ? parent.name : t('org.noParent') });
  },
});

const renameUnit = defineCommand({
  id: 'renameUnit',
  name: '改名',
  aliases: ['重命名单位'],
  access: 'admin',
  args: { unit: arg.unit(), name: arg.word('arg.text') },
  async run(ctx, { unit, name }) {
    ctx.authorize(unit, 'admin');
    await ctx.repos.org.renameUnit(unit.id, name, ctx.now);
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'unit.rename', target: unit.code, detail: { from: unit.name, to: name } });
    return t('org.unitRenamed', { code: unit.code, name, old: unit.name });
  },
});

const addMember = defineCommand({
  id: 'addMember',
  name: '添加成员',
  aliases: ['新增成员'],
  access: 'admin',
  args: { name: arg.word('arg.text'), role: roleArg, unit: arg.unit(), phone: arg.optional(arg.word()) },
  async run(ctx, { name, role, unit, phone }) {
    ctx.authorize(unit, 'admin');
    requireFit(roleOf(role), unit);
    const member = await ctx.repos.org.createMember({ name, phone: phone ?? null, now: ctx.now });
    await ctx.repos.org.grantRole(member.id, roleOf(role), unit.id, ctx.now);
    const code = await issueInvite(ctx, member.id);
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'member.add', target: `member#${member.id}`, detail: { role: roleOf(role), unit: unit.code } });
    return t('org.memberAdded', { name, id: member.id, role, unit: unit.name, code, days: INVITE_DAYS });
  },
});

const grant = defineCommand({
  id: 'grant',
  name: '授权',
  aliases: ['分配角色'],
  access: 'admin',
  args: { member: arg.member(), role: roleArg, unit: arg.unit() },
  async run(ctx, { member, role, unit }) {
    ctx.authorize(unit, 'admin');
    requireFit(roleOf(role), unit);
    const added = await ctx.repos.org.grantRole(member.id, roleOf(role), unit.id, ctx.now);
    if (!added) return t('org.roleExists', { name: member.name, role, unit: unit.name });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'role.grant', target: `member#${member.id}`, detail: { role: roleOf(role), unit: unit.code } });
    return t('org.roleGranted', { name: member.name, role, unit: unit.name });
  },
});

const revoke = defineCommand({
  id: 'revoke',
  name: '撤销授权',
  aliases: ['取消角色'],
  access: 'admin',
  args: { member: arg.member(), role: roleArg, unit: arg.unit() },
  async run(ctx, { member, role, unit }) {
    ctx.authorize(unit, 'admin');
    const removed = await ctx.repos.org.revokeRole(member.id, roleOf(role), unit.id);
    if (!removed) return t('org.roleMissing', { name: member.name, role, unit: unit.name });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'role.revoke', target: `member#${member.id}`, detail: { role: roleOf(role), unit: unit.code } });
    return t('org.roleRevoked', { name: member.name, role, unit: unit.name });
  },
});

const invite = defineCommand({
  id: 'invite',
  name: '邀请码',
  aliases: ['邀请'],
  access: 'admin',
  args: { member: arg.member() },
  async run(ctx, { member }) {
    const full = await ctx.repos.org.member(member.id);
    const admin = ctx.requireMember();
    // An admin may invite people who hold a role within the admin's reach (or none yet).
    const reachable = !full || full.roles.length === 0 || full.roles.some((g) => admin.roles.some((a) => a.role === 'admin' && g.unitPath.startsWith(a.unitPath)));
    if (!reachable) throw new SessionError('error.notAllowed', { command: '邀请码' });
    const code = await issueInvite(ctx, member.id);
    return t('org.invite', { name: member.name, code, days: INVITE_DAYS });
  },
});

const bindGroup = defineCommand({
  id: 'bindGroup',
  name: '绑定群',
  aliases: ['绑定本群'],
  access: 'grid_head',
  where: 'group',
  args: { unit: arg.unit() },
  async run(ctx, { unit }) {
    // A unit's own leader (or an admin above it) may bind their group.
    const member = ctx.requireMember();
    const allowed = member.roles.some((g) => (g.role === 'admin' && unit.path.startsWith(g.unitPath)) || (g.role !== 'gridworker' && g.role !== 'department' && g.unitId === unit.id));
    if (!allowed) ctx.authorize(unit, 'admin');
    await ctx.repos.org.bindConversation({ channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id, unitId: unit.id, title: ctx.inbound.conversation.title ?? null, now: ctx.now });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: member.id, action: 'group.bind', target: unit.code, detail: { channel: ctx.inbound.channel } });
    return t('org.groupBound', { level: t(`level.${unit.level}`), name: unit.name, code: unit.code });
  },
});

/** A WeCom group robot (群机器人) is send-only: its webhook key becomes a conversation of the unit. */
const bindRobot = defineCommand({
  id: 'bindRobot',
  name: '绑定机器人',
  aliases: ['绑定群机器人'],
  access: 'admin',
  where: 'direct',
  args: { unit: arg.unit(), webhook: arg.word() },
  async run(ctx, { unit, webhook }) {
    ctx.authorize(unit, 'admin');
    const key = /[?&]key=([\w-]+)/.exec(webhook)?.[1] ?? (/^[\w-]{16,64}$/.test(webhook) ? webhook : null);
    if (!key) throw new SessionError('org.badWebhook');
    await ctx.repos.org.bindConversation({ channel: 'wecom', conversationId: `webhook:${key}`, unitId: unit.id, title: null, now: ctx.now });
    await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'robot.bind', target: unit.code, detail: { keyTail: key.slice(-4) } });
    return t('org.robotBound', { name: unit.name, tail: key.slice(-4) });
  },
});

const MAX_TREE_LINES = 80;

const tree = defineCommand({
  id: 'tree',
  name: '组织',
  aliases: ['组织架构', '网格列表'],
  access: 'member',
  args: { unit: arg.optional(arg.unit()) },
  async run(ctx, { unit }) {
    const member = ctx.requireMember();
    const start: OrgUnit[] = unit ? [unit] : await ctx.repos.org.roots();
    if (unit) ctx.authorize(unit, 'gridworker');
    if (start.length === 0) return t('org.treeEmpty');
    const units = (await Promise.all(start.map((u) => ctx.repos.org.subtree(u.path)))).flat();
    // Everyone sees the outline of their own branch; the whole tree is for those above it.
    const visible = units.filter((u) => member.roles.some((g) => u.path.startsWith(g.unitPath) || g.unitPath.startsWith(u.path)));
    const baseDepth = visible.length ? visible[0].path.split('/').length : 0;
    const lines = visible.slice(0, MAX_TREE_LINES).map((u) =>
      t('org.treeLine', { indent: '　'.repeat(Math.max(0, u.path.split('/').length - baseDepth)), name: u.name, code: u.code, level: t(`level.${u.level}`), people: '' }),
    );
    if (visible.length > MAX_TREE_LINES) lines.push(t('org.treeTruncated', { count: visible.length, shown: MAX_TREE_LINES }));
    return { text: [t('org.treeTitle'), ...lines].join('\n'), card: { title: t('org.treeTitle'), lines } };
  },
});

const members = defineCommand({
  id: 'members',
  name: '成员',
  aliases: ['成员列表'],
  access: 'grid_head',
  args: { unit: arg.optional(arg.unit()) },
  async run(ctx, { unit }) {
    const target = unit ?? ctx.conversationUnit;
    if (!target) throw new SessionError('error.missingArg', { arg: t('arg.unitCode') });
    ctx.authorize(target, 'grid_head');
    const people = await ctx.repos.org.membersUnder(target.path);
    if (people.length === 0) return t('org.noMembers', { unit: target.name });
    const unitNames = new Map((await ctx.repos.org.subtree(target.path)).map((u) => [u.id, u.name]));
    return [
      t('org.membersTitle', { unit: target.name }),
      ...people.map((p) => t('org.memberLine', { name: p.name, id: p.id, role: roleName(p.role), unit: unitNames.get(p.unitId) ?? '' })),
    ].join('\n');
  },
});

const whoami = defineCommand({
  id: 'whoami',
  name: '我是谁',
  aliases: ['我的信息', 'whoami'],
  access: 'member',
  args: {},
  async run(ctx) {
    const member = ctx.requireMember();
    return t('org.whoami', { name: member.name, id: member.id, roles: await describeRoles(ctx, member.id) });
  },
});

export const orgCommands: Command[] = [bind, whoami, tree, members, newUnit, renameUnit, addMember, grant, revoke, invite, bindGroup, bindRobot];
