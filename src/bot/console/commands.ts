/** 控制台 (a one-time sign-in link, 1:1 only), 退出控制台, and 结束控制台 for admins. */
import { arg, commandsOf, type Command } from '../commands/framework';
import { t } from '../texts';
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
  return [open, logout, end];
}
