/** 添加接入 / 接入列表 / 吊销接入 (admins; the key shown 1:1 only), 工单箱 and 落格 (the inbox), 网格地址. */
import { arg, commandsOf, type Command } from '../commands/framework';
import { SessionError } from '../errors';
import { hasAuthority, LEADER_ROLE } from '../../domain/org/org';
import { t } from '../texts';
import type { IntakeRepos } from './ports';
import type { IntakeService } from './service';

const CALLBACK_URL = /^https?:\/\/[^\s]{1,490}$/;

export function intakeCommands(service: IntakeService): Command<IntakeRepos>[] {
  const define = commandsOf<IntakeRepos>();
  const add = define({
    id: 'intakeAdd',
    name: '添加接入',
    access: 'admin',
    where: 'direct',
    args: { name: arg.word('arg.intakeName'), unit: arg.unit(), callback: arg.optional(arg.word('arg.intakeCallback')) },
    async run(ctx, { name, unit, callback }) {
      const admin = ctx.requireMember();
      if (name.length > 64) throw new SessionError('intake.badName');
      if (callback !== undefined && !CALLBACK_URL.test(callback)) throw new SessionError('intake.badCallback');
      const { client, key, secret } = await service.addClient(ctx.tx, { name, unit, callbackUrl: callback ?? null, createdBy: admin.id });
      return t('intake.added', { id: String(client.id), name, unit: unit.name, key, secret });
    },
  });
  const list = define({
    id: 'intakeList',
    name: '接入列表',
    access: 'admin',
    args: {},
    async run(ctx) {
      const clients = await ctx.repos.intake.clients();
      if (!clients.length) return t('intake.listEmpty');
      const lines: string[] = [];
      for (const c of clients) {
        const unit = await ctx.repos.org.unit(c.unitId);
        lines.push(t('intake.listLine', { id: String(c.id), name: c.name, unit: unit?.name ?? `#${c.unitId}`, callback: c.callbackUrl ?? '—', state: t(c.revokedAt ? 'intake.state.revoked' : 'intake.state.active') }));
      }
      return lines.join('\n');
    },
  });
  const revoke = define({
    id: 'intakeRevoke',
    name: '吊销接入',
    access: 'admin',
    args: { id: arg.int('arg.intakeClientId') },
    async run(ctx, { id }) {
      const admin = ctx.requireMember();
      const client = await ctx.repos.intake.client(id);
      if (!client) return t('intake.notFound', { id: String(id) });
      if (!(await ctx.repos.intake.revokeClient(id, ctx.now))) return t('intake.alreadyRevoked', { id: String(id) });
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: admin.id, action: 'intake.client.revoke', target: `intake_client#${id}` });
      return t('intake.revoked', { id: String(id), name: client.name });
    },
  });
  const inbox = define({
    id: 'intakeInbox',
    name: '工单箱',
    access: 'member',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      // The units this member leads: their inboxes are theirs to place from.
      const units = [];
      for (const r of member.roles) {
        const unit = await ctx.repos.org.unit(r.unitId);
        if (unit && hasAuthority(member, unit.path, LEADER_ROLE[unit.level])) units.push(...(await ctx.repos.org.subtree(unit.path)));
      }
      const orders = await ctx.repos.intake.inbox([...new Set(units.filter((u) => u.level !== 'grid').map((u) => u.id))]);
      if (!orders.length) return t('intake.inbox.empty');
      const lines: string[] = [];
      for (const o of orders) {
        const client = await ctx.repos.intake.client(o.clientId);
        lines.push(t('intake.inbox.line', { id: String(o.id), client: client?.name ?? `#${o.clientId}`, category: o.category, address: o.address ?? '—', reason: t(`intake.placement.${o.placement}` as 'intake.placement.address_unknown') }));
      }
      return [...lines, t('intake.inbox.hint')].join('\n');
    },
  });
  const place = define({
    id: 'intakePlace',
    name: '落格',
    access: 'member',
    args: { id: arg.int('arg.intakeOrderId'), grid: arg.unit() },
    async run(ctx, { id, grid }) {
      const member = ctx.requireMember();
      const order = await ctx.repos.intake.order(id);
      if (!order || order.eventId !== null || order.inboxUnitId === null) return t('intake.placeNotWaiting', { id: String(id) });
      const inboxUnit = await ctx.repos.org.unit(order.inboxUnitId);
      if (!inboxUnit || !hasAuthority(member, inboxUnit.path, LEADER_ROLE[inboxUnit.level])) return t('intake.placeNotYours', { id: String(id) });
      if (!grid.path.startsWith(inboxUnit.path)) return t('intake.placeNotYours', { id: String(id) });
      const placed = await service.placeByHand(ctx.tx, id, grid);
      if (placed === 'not_waiting') return t('intake.placeNotWaiting', { id: String(id) });
      if (placed === 'not_a_grid') return t('intake.placeNotGrid', { unit: grid.name });
      return t('intake.placed', { id: String(id), grid: grid.name, number: placed.number });
    },
  });
  const words = define({
    id: 'addressWords',
    name: '网格地址',
    access: 'admin',
    args: { grid: arg.unit(), words: arg.optional(arg.text('arg.addressWords')) },
    async run(ctx, { grid, words }) {
      if (grid.level !== 'grid') return t('intake.placeNotGrid', { unit: grid.name });
      const list = [...new Set((words ?? '').split(/[\s,，、]+/).filter(Boolean))];
      if (list.length > 20 || list.some((w) => w.length > 64)) throw new SessionError('intake.addressWordsBad');
      await ctx.repos.intake.setAddressWords(grid.id, list, ctx.now);
      return list.length ? t('intake.addressWordsSet', { grid: grid.name, words: list.join('、') }) : t('intake.addressWordsCleared', { grid: grid.name });
    },
  });
  return [add, list, revoke, inbox, place, words];
}
