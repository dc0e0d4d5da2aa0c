/**
 * What the meetings area needs drawn or typeset: a bar chart as PNG, and the agenda or minutes as
 * a document. Implemented in adapters/render and handed to the modules by the runtime; the bot
 * stays platform-neutral and never sees a canvas or a .docx library.
 */

export interface ChartSpec {
  /** Chinese title, shown when the renderer has a CJK font. */
  title: string;
  /** ASCII title for renderers without a CJK font. */
  asciiTitle: string;
  bars: { label: string; shortLabel: string; value: number }[];
}

export interface DocumentTable {
  header: string[];
  rows: string[][];
}

export interface DocumentSection {
  heading: string;
  paragraphs: string[];
  table?: DocumentTable;
}

/** A plain document model: the agenda and minutes of one meeting. */
export interface MeetingDocument {
  title: string;
  subtitle: string;
  sections: DocumentSection[];
}

export type DocumentFormat = 'docx' | 'md';

export interface MeetingRenderer {
  /** A PNG of the bars; the figures are also embedded as PNG text metadata (`gridbot:chart`). */
  chartPng(spec: ChartSpec): Promise<Buffer>;
  document(doc: MeetingDocument, format: DocumentFormat): Promise<Buffer>;
}

/** How charts, documents and download links leave the bot; a dependency of meetings and assessment. */
export interface MeetingOutput {
  renderer: MeetingRenderer | null;
  /** Where download links point: PUBLIC_URL, or this server's own address (known once it listens). */
  baseUrl(): string | null;
}

/** Without a renderer agendas go out without a chart, and links stay relative. */
export const NO_OUTPUT: MeetingOutput = { renderer: null, baseUrl: () => null };
