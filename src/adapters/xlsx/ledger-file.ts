/** Files of kind `ledger` (导出 台账): the workbook is built from the database when the link is opened. */
import { buildLedger, ledgerSpecSchema, type AssessmentService } from '../../bot/assessment';
import { XLSX_MIME } from '../../bot/assessment/sheets';
import type { FileKind } from '../http/files-route';
import { writeWorkbook } from './workbook';

/** `service`: the composed one, so the 考核 sheet scores with every indicator the card has (走访覆盖率 included). */
export function ledgerFile(service?: AssessmentService): FileKind {
  return {
    expiredText: 'ledger.expired',
    usedText: 'ledger.used',
    async load(repos, link, now, calendar) {
      const spec = ledgerSpecSchema.safeParse(link.spec);
      const book = spec.success ? await buildLedger(repos, spec.data, now, calendar, service) : null;
      return book && { fileName: book.fileName, mimeType: XLSX_MIME, write: () => writeWorkbook(book, calendar.timeZone) };
    },
  };
}
