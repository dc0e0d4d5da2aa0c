/** The agenda and minutes as Markdown and as .docx (the maintained `docx` package). */
import type { Paragraph, Table } from 'docx';

/** `docx` is loaded when the first document is made: a process that never exports minutes does not carry it. */
const docx = () => require('docx') as typeof import('docx');
import type { DocumentTable, MeetingDocument } from '../../bot/meetings/render-port';

const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function toMarkdown(doc: MeetingDocument): string {
  const out = [`# ${doc.title}`, '', doc.subtitle, ''];
  for (const s of doc.sections) {
    out.push(`## ${s.heading}`, '');
    for (const p of s.paragraphs) out.push(p, '');
    if (s.table) {
      out.push(`| ${s.table.header.map(escapeCell).join(' | ')} |`, `|${s.table.header.map(() => ' --- ').join('|')}|`);
      for (const row of s.table.rows) out.push(`| ${row.map(escapeCell).join(' | ')} |`);
      out.push('');
    }
  }
  return out.join('\n');
}

function docxTable(t: DocumentTable): Table {
  const { Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = docx();
  const row = (cells: string[], bold: boolean) =>
    new TableRow({ children: cells.map((c) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: c, bold })] })] })) });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [row(t.header, true), ...t.rows.map((r) => row(r, false))] });
}

export async function toDocx(doc: MeetingDocument): Promise<Buffer> {
  const { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } = docx();
  const children: (Paragraph | Table)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun(doc.title)] }),
    new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(doc.subtitle)] }),
  ];
  for (const s of doc.sections) {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(s.heading)] }));
    for (const p of s.paragraphs) children.push(new Paragraph({ children: [new TextRun(p)] }));
    if (s.table) children.push(docxTable(s.table));
  }
  const file = new Document({
    creator: 'gridbot',
    title: doc.title,
    styles: { default: { document: { run: { font: { eastAsia: '宋体', ascii: 'Calibri' } } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(file);
}
