/**
 * A small multipart/form-data reader for the residents' report form (photos from an old phone's
 * browser, no script): the body is read up to a cap and refused beyond it, then split at the
 * boundary. Also takes application/x-www-form-urlencoded (a form without photos).
 */
import type { IncomingMessage } from 'node:http';

export interface FormPart {
  name: string;
  /** Present for a file input (possibly empty when no file was chosen). */
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}
export class BadFormError extends Error {
  override name = 'BadFormError';
}

/** Reads the body, refusing (without reading on) once it passes `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(`body of ${declared} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const param = (header: string, key: string): string | undefined => {
  const m = new RegExp(`(?:^|;)\\s*${key}="([^"]*)"`, 'i').exec(header) ?? new RegExp(`(?:^|;)\\s*${key}=([^;\\s]*)`, 'i').exec(header);
  return m?.[1];
};

export function parseForm(contentType: string, body: Buffer): FormPart[] {
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    return [...new URLSearchParams(body.toString('utf8')).entries()].map(([name, value]) => ({ name, data: Buffer.from(value, 'utf8') }));
  }
  if (!/^multipart\/form-data/i.test(contentType)) throw new BadFormError('not a form');
  const boundary = param(contentType, 'boundary');
  if (!boundary || boundary.length > 200) throw new BadFormError('no boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: FormPart[] = [];
  let at = body.indexOf(delimiter);
  if (at < 0) throw new BadFormError('no parts');
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString() === '--') break; // the closing delimiter
    if (body.subarray(at, at + 2).toString() !== '\r\n') throw new BadFormError('bad delimiter line');
    at += 2;
    const headerEnd = body.indexOf('\r\n\r\n', at);
    if (headerEnd < 0) throw new BadFormError('part without headers');
    const headers = body.subarray(at, headerEnd).toString('utf8').split('\r\n');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next < 0) throw new BadFormError('unterminated part');
    const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
    const type = headers.find((h) => /^content-type:/i.test(h));
    const name = param(disposition, 'name');
    if (name === undefined) throw new BadFormError('part without a name');
    const filename = param(disposition, 'filename');
    parts.push({ name, ...(filename !== undefined ? { filename } : {}), ...(type ? { contentType: type.split(':')[1].trim() } : {}), data: body.subarray(headerEnd + 4, next) });
    at = next + 2;
    if (parts.length > 50) throw new BadFormError('too many parts');
  }
  return parts;
}

/** The text of a field (the last one of that name), or ''. */
export function field(parts: readonly FormPart[], name: string): string {
  const found = parts.filter((p) => p.name === name && p.filename === undefined).at(-1);
  return found ? found.data.toString('utf8') : '';
}
