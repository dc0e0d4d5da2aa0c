/** Files of kind `register-export` (导出住户): the register of a unit, built and logged when the link is opened. */
import { buildRegisterExport, registerExportSpecSchema } from '../../bot/register';
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
