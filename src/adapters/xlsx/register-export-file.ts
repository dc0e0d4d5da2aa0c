/** Files of kind `register-export` (导出住户, built and logged when opened) and `access-log` (导出访问日志, auditors only). */
import type { z } from 'zod';
import { accessLogSpecSchema, buildAccessLogExport, buildRegisterExport, registerExportSpecSchema } from '../../bot/register';
import { XLSX_MIME, type SheetBook } from '../../bot/assessment/sheets';
import type { BotRepos } from '../../bot/modules';
import type { FileKind } from '../http/files-route';
import { writeWorkbook } from './workbook';

/** A workbook built for the link's member from its validated spec; a spec that does not parse is no file. */
function workbookKind<S>(schema: z.ZodType<S>, build: (repos: BotRepos, memberId: number | null, spec: S, now: Date) => Promise<SheetBook | null>): FileKind {
  return {
    expiredText: 'register.export.expired',
    usedText: 'register.export.used',
    async load(repos, link, now, calendar) {
      const spec = schema.safeParse(link.spec);
      const book = spec.success ? await build(repos, link.memberId, spec.data, now) : null;
      return book && { fileName: book.fileName, mimeType: XLSX_MIME, write: () => writeWorkbook(book, calendar.timeZone) };
    },
  };
}

export const registerExportFile = workbookKind(registerExportSpecSchema, buildRegisterExport);
export const accessLogFile = workbookKind(accessLogSpecSchema, buildAccessLogExport);
