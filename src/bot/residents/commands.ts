/** 绑定居民群 / 解绑居民群 (a grid's leader, in the group) and 回访 (the handler, after 结案). */
import { arg, commandsOf, inputWords, type ArgSpec } from '../commands/framework';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import type { EventRating } from '../../domain/event';
import type { OrgUnit } from '../../domain/org/org';
import type { FollowupMethod, ResidentsRepos } from './ports';
import type { ResidentsService } from './service';
import type { CommandContext } from '../commands/framework';

const defineCommand = commandsOf<ResidentsRepos>();

/** A grid's own leaders (网格长 and up at the grid, or an admin above) may bind or unbind its residents' group. */
function authorizeLeader(ctx: CommandContext<ResidentsRepos>, unit: OrgUnit): void {
  const member = ctx.requireMember();
  const allowed = member.roles.some((g) => (g.role === 'admin' && unit.path.startsWith(g.unitPath)) || (g.role !== 'gridworker' && g.role !== 'department' && unit.path.startsWith(g.unitPath)));
  if (!allowed) ctx.authorize(unit, 'admin');
}

function fromWords<V extends string>(key: TextKey, label: TextKey): ArgSpec<V> {
  const words = () => inputWords(key);
  return {
    label,
    optional: false,
    rest: false,
    parse: (raw) => {
      const value = words().get(raw);
      return value ? { ok: true, value: value as V } : { ok: false, reason: t('arg.notInList', { values: [...words().keys()].join('、') }) };
    },
  };
}

export function residentCommands(service: ResidentsService) {
  const bindResidentGroup = defineCommand({
    id: 'bindResidentGroup',
    name: '绑定居民群',
    aliases: ['设为居民群'],
    access: 'grid_head',
    where: 'group',
    args: { unit: arg.unit() },
    async run(ctx, { unit }) {
      // WeCom lets neither an app nor a bot hear and answer residents in a customer group (docs/decisions.md, issue 16).
      if (ctx.inbound.channel === 'wecom') throw new SessionError('resident.wecomUnsupported');
      if (unit.level !== 'grid') throw new SessionError('resident.notGrid', { name: unit.name, level: t(`level.${unit.level}` as TextKey) });
      authorizeLeader(ctx, unit);
      const { channel, conversation } = ctx.inbound;
      const workers = await ctx.repos.org.unitOfConversation(channel, conversation.id);
      if (workers) throw new SessionError('resident.workersGroup', { name: workers.name });
      const existing = await ctx.repos.residents.groupOf(channel, conversation.id);
      if (existing?.unitId === unit.id) return t('resident.boundAlready', { name: unit.name });
      await ctx.repos.residents.bindGroup({ channel, conversationId: conversation.id, unitId: unit.id, boundBy: ctx.member!.id }, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'residentGroup.bind', target: unit.code, detail: { channel } });
      return t('resident.bound', { name: unit.name, code: unit.code });
    },
  });

  const unbindResidentGroup = defineCommand({
    id: 'unbindResidentGroup',
    name: '解绑居民群',
    access: 'grid_head',
    where: 'group',
    args: {},
    async run(ctx) {
      const { channel, conversation } = ctx.inbound;
      const group = await ctx.repos.residents.groupOf(channel, conversation.id);
      if (!group) throw new SessionError('resident.notBound');
      const unit = await ctx.repos.org.unit(group.unitId);
      if (unit) authorizeLeader(ctx, unit);
      await ctx.repos.residents.unbindGroup(channel, conversation.id);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'residentGroup.unbind', target: unit?.code ?? String(group.unitId), detail: { channel } });
      return t('resident.unbound');
    },
  });

  const followup = defineCommand({
    id: 'eventFollowup',
    name: '回访',
    aliases: ['回访记录'],
    access: 'gridworker',
    args: {
      number: arg.eventNumber(),
      method: fromWords<FollowupMethod>('input.followupMethods', 'arg.word'),
      rating: fromWords<EventRating>('input.ratings', 'arg.word'),
      note: arg.optional(arg.text()),
    },
    async run(ctx, { number, method, rating, note }) {
      const member = ctx.requireMember();
      await service.followup(ctx.tx, member, number, method, rating, note?.trim() || null);
      return t('followup.recorded', { number, method: t(`followup.method.${method}` as TextKey), rating: t(`event.rating.${rating}` as TextKey), note: note ? `（${note.trim()}）` : '' });
    },
  });

  return [bindResidentGroup, unbindResidentGroup, followup];
}
