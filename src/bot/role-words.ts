/**
 * The words people use for a role when they add or authorise a member: the catalogue's names and
 * the spellings heard in a county (镇中心, 街道中心, 总网格长, 分网格长 …, brackets full-width or not).
 */
import { ROLES, type Role } from '../domain/org/org';
import { t, type TextKey } from './texts';

export const roleName = (r: Role): string => t(`role.${r}` as TextKey);

/** Other spellings of a role, each mapped to the role. */
const SPELLINGS: Record<string, Role> = {
  分网格长: 'grid_head',
  总网格长: 'community_secretary',
  书记: 'community_secretary',
  社区书记: 'community_secretary',
  村书记: 'community_secretary',
  '社区(村)书记': 'community_secretary',
  镇中心: 'town_center',
  街道中心: 'town_center',
  乡镇中心: 'town_center',
  镇街中心: 'town_center',
  '镇(街道)中心': 'town_center',
  县中心: 'county_center',
  区中心: 'county_center',
  县级中心: 'county_center',
  部门: 'department',
  职能部门: 'department',
  管理员: 'admin',
};

/** Full-width brackets and spaces as people type them on a phone. */
function normalise(word: string): string {
  return word.replace(/（/g, '(').replace(/）/g, ')').replace(/[\s\u3000]/g, '');
}

/** Every accepted spelling → the catalogue's name of its role (for `arg.oneOf`). */
export function roleAliases(): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [word, role] of Object.entries(SPELLINGS)) {
    out[word] = roleName(role);
    out[word.replace(/\(/g, '（').replace(/\)/g, '）')] = roleName(role);
  }
  for (const r of ROLES) out[roleName(r).replace(/\(/g, '（').replace(/\)/g, '）')] = roleName(r);
  return out;
}

/** The role a word names, or null. */
export function roleFromWord(word: string): Role | null {
  const w = normalise(word);
  for (const r of ROLES) if (normalise(roleName(r)) === w) return r;
  return Object.hasOwn(SPELLINGS, w) ? SPELLINGS[w]! : null;
}
