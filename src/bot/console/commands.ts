/** 控制台 (a one-time sign-in link, 1:1 only), 退出控制台, and 结束控制台 for admins. */
import { arg, commandsOf, type Command } from '../commands/framework';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { listWords } from '../commands/understand';
import { parseTileTemplate } from '../../domain/console/tiles';
import { consoleTiles, TILE_SETTING } from './tiles';
import type { MeetingOutput } from '../meetings/render-port';
import type { ConsoleRepos } from './ports';
import { CONSOLE_MIN_ROLE, LOGIN_LINK_MINUTES, SESSION_HOURS, type ConsoleService } from './service';

/** The sign-in address of a token; `baseUrl` is PUBLIC_URL or this server. */
export function consoleLoginUrl(baseUrl: string | null, token: string): string {
  return `${(baseUrl ?? '').replace(/\/$/, '')}/console/login/${token}`;
}

export function consoleCommands(service: ConsoleService, output: MeetingOutput): Command<ConsoleRepos>[] {
  const define = commandsOf<ConsoleRepos>();
  const open = define({
    id: 'console',
    name: '控制台',
    aliases: ['驾驶舱'],
    access: CONSOLE_MIN_ROLE,
    where: 'direct',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      const token = await service.issueLogin(ctx.tx, member);
      return t('console.link', { minutes: String(LOGIN_LINK_MINUTES), hours: String(SESSION_HOURS), url: consoleLoginUrl(output.baseUrl(), token) });
    },
  });
  const logout = define({
    id: 'consoleLogout',
    name: '退出控制台',
    aliases: ['退出驾驶舱'],
    access: 'member',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      const count = await ctx.repos.console.endSessionsOf(member.id, ctx.now);
      return count ? t('console.loggedOut', { count: String(count) }) : t('console.noneOpen');
    },
  });
  const end = define({
    id: 'consoleEnd',
    name: '结束控制台',
    access: 'admin',
    args: { who: arg.member('arg.consoleMember') },
    async run(ctx, { who }) {
      const admin = ctx.requireMember();
      const count = await ctx.repos.console.endSessionsOf(who.id, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: admin.id, action: 'console.end', target: `member#${who.id}`, detail: { count } });
      return count ? t('console.ended', { name: who.name, count: String(count) }) : t('console.endedNone', { name: who.name });
    },
  });
  const tiles = define({
    id: 'consoleTiles',
    name: '设置地图底图',
    aliases: ['地图底图'],
    access: 'admin',
    args: { template: arg.text('arg.tileTemplate') },
    async run(ctx, { template }) {
      const admin = ctx.requireMember();
      if (listWords('input.clear').includes(template.trim())) {
        const before = await consoleTiles(ctx.repos.settings);
        if (!before) return t('console.tiles.notSet');
        await ctx.repos.settings.put(TILE_SETTING, null, ctx.now);
        await ctx.repos.audit.record({ at: ctx.now, actorMemberId: admin.id, action: 'console.tiles', detail: { from: before.template, to: null } });
        return t('console.tiles.cleared');
      }
      const parsed = parseTileTemplate(template);
      if (!parsed.ok) throw new SessionError(`console.tiles.bad.${parsed.reason}` as TextKey);
      const before = await consoleTiles(ctx.repos.settings);
      await ctx.repos.settings.put(TILE_SETTING, { template: parsed.template }, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: admin.id, action: 'console.tiles', detail: { from: before?.template ?? null, to: parsed.template } });
      return t('console.tiles.set', { template: parsed.template, origin: parsed.origin });
    },
  });
  return [open, logout, end, tiles];
}
