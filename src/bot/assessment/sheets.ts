/**
 * A spreadsheet as plain data: what a ledger (台账) holds and what an import template carried.
 * adapters/xlsx turns it into an .xlsx and back; the bot never sees a workbook library.
 */

export type CellValue = string | number | Date | null;

export interface Sheet {
  /** Sheet name, at most 31 characters (an Excel limit). */
  name: string;
  /** Chinese column headers. */
  header: string[];
  rows: CellValue[][];
  /** Column widths in characters, one per header (optional). */
  widths?: number[];
}

export interface SheetBook {
  /** Suggested file name, `.xlsx` included. */
  fileName: string;
  sheets: Sheet[];
}

/** A sheet read back from an uploaded workbook: every cell as trimmed text, the header row first. */
export interface ReadSheet {
  name: string;
  rows: string[][];
}

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
