/**
 * Organisation import (导入) for first set-up: the 单位 and 成员 sheets of the template are checked
 * row by row against the database and each other; with any error nothing is written, otherwise
 * units, members, roles and invite codes are created in the caller's one transaction.
 */
import crypto from 'node:crypto';
import { ROLES, UNIT_LEVELS, childLevel, isValidUnitCode, levelsOfRole, roleFitsLevel, type OrgUnit, type Role, type UnitLevel } from '../../domain/org/org';
import { t, type TextKey } from '../texts';
import type { ReadSheet, SheetBook } from './sheets';
import type { AssessmentRepos } from './ports';
import { lookup } from '../../domain/lookup';
import { roleFromWord, roleName } from '../role-words';

/** The file-link kind of the organisation upload page (src/bot/files.ts). */
export const ORG_IMPORT_LINK = 'org-import';

export const INVITE_DAYS = 7;

const LEVEL_WORDS: Record<string, UnitLevel> = {
  县: 'county',
  区: 'county',
  县区: 'county',
  镇: 'town',
  街道: 'town',
  乡: 'town',
  乡镇: 'town',
  '镇(街道)': 'town',
  社区: 'community',
  村: 'community',
  '社区(村)': 'community',
  网格: 'grid',
};

export interface UnitLine {
  row: number;
  code: string;
  name: string;
  level: UnitLevel;
  parentCode: string | null;
}

export interface MemberLine {
  row: number;
  name: string;
  phone: string | null;
  role: Role;
  unitCode: string;
}

export type ImportCheck = { ok: true; units: UnitLine[]; members: MemberLine[] } | { ok: false; errors: string[] };

export interface ImportResult {
  units: number;
  members: number;
  roles: number;
  invites: { name: string; unit: string; code: string }[];
}

const sheetName = (key: 'units' | 'members') => t(`import.sheet.${key}` as TextKey);

/** The empty template: headers and one example row per sheet. */
export function importTemplate(): SheetBook {
  const h = (k: string) => t(`import.h.${k}` as TextKey);
  return {
    fileName: '组织导入模板.xlsx',
    sheets: [
      { name: sheetName('units'), header: [h('code'), h('name'), h('level'), h('parent')], rows: [['X01', '示例县', '县', null], ['01', '幸福街道', '镇', 'X01'], ['01001', '阳光社区', '社区', '01'], ['01001001', '阳光社区第一网格', '网格', '01001']], widths: [14, 24, 10, 14] },
      { name: sheetName('members'), header: [h('memberName'), h('phone'), h('role'), h('unit')], rows: [['张三', '13800000000', '网格员', '01001001']], widths: [12, 16, 14, 14] },
    ],
  };
}

/** Rows after the header with at least one filled cell, with their 1-based sheet row numbers. */
function dataRows(sheet: ReadSheet): { row: number; cells: string[] }[] {
  return sheet.rows.slice(1).flatMap((cells, i) => (cells.some((c) => c.trim() !== '') ? [{ row: i + 2, cells: cells.map((c) => c.trim()) }] : []));
}

export async function checkImport(repos: AssessmentRepos, sheets: ReadSheet[]): Promise<ImportCheck> {
  const errors: string[] = [];
  const unitSheet = sheets.find((s) => s.name.trim() === sheetName('units'));
  const memberSheet = sheets.find((s) => s.name.trim() === sheetName('members'));
  if (!unitSheet) errors.push(t('import.missingSheet', { sheet: sheetName('units') }));
  if (!memberSheet) errors.push(t('import.missingSheet', { sheet: sheetName('members') }));
  if (!unitSheet || !memberSheet) return { ok: false, errors };
  const problem = (sheet: 'units' | 'members', row: number, key: string, params: Record<string, string> = {}) =>
    errors.push(t('import.row', { sheet: sheetName(sheet), row: String(row), problem: t(`import.p.${key}` as TextKey, params) }));

  const units: UnitLine[] = [];
  const fileUnits = new Map<string, UnitLine>();
  const hasRoot = (await repos.org.roots()).length > 0;
  for (const { row, cells } of dataRows(unitSheet)) {
    const [code = '', name = '', levelWord = '', parentCode = ''] = cells;
    const before = errors.length;
    if (!code) problem('units', row, 'codeMissing');
    else if (!isValidUnitCode(code)) problem('units', row, 'codeBad', { code });
    else if (fileUnits.has(code)) problem('units', row, 'codeTwice', { code, first: String(fileUnits.get(code)!.row) });
    else {
      const taken = await repos.org.unitByCode(code);
      if (taken) problem('units', row, 'codeTaken', { code, name: taken.name });
    }
    if (!name) problem('units', row, 'nameMissing');
    const level = lookup(LEVEL_WORDS, levelWord) ?? ((UNIT_LEVELS as readonly string[]).includes(levelWord) ? (levelWord as UnitLevel) : undefined);
    if (!level) problem('units', row, 'levelBad', { level: levelWord });
    if (level && errors.length === before) {
      if (level === 'county') {
        if (parentCode) problem('units', row, 'rootNeedsNoParent');
        else if (hasRoot) problem('units', row, 'rootExists');
      } else {
        const parentLevel = fileUnits.get(parentCode)?.level ?? (parentCode ? (await repos.org.unitByCode(parentCode))?.level : undefined);
        if (!parentLevel) problem('units', row, 'parentMissing', { code: parentCode });
        else if (childLevel(parentLevel) !== level) {
          const lv = (l: UnitLevel) => t(`level.${l}` as TextKey);
          const expected = UNIT_LEVELS[UNIT_LEVELS.indexOf(level) - 1];
          problem('units', row, 'parentLevel', { level: lv(level), expected: lv(expected), code: parentCode, actual: lv(parentLevel) });
        }
      }
    }
    const line = { row, code, name, level: level ?? 'grid', parentCode: parentCode || null };
    if (code && !fileUnits.has(code)) fileUnits.set(code, line);
    units.push(line);
  }

  const members: MemberLine[] = [];
  for (const { row, cells } of dataRows(memberSheet)) {
    const [name = '', phone = '', roleWord = '', unitCode = ''] = cells;
    if (!name) problem('members', row, 'memberName');
    if (phone && !/^1\d{10}$/.test(phone)) problem('members', row, 'phoneBad', { phone });
    const role = roleFromWord(roleWord);
    if (!role) problem('members', row, 'roleBad', { role: roleWord, roles: ROLES.map(roleName).join('、') });
    // The same rule as 授权: a role is held only at the levels it works at (a 网格员 at a grid).
    const unitLevel = fileUnits.get(unitCode)?.level ?? (unitCode ? (await repos.org.unitByCode(unitCode))?.level : undefined);
    if (!unitLevel) problem('members', row, 'unitMissing', { code: unitCode });
    else if (role && !roleFitsLevel(role, unitLevel)) {
      const lv = (l: UnitLevel) => t(`level.${l}` as TextKey);
      problem('members', row, 'roleLevel', { role: roleName(role), code: unitCode, level: lv(unitLevel), levels: levelsOfRole(role).map(lv).join('、') });
    }
    if (role) members.push({ row, name, phone: phone || null, role, unitCode });
  }
  if (!errors.length && !units.length && !members.length) errors.push(t('import.empty'));
  return errors.length ? { ok: false, errors } : { ok: true, units, members };
}

function inviteCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...crypto.randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** Writes a checked import. The same name and phone on several rows is one person with several roles. */
export async function applyImport(repos: AssessmentRepos, check: Extract<ImportCheck, { ok: true }>, actorId: number, now: Date): Promise<ImportResult> {
  const created = new Map<string, OrgUnit>();
  const unitOf = async (code: string) => created.get(code) ?? (await repos.org.unitByCode(code));
  for (const line of check.units) {
    const parent = line.parentCode ? await unitOf(line.parentCode) : null;
    created.set(line.code, await repos.org.createUnit({ code: line.code, name: line.name, level: line.level, parent, now }));
  }
  const people = new Map<string, number>();
  const result: ImportResult = { units: check.units.length, members: 0, roles: 0, invites: [] };
  for (const line of check.members) {
    const unit = (await unitOf(line.unitCode))!;
    const key = `${line.name}|${line.phone ?? `row${line.row}`}`;
    let memberId = people.get(key);
    if (memberId === undefined) {
      memberId = (await repos.org.createMember({ name: line.name, phone: line.phone, now })).id;
      people.set(key, memberId);
      result.members++;
      const code = inviteCode();
      await repos.org.createInvite({ code, memberId, createdBy: actorId, expiresAt: new Date(now.getTime() + INVITE_DAYS * 86400_000) });
      result.invites.push({ name: line.name, unit: unit.name, code });
    }
    if (await repos.org.grantRole(memberId, line.role, unit.id, now)) result.roles++;
  }
  await repos.audit.record({ at: now, actorMemberId: actorId, action: 'org.import', detail: { units: result.units, members: result.members, roles: result.roles } });
  return result;
}
