/**
 * 代办 as spreadsheets: the catalogue's import template and its check (导入代办事项), and the ledger
 * (代办台账) of a unit for a period — one row per request, and the period's figures counted by the one
 * definition in src/domain/figures, so the sheet, 统计 and 考核 agree.
 */
import { z } from 'zod';
import { parsePeriod } from '../../domain/assessment/period';
import { checkItem, splitMaterials, type CatalogueItem } from '../../domain/daiban/catalogue';
import { isDaibanOverdue } from '../../domain/daiban/daiban';
import { isWithin } from '../../domain/org/org';
import { readableScopes } from '../../domain/register/access';
import { householdCode } from '../../domain/register/resident';
import { tallyDaiban } from '../../domain/figures/figures';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { ReadSheet, SheetBook } from '../assessment/sheets';
import { t, type TextKey } from '../texts';
import type { DaibanRepos } from './ports';
import { stateName } from './cards';

export const DAIBAN_LEDGER_FILE = 'daiban-ledger';
export const CATALOGUE_SHEET = '代办事项';
const CATALOGUE_HEADER = ['事项名称', '所需材料', '办理部门', '办理时限（工作日）'] as const;
const MAX_ITEMS = 200;

export function catalogueTemplate(items: readonly CatalogueItem[]): SheetBook {
  return {
    fileName: '代办事项导入模板.xlsx',
    sheets: [{ name: CATALOGUE_SHEET, header: [...CATALOGUE_HEADER], rows: items.map((i) => [i.name, i.materials.join('、'), i.office, i.limitDays]), widths: [16, 48, 28, 18] }],
  };
}

export type CatalogueImportCheck = { ok: true; items: CatalogueItem[] } | { ok: false; errors: string[] };

/** Reads the uploaded catalogue: every row an item, errors by row number, nothing taken unless all rows are right. */
export function checkCatalogueImport(sheets: ReadSheet[]): CatalogueImportCheck {
  const sheet = sheets.find((s) => s.name.trim() === CATALOGUE_SHEET) ?? (sheets.length === 1 ? sheets[0] : undefined);
  if (!sheet) return { ok: false, errors: [t('daiban.import.missingSheet', { sheet: CATALOGUE_SHEET })] };
  const header = (sheet.rows[0] ?? []).map((c) => c.trim());
  if (CATALOGUE_HEADER.some((h, i) => header[i] !== h)) return { ok: false, errors: [t('daiban.import.badHeader', { header: CATALOGUE_HEADER.join('、') })] };
  const data = sheet.rows.slice(1).flatMap((cells, i) => (cells.some((c) => c.trim() !== '') ? [{ row: i + 2, cells: cells.map((c) => c.trim()) }] : []));
  if (!data.length) return { ok: false, errors: [t('daiban.import.empty')] };
  if (data.length > MAX_ITEMS) return { ok: false, errors: [t('daiban.import.tooMany', { max: MAX_ITEMS })] };
  const errors: string[] = [];
  const items: CatalogueItem[] = [];
  const seen = new Set<string>();
  for (const { row, cells } of data) {
    const [name = '', materials = '', office = '', days = ''] = cells;
    const checked = checkItem({ name, materials: materials === '无' ? [] : splitMaterials(materials), office, limitDays: /^\d{1,3}$/.test(days) ? Number(days) : NaN });
    if (!checked.ok) errors.push(t('daiban.import.row', { row, why: t(`daiban.item.${checked.reason}` as TextKey) }));
    else if (seen.has(checked.item.name)) errors.push(t('daiban.import.row', { row, why: t('daiban.import.duplicate', { name: checked.item.name }) }));
    else {
      seen.add(checked.item.name);
      items.push(checked.item);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, items };
}

export const daibanLedgerSpecSchema = z.object({ unitId: z.number().int(), period: z.string().max(16), channel: z.string().nullable(), conversationId: z.string().nullable() });
export type DaibanLedgerSpec = z.infer<typeof daibanLedgerSpecSchema>;

/** The ledger for the member who asked (their authority checked again on opening); the households' reads are logged. */
export async function buildDaibanLedger(repos: DaibanRepos, memberId: number | null, spec: DaibanLedgerSpec, now: Date, calendar: WorkingCalendar): Promise<SheetBook | null> {
  const member = memberId === null ? null : await repos.org.member(memberId);
  const unit = await repos.org.unit(spec.unitId);
  const period = parsePeriod(spec.period, now, calendar.timeZone);
  if (!member || !unit || !period) return null;
  if (!readableScopes(member, await repos.register.sharesOf(member.id)).some((p) => isWithin(unit.path, p))) return null;
  const requests = await repos.daiban.touching([unit.path], period.start, period.end);
  const tally = tallyDaiban(requests, period, now);
  const names = new Map<number, string>();
  const nameOf = async (id: number) => {
    if (!names.has(id)) names.set(id, (await repos.org.memberSummary(id))?.name ?? `#${id}`);
    return names.get(id)!;
  };
  const grids = new Map<number, string>();
  const gridOf = async (id: number) => {
    if (!grids.has(id)) grids.set(id, (await repos.org.unit(id))?.name ?? '');
    return grids.get(id)!;
  };
  const rows = [];
  for (const d of requests) {
    rows.push([
      d.number,
      d.item,
      await gridOf(d.unitId),
      householdCode(d.householdId),
      await nameOf(d.handlerId),
      t(`daiban.origin.${d.origin}` as TextKey),
      stateName(d.state) + (isDaibanOverdue(d, now) ? t('daiban.overdueMark') : ''),
      `${d.ticked.length}/${d.materials.length}`,
      d.registeredAt,
      d.acceptedAt,
      d.deadline,
      d.submittedOffice,
      d.submittedOn ? calendar.formatDay(d.submittedOn) : null,
      d.closedAt,
      d.returnReason,
    ]);
  }
  if (requests.length) {
    await repos.accessLog.recordMany(
      [...new Map(requests.map((d) => [d.householdId, d])).values()].map((d) => ({
        at: now,
        memberId: member.id,
        action: 'export' as const,
        subject: 'household' as const,
        subjectId: d.householdId,
        unitId: d.unitId,
        unitPath: d.unitPath,
        channel: spec.channel,
        conversationId: spec.conversationId,
        detail: `代办台账 ${period.key}`,
      })),
    );
  }
  return {
    fileName: t('daiban.ledger.fileName', { unit: unit.name, period: period.label }),
    sheets: [
      {
        name: '代办台账',
        header: ['编号', '事项', '网格', '户号', '经办网格员', '来源', '状态', '材料', '登记时间', '受理时间', '办理时限', '递交部门', '递交日期', '办结/退回时间', '退回原因'],
        rows,
        widths: [18, 16, 14, 8, 12, 8, 12, 8, 18, 18, 18, 24, 12, 18, 24],
      },
      {
        name: '汇总',
        header: ['项目', '数量'],
        rows: [
          [t('daiban.figure.received'), tally.received],
          [t('daiban.figure.done'), tally.done],
          [t('daiban.figure.returned'), tally.returned],
          [t('daiban.figure.due'), tally.due],
          [t('daiban.figure.onTime'), tally.onTime],
          [t('daiban.figure.late'), tally.late],
        ],
        widths: [20, 10],
      },
    ],
  };
}
