/** .xlsx writing and reading with exceljs: a SheetBook becomes a workbook, an upload becomes text rows. */
import type ExcelJS from 'exceljs';
import type { CellValue, ReadSheet, SheetBook } from '../../bot/assessment/sheets';

/** exceljs is loaded when the first workbook is read or written: it holds about 28 MB once loaded. */
const excel = () => require('exceljs') as typeof ExcelJS;

/** Uploads larger than this are refused before parsing (an org template is a few hundred KB at most). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

export class UnreadableWorkbookError extends Error {
  override readonly name = 'UnreadableWorkbookError';
}

export async function writeWorkbook(book: SheetBook, timeZone: string): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  wb.creator = 'gridbot';
  for (const sheet of book.sheets) {
    const ws = wb.addWorksheet(sheet.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = sheet.header.map((header, i) => ({ header, key: String(i), width: sheet.widths?.[i] ?? Math.max(10, header.length * 2 + 4) }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow(row.map((v) => cellOf(v, timeZone)));
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Dates are written as local text (Excel has no time zones): 2026-11-24 09:30. */
function cellOf(value: CellValue, timeZone: string): string | number | null {
  if (value instanceof Date) return localText(value, timeZone);
  return value;
}

export function localText(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

export async function readWorkbook(bytes: Buffer): Promise<ReadSheet[]> {
  if (bytes.length > MAX_UPLOAD_BYTES) throw new UnreadableWorkbookError('too large');
  const wb = new (excel().Workbook)();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new UnreadableWorkbookError(err instanceof Error ? err.message : 'not an xlsx file');
  }
  const out: ReadSheet[] = [];
  wb.eachSheet((ws) => {
    const rows: string[][] = [];
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= Math.max(row.cellCount, 0); c++) cells.push(textOf(row.getCell(c).value));
      rows.push(cells);
    }
    out.push({ name: ws.name, rows });
  });
  return out;
}

function textOf(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((t) => t.text).join('').trim();
    if ('text' in value && typeof value.text === 'string') return value.text.trim();
    if ('result' in value && value.result !== undefined) return textOf(value.result as ExcelJS.CellValue);
  }
  return '';
}
