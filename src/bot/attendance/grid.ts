/** Who belongs where: the grid a member does their duty in, its heads, its community, its groups. */
import type { OrgUnit } from '../../domain/org/org';
import type { CommandContext } from '../commands/framework';
import { SessionError } from '../errors';
import type { BotMessage } from '../message';
import type { Notifier } from '../notify';
import type { Tx } from '../ports';
import type { AttendanceRepos } from './ports';

/** The grid of the conversation when the member holds a role there, else the member's own grid. */
export async function dutyGrid(ctx: CommandContext<AttendanceRepos>): Promise<OrgUnit> {
  const member = ctx.requireMember();
  const here = ctx.conversationUnit;
  if (here?.level === 'grid' && member.roles.some((g) => g.unitId === here.id)) return here;
  for (const role of ['gridworker', 'grid_head'] as const) {
    for (const grant of member.roles.filter((g) => g.role === role)) {
      const unit = await ctx.repos.org.unit(grant.unitId);
      if (unit?.level === 'grid') return unit;
    }
  }
  throw new SessionError('attendance.noGrid');
}

export async function gridHeads(tx: Tx<AttendanceRepos>, grid: OrgUnit): Promise<number[]> {
  return (await tx.repos.org.membersWithRole(grid.id, 'grid_head')).map((m) => m.id);
}

export async function communityOf(tx: Tx<AttendanceRepos>, grid: OrgUnit): Promise<OrgUnit | null> {
  return (await tx.repos.org.ancestors(grid)).find((u) => u.level === 'community') ?? null;
}

export async function namesOf(tx: Tx<AttendanceRepos>, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const id of ids) out.set(id, (await tx.repos.org.memberSummary(id))?.name ?? `#${id}`);
  return out;
}

/**
 * A message to a grid's groups, @-mentioning `memberIds` there; without a bound group each of them
 * gets it 1:1.
 */
export async function tellGrid(tx: Tx<AttendanceRepos>, notify: Notifier, grid: OrgUnit, message: BotMessage, memberIds: number[]): Promise<void> {
  const conversations = await tx.repos.org.conversationsOf(grid.id);
  if (!conversations.length) {
    await notify.members(memberIds, message);
    return;
  }
  for (const c of conversations) {
    const mentionUserIds = await notify.mentionIds(c.channel, memberIds);
    notify.conversation(c.channel, c.conversationId, { ...message, mentionUserIds });
  }
}
