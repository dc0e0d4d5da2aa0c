/**
 * The register as a spreadsheet (the shape of a 人口库 export): the import template, the check of
 * an upload row by row (all or nothing), its application in one transaction — re-importable:
 * a resident is matched by ID number, else by name within the household; a household by its
 * grid and address — and the export of a unit's register.
 */
import { z } from 'zod';
import { isWithin, type Member, type OrgUnit } from '../../domain/org/org';
import { auditScopes, mayChange, readableScopes } from '../../domain/register/access';
import { normaliseAddress, normaliseIdNumber, normalisePhone, householdCode, residentCode, type Household, type Resident } from '../../domain/register/resident';
import { splitTags } from '../../domain/register/tags';
import type { ReadSheet, SheetBook } from '../assessment/sheets';
import { t, type TextKey } from '../texts';
import type { AccessEntry, NewResident, RegisterAreaRepos } from './ports';
import type { RegisterService } from './service';
import { subjectCode } from './cards';

/** File-link kinds (src/bot/files.ts) of the register's upload page and export. */
export const REGISTER_IMPORT_LINK = 'register-import';
export const REGISTER_EXPORT_FILE = 'register-export';
export const ACCESS_LOG_FILE = 'access-log';

export const SHEET = '住户';
const HEADER = ['网格编码', '地址', '姓名', '与户主关系', '公民身份号码', '联系电话', '标签'] as const;

export function registerTemplate(): SheetBook {
  return {
    fileName: '住户导入模板.xlsx',
    sheets: [{ name: SHEET, header: [...HEADER], rows: [['01001001', '3幢2单元301', '张三', '户主', '330102194501011238', '13800000000', '独居老人、低保户']], widths: [12, 20, 10, 12, 22, 16, 24] }],
  };
}

export interface ImportLine {
  row: number;
  grid: OrgUnit;
  address: string;
  building: string;
  name: string;
  relation: string;
  idNumber: string | null;
  phone: string | null;
  tags: string[];
}

export type RegisterImportCheck = { ok: true; lines: ImportLine[] } | { ok: false; errors: string[] };

export interface RegisterImportResult {
  households: number;
  added: number;
  updated: number;
}

/** Most rows one upload may carry (a county's register goes in by community or town). */
export const MAX_IMPORT_ROWS = 100_000;

const problem = (row: number, key: string, params: Record<string, string> = {}) => t('register.import.row', { row: String(row), problem: t(`register.import.p.${key}` as TextKey, params) });

export async function checkRegisterImport(repos: RegisterAreaRepos, service: RegisterService, member: Member, sheets: ReadSheet[]): Promise<RegisterImportCheck> {
  const sheet = sheets.find((s) => s.name.trim() === SHEET) ?? (sheets.length === 1 ? sheets[0] : undefined);
  if (!sheet) return { ok: false, errors: [t('register.import.missingSheet', { sheet: SHEET })] };
  const header = (sheet.rows[0] ?? []).map((c) => c.trim());
  if (HEADER.some((h, i) => header[i] !== h)) return { ok: false, errors: [t('register.import.badHeader', { header: HEADER.join('、') })] };
  const data = sheet.rows.slice(1).flatMap((cells, i) => (cells.some((c) => c.trim() !== '') ? [{ row: i + 2, cells: cells.map((c) => c.trim()) }] : []));
  if (!data.length) return { ok: false, errors: [t('register.import.empty')] };
  if (data.length > MAX_IMPORT_ROWS) return { ok: false, errors: [t('register.import.tooMany', { max: String(MAX_IMPORT_ROWS) })] };

  const errors: string[] = [];
  const vocabulary = (await service.vocabulary({ repos })).filter((v) => v.target === 'resident').map((v) => v.name);
  const grids = new Map<string, OrgUnit | null>();
  const seenIds = new Map<string, number>();
  const seenPeople = new Map<string, number>();
  const lines: ImportLine[] = [];
  for (const { row, cells } of data) {
    const [gridCode = '', rawAddress = '', name = '', relation = '', rawId = '', rawPhone = '', rawTags = ''] = cells;
    const before = errors.length;
    if (!grids.has(gridCode)) grids.set(gridCode, gridCode ? await repos.org.unitByCode(gridCode) : null);
    const grid = grids.get(gridCode) ?? null;
    if (!grid) errors.push(problem(row, 'gridMissing', { code: gridCode }));
    else if (grid.level !== 'grid') errors.push(problem(row, 'notGrid', { code: gridCode }));
    else if (!mayChange(member, grid.path)) errors.push(problem(row, 'gridNotYours', { code: gridCode }));
    const address = normaliseAddress(rawAddress);
    if (!address) errors.push(problem(row, 'address', { address: rawAddress }));
    if (!name) errors.push(problem(row, 'name'));
    else if ([...name].length > 64) errors.push(problem(row, 'nameLong'));
    const idNumber = rawId ? normaliseIdNumber(rawId) : null;
    // The cell's content is personal data: errors say where, never what.
    if (rawId && !idNumber) errors.push(problem(row, 'idNumber'));
    if (idNumber) {
      if (seenIds.has(idNumber)) errors.push(problem(row, 'idTwice', { first: String(seenIds.get(idNumber)) }));
      else seenIds.set(idNumber, row);
    }
    const phone = rawPhone ? normalisePhone(rawPhone) : null;
    if (rawPhone && !phone) errors.push(problem(row, 'phone'));
    const tags = rawTags ? splitTags(rawTags) : [];
    for (const tag of tags) if (!vocabulary.includes(tag)) errors.push(problem(row, 'tag', { tag }));
    if (!idNumber && grid && address && name) {
      const key = `${grid.id}|${address.address}|${name}`;
      if (seenPeople.has(key)) errors.push(problem(row, 'personTwice', { first: String(seenPeople.get(key)) }));
      else seenPeople.set(key, row);
    }
    if (errors.length === before && grid && address) {
      lines.push({ row, grid, address: address.address, building: address.building, name, relation: (relation || '其他').slice(0, 16), idNumber, phone, tags });
    }
  }
  // An ID number already registered elsewhere may be updated only by someone who may change it there.
  const existing = await repos.register.residentsByIdNumbers(lines.flatMap((l) => (l.idNumber ? [l.idNumber] : [])));
  const rowOf = new Map(lines.flatMap((l) => (l.idNumber ? [[l.idNumber, l.row] as const] : [])));
  for (const resident of existing) {
    const row = resident.idNumber ? rowOf.get(resident.idNumber) : undefined;
    const household = row ? await repos.register.household(resident.householdId) : null;
    if (row && household && !mayChange(member, household.unitPath)) errors.push(problem(row, 'idElsewhere'));
  }
  return errors.length ? { ok: false, errors } : { ok: true, lines };
}

/** Writes a checked import: new households, new residents, updates of known ones; each logged. */
export async function applyRegisterImport(
  repos: RegisterAreaRepos,
  actor: { member: Member; channel: string | null; conversationId: string | null },
  lines: ImportLine[],
  now: Date,
): Promise<RegisterImportResult> {
  const households = new Map<string, Household>();
  for (const gridId of [...new Set(lines.map((l) => l.grid.id))]) {
    const grid = lines.find((l) => l.grid.id === gridId)!.grid;
    for (const h of await repos.register.householdsUnder(grid.path)) if (h.unitId === gridId) households.set(`${h.unitId}|${h.address}`, h);
  }
  const missing = [...new Map(lines.filter((l) => !households.has(`${l.grid.id}|${l.address}`)).map((l) => [`${l.grid.id}|${l.address}`, l])).values()];
  const created = await repos.register.createHouseholds(
    missing.map((l) => ({ unitId: l.grid.id, unitPath: l.grid.path, address: l.address, building: l.building })),
    now,
  );
  for (const h of created) households.set(`${h.unitId}|${h.address}`, h);

  const byId = new Map<string, Resident>();
  for (const r of await repos.register.residentsByIdNumbers(lines.flatMap((l) => (l.idNumber ? [l.idNumber] : [])))) if (r.idNumber) byId.set(r.idNumber, r);
  const residentsOf = new Map<number, Resident[]>();
  const toAdd: NewResident[] = [];
  const log: AccessEntry[] = [];
  let updated = 0;
  for (const line of lines) {
    const household = households.get(`${line.grid.id}|${line.address}`)!;
    let known = line.idNumber ? byId.get(line.idNumber) : undefined;
    if (!known && !created.includes(household)) {
      if (!residentsOf.has(household.id)) residentsOf.set(household.id, await repos.register.residentsOf(household.id));
      known = residentsOf.get(household.id)!.find((r) => r.name === line.name && (!line.idNumber || !r.idNumber));
    }
    const entry = { at: now, memberId: actor.member.id, channel: actor.channel, conversationId: actor.conversationId, unitId: household.unitId, unitPath: household.unitPath, detail: t('register.import.logDetail') };
    if (known) {
      // Moved to the address of the file when the import says so (a re-import after 迁入).
      await repos.register.updateResident(known.id, { name: line.name, relation: line.relation, idNumber: line.idNumber ?? known.idNumber, phone: line.phone ?? known.phone, tags: line.tags, status: 'present' }, now);
      if (known.householdId !== household.id) await repos.register.moveResident(known.id, household, now);
      log.push({ ...entry, action: 'import', subject: 'resident', subjectId: known.id });
      updated++;
    } else {
      toAdd.push({ householdId: household.id, unitId: household.unitId, unitPath: household.unitPath, name: line.name, relation: line.relation, idNumber: line.idNumber, phone: line.phone, tags: line.tags, status: 'present', now });
    }
  }
  await repos.register.addResidents(toAdd);
  for (const h of new Set(toAdd.map((r) => r.householdId))) {
    const household = [...households.values()].find((x) => x.id === h)!;
    log.push({ at: now, memberId: actor.member.id, channel: actor.channel, conversationId: actor.conversationId, unitId: household.unitId, unitPath: household.unitPath, action: 'import', subject: 'household', subjectId: h, detail: t('register.import.logDetail') });
  }
  await repos.accessLog.recordMany(log);
  return { households: created.length, added: toAdd.length, updated };
}

export const registerExportSpecSchema = z.object({ unitId: z.number().int(), channel: z.string().nullable(), conversationId: z.string().nullable() });
export type RegisterExportSpec = z.infer<typeof registerExportSpecSchema>;

/**
 * The register of a unit as a workbook, for the member who asked (their authority is checked
 * again when the link is opened); every exported resident is an `export` entry in the access log.
 */
export async function buildRegisterExport(repos: RegisterAreaRepos, memberId: number | null, spec: RegisterExportSpec, now: Date): Promise<SheetBook | null> {
  const member = memberId === null ? null : await repos.org.member(memberId);
  const unit = await repos.org.unit(spec.unitId);
  if (!member || !unit) return null;
  if (!readableScopes(member, await repos.register.sharesOf(member.id)).some((p) => isWithin(unit.path, p))) return null;
  const households = new Map((await repos.register.householdsUnder(unit.path)).map((h) => [h.id, h]));
  const grids = new Map<number, string>();
  const residents = await repos.register.residentsUnder(unit.path);
  const rows = [];
  for (const r of residents) {
    const h = households.get(r.householdId);
    if (!h) continue;
    if (!grids.has(h.unitId)) grids.set(h.unitId, (await repos.org.unit(h.unitId))?.code ?? '');
    rows.push([grids.get(h.unitId) ?? '', h.address, r.name, r.relation, r.idNumber, r.phone, r.tags.join('、'), householdCode(h.id), residentCode(r.id), t(`register.statusWord.${r.status}` as TextKey)]);
  }
  await repos.accessLog.recordMany(
    residents.map((r) => ({ at: now, memberId: member.id, action: 'export', subject: 'resident', subjectId: r.id, unitId: households.get(r.householdId)?.unitId ?? null, unitPath: households.get(r.householdId)?.unitPath ?? null, channel: spec.channel, conversationId: spec.conversationId, detail: t('register.export.logDetail', { unit: unit.code }) })),
  );
  return {
    fileName: `住户台账-${unit.name}.xlsx`,
    sheets: [{ name: SHEET, header: [...HEADER, '户号', '人员号', '状态'], rows, widths: [12, 20, 10, 12, 22, 16, 24, 8, 8, 8] }],
  };
}

export const accessLogSpecSchema = z.object({ days: z.number().int().min(1).max(3660) });

/**
 * The access log as a workbook for an auditor (审计员), within the subtree they audit; null for
 * anyone else. Reading the log is not itself residents' data, so it is not logged again.
 */
export async function buildAccessLogExport(repos: RegisterAreaRepos, memberId: number | null, spec: z.infer<typeof accessLogSpecSchema>, now: Date): Promise<SheetBook | null> {
  const member = memberId === null ? null : await repos.org.member(memberId);
  const scopes = member ? auditScopes(member) : [];
  if (!member || !scopes.length) return null;
  const entries = await repos.accessLog.query({ scopes, since: new Date(now.getTime() - spec.days * 86_400_000), limit: 1_000_000 });
  const names = new Map<number, string>();
  for (const e of entries) if (e.memberId !== null && !names.has(e.memberId)) names.set(e.memberId, (await repos.org.memberSummary(e.memberId))?.name ?? '');
  return {
    fileName: `住户信息访问日志-近${spec.days}天.xlsx`,
    sheets: [
      {
        name: '访问日志',
        header: ['时间', '成员', '成员编号', '操作', '记录', '会话', '说明'],
        rows: entries.map((e) => [e.at, e.memberId === null ? '' : (names.get(e.memberId) ?? ''), e.memberId === null ? '' : `#${e.memberId}`, t(`register.action.${e.action}` as TextKey), subjectCode(e), e.conversationId ? `${e.channel ?? ''}:${e.conversationId}` : '', e.detail ?? '']),
        widths: [18, 12, 10, 8, 10, 30, 24],
      },
    ],
  };
}
