/**
 * Who may see a grid's register: authority strictly along the grid tree. A gridworker sees their
 * grid, a grid head theirs, a community secretary the community's grids … A department sees only
 * what was shared with it; an auditor sees no register at all, only the access log.
 */
import { isWithin, roleRank, type Member, type Role } from '../org/org';

/** Roles that reach the register by holding them at or above the unit. */
const REGISTER_ROLES: ReadonlySet<Role> = new Set(['gridworker', 'grid_head', 'community_secretary', 'town_center', 'county_center', 'admin']);

export interface RegisterShare {
  memberId: number;
  unitId: number;
  unitPath: string;
}

/** The subtrees (unit paths) whose register the member may read. */
export function readableScopes(member: Member, shares: readonly RegisterShare[]): string[] {
  const paths = member.roles.filter((g) => REGISTER_ROLES.has(g.role)).map((g) => g.unitPath);
  for (const s of shares) if (s.memberId === member.id) paths.push(s.unitPath);
  return minimalPaths(paths);
}

/** Whether the member may read the register at `unitPath`. */
export function mayRead(member: Member, unitPath: string, shares: readonly RegisterShare[]): boolean {
  return readableScopes(member, shares).some((p) => isWithin(unitPath, p));
}

/** Changing the register (登记, 变动, 走访, 更正) needs a register role along the tree; a share only reads. */
export function mayChange(member: Member, unitPath: string): boolean {
  return member.roles.some((g) => REGISTER_ROLES.has(g.role) && isWithin(unitPath, g.unitPath));
}

/** Sharing with a department, changing the vocabulary: at least a community secretary there. */
export function mayManage(member: Member, unitPath: string, minRole: Role = 'community_secretary'): boolean {
  return member.roles.some((g) => REGISTER_ROLES.has(g.role) && roleRank(g.role) >= roleRank(minRole) && isWithin(unitPath, g.unitPath));
}

/** The access log is read by auditors (审计员) only, within the subtree they audit. */
export function auditScopes(member: Member): string[] {
  return minimalPaths(member.roles.filter((g) => g.role === 'auditor').map((g) => g.unitPath));
}

/** Drops paths inside another path of the list. */
function minimalPaths(paths: string[]): string[] {
  const unique = [...new Set(paths)].sort((a, b) => a.length - b.length);
  return unique.filter((p, i) => !unique.slice(0, i).some((q) => isWithin(p, q)));
}
