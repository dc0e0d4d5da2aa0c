/**
 * The grid tree and the roles people hold in it. Authority follows the tree: a role held at a
 * unit reaches that unit and everything below it, never a sibling.
 */

/** county 县 > town 镇(街道) > community 社区(村) > grid 网格. */
export const UNIT_LEVELS = ['county', 'town', 'community', 'grid'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

export const ROLES = [
  'gridworker', // 网格员
  'grid_head', // 网格长
  'community_secretary', // 社区书记 / 总网格长
  'town_center', // 镇(街道)中心
  'county_center', // 县中心
  'department', // 职能部门
  'admin', // 管理员
  'auditor', // 审计员: reads the access log of residents' data, changes nothing
] as const;
export type Role = (typeof ROLES)[number];

/** How far up the chain of command a role stands; admins stand above all. */
const ROLE_RANK: Record<Role, number> = {
  gridworker: 1,
  department: 1,
  grid_head: 2,
  community_secretary: 3,
  town_center: 4,
  county_center: 5,
  admin: 9,
  // Outside the chain of command: an auditor's role gives no authority over any unit's work.
  auditor: 0,
};

/** The levels a role can work at (a 网格员 belongs to a grid, a 镇中心 to a town); admins anywhere. */
const ROLE_LEVELS: Record<Role, readonly UnitLevel[]> = {
  gridworker: ['grid'],
  grid_head: ['grid'],
  community_secretary: ['community'],
  town_center: ['town'],
  county_center: ['county'],
  department: ['county', 'town'],
  admin: UNIT_LEVELS,
  // An auditor audits the subtree of the unit they are granted at, whatever its level.
  auditor: UNIT_LEVELS,
};

export function levelsOfRole(role: Role): readonly UnitLevel[] {
  return ROLE_LEVELS[role];
}

export function roleFitsLevel(role: Role, level: UnitLevel): boolean {
  return ROLE_LEVELS[role].includes(level);
}

export function roleRank(role: Role): number {
  return ROLE_RANK[role];
}

export interface OrgUnit {
  id: number;
  code: string;
  name: string;
  level: UnitLevel;
  parentId: number | null;
  /** Materialised path of ids, `/1/3/7/`. */
  path: string;
}

/** A role held at this pseudo-unit reaches the whole tree (bootstrap admins). */
export const GLOBAL_UNIT_ID = 0;

export interface RoleGrant {
  role: Role;
  unitId: number;
  /** Path of the unit the role is held at. */
  unitPath: string;
}

export interface Member {
  id: number;
  name: string;
  roles: RoleGrant[];
}

/** The level a child of `parent` must have; null when the parent is a grid. */
export function childLevel(parent: UnitLevel | null): UnitLevel | null {
  if (parent === null) return 'county';
  const i = UNIT_LEVELS.indexOf(parent);
  return UNIT_LEVELS[i + 1] ?? null;
}

export function levelOf(level: string): UnitLevel {
  if ((UNIT_LEVELS as readonly string[]).includes(level)) return level as UnitLevel;
  throw new Error(`unknown unit level ${level}`);
}

export function childPath(parent: { path: string } | null, id: number): string {
  return `${parent ? parent.path : '/'}${id}/`;
}

export function isWithin(unitPath: string, ancestorPath: string): boolean {
  return unitPath.startsWith(ancestorPath);
}

/** The role a unit's own leader holds there, e.g. a community is led by its secretary. */
export const LEADER_ROLE: Record<UnitLevel, Role> = {
  county: 'county_center',
  town: 'town_center',
  community: 'community_secretary',
  grid: 'grid_head',
};

/**
 * Whether `member` may act at `minRole` strength on the unit at `unitPath`: some role of theirs
 * is at least that strong and is held at that unit or above it.
 */
export function hasAuthority(member: Member, unitPath: string, minRole: Role): boolean {
  return member.roles.some((g) => roleRank(g.role) >= roleRank(minRole) && isWithin(unitPath, g.unitPath));
}

/** Whether the member holds at least `minRole` anywhere (used before a unit is known). */
export function hasRoleAnywhere(member: Member, minRole: Role): boolean {
  return member.roles.some((g) => roleRank(g.role) >= roleRank(minRole));
}

export function isAdmin(member: Member): boolean {
  return member.roles.some((g) => g.role === 'admin');
}

/** The member's strongest role (for help texts and defaults). */
export function topRole(member: Member): Role | null {
  let best: RoleGrant | null = null;
  for (const g of member.roles) if (!best || roleRank(g.role) > roleRank(best.role)) best = g;
  return best?.role ?? null;
}

/** Grid codes: 2 digits town + 3 digits village + 3 digits grid is typical; we accept 2–32 of [A-Za-z0-9-]. */
export function isValidUnitCode(code: string): boolean {
  return /^[A-Za-z0-9-]{2,32}$/.test(code);
}

