/** Files of kind `register-export` (导出住户, built and logged when opened) and `access-log` (导出访问日志, auditors only). */
import { accessLogSpecSchema, buildAccessLogExport, buildRegisterExport, registerExportSpecSchema } from '../../bot/register';
import { XLSX_MIME } from '../../bot/assessment/sheets';
import type { FileKind } from '../http/files-route';
import { writeWorkbook } from './workbook';

export const registerExportFile: FileKind = {
  expiredText: 'register.export.expired',
  usedText: 'register.export.used',
  async load(repos, link, now, calendar) {
    const spec = registerExportSpecSchema.safeParse(link.spec);
    const book = spec.success ? await buildRegisterExport(repos, link.memberId, spec.data, now) : null;
    return book && { fileName: book.fileName, mimeType: XLSX_MIME, write: () => writeWorkbook(book, calendar.timeZone) };
  },
};

export const accessLogFile: FileKind = {
  expiredText: 'register.export.expired',
  usedText: 'register.export.used',
  async load(repos, link, now, calendar) {
    const spec = accessLogSpecSchema.safeParse(link.spec);
    const book = spec.success ? await buildAccessLogExport(repos, link.memberId, spec.data, now) : null;
    return book && { fileName: book.fileName, mimeType: XLSX_MIME, write: () => writeWorkbook(book, calendar.timeZone) };
  },
};
