import { Readable } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { BadFormError, BodyTooLargeError, field, parseForm, readBody } from './multipart';

const form = async (build: (f: FormData) => void) => {
  const f = new FormData();
  build(f);
  const r = new Request('http://x/', { method: 'POST', body: f });
  return { type: r.headers.get('content-type')!, body: Buffer.from(await r.arrayBuffer()) };
};

describe('the report form reader', () => {
  it('reads fields and files as a browser sends them', async () => {
    const { type, body } = await form((f) => {
      f.set('description', '3号楼\r\n--东侧');
      f.append('photos', new Blob([Buffer.from([1, 2, 3, 13, 10, 45, 45])], { type: 'image/png' }), 'a.png');
    });
    const parts = parseForm(type, body);
    expect(field(parts, 'description')).toBe('3号楼\r\n--东侧');
    const files = parts.filter((p) => p.name === 'photos');
    expect(files.map((p) => [p.filename, p.contentType, [...p.data]])).toEqual([
      ['a.png', 'image/png', [1, 2, 3, 13, 10, 45, 45]],
    ]);
    // A file part is never read as a field of the same name.
    expect(field(parts, 'photos')).toBe('');
    expect(field(parts, 'missing')).toBe('');
  });
  it('reads a url-encoded form and refuses anything else', () => {
    expect(field(parseForm('application/x-www-form-urlencoded', Buffer.from('rating=satisfied&reason=%E5%A5%BD')), 'reason')).toBe('好');
    expect(() => parseForm('application/json', Buffer.from('{}'))).toThrow(BadFormError);
    expect(() => parseForm('multipart/form-data; boundary=x', Buffer.from('garbage'))).toThrow(BadFormError);
    expect(() => parseForm('multipart/form-data; boundary=x', Buffer.from('--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'))).toThrow(BadFormError);
  });
  it('refuses a body past the cap, by its length or while it streams', async () => {
    const stream = (size: number, length?: number) => Object.assign(Readable.from([Buffer.alloc(size)]), { headers: length === undefined ? {} : { 'content-length': String(length) } }) as unknown as IncomingMessage;
    await expect(readBody(stream(10, 10_000), 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readBody(stream(1000), 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect((await readBody(stream(100, 100), 100)).length).toBe(100);
  });
});
