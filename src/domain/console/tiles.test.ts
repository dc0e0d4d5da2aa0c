import { parseTileTemplate } from './tiles';

describe('a console tile URL template', () => {
  it('takes https templates with {z}, {x}, {y} and gives their origin', () => {
    expect(parseTileTemplate(' https://tiles.example.cn/map/{z}/{x}/{y}.png ')).toEqual({ ok: true, template: 'https://tiles.example.cn/map/{z}/{x}/{y}.png', origin: 'https://tiles.example.cn' });
    expect(parseTileTemplate('http://127.0.0.1:8080/t?l={z}&x={x}&y={y}')).toMatchObject({ ok: true, origin: 'http://127.0.0.1:8080' });
  });
  it('refuses plain http elsewhere, missing or extra placeholders, placeholders in the host, credentials and junk', () => {
    expect(parseTileTemplate('http://tiles.example.cn/{z}/{x}/{y}.png')).toEqual({ ok: false, reason: 'scheme' });
    expect(parseTileTemplate('ftp://localhost/{z}/{x}/{y}.png')).toEqual({ ok: false, reason: 'scheme' });
    expect(parseTileTemplate('javascript:{z}{x}{y}')).toMatchObject({ ok: false });
    expect(parseTileTemplate('https://tiles.example.cn/{z}/{x}.png')).toEqual({ ok: false, reason: 'placeholders' });
    expect(parseTileTemplate('https://{s}.example.cn/{z}/{x}/{y}.png')).toEqual({ ok: false, reason: 'placeholders' });
    expect(parseTileTemplate('https://t{x}.example.cn/{z}/{y}.png')).toEqual({ ok: false, reason: 'placeholders' });
    expect(parseTileTemplate('https://user:pw@tiles.example.cn/{z}/{x}/{y}.png')).toEqual({ ok: false, reason: 'invalid' });
    expect(parseTileTemplate("https://a.cn/{z}/{x}/{y}.png; script-src *")).toEqual({ ok: false, reason: 'invalid' });
    expect(parseTileTemplate('不是网址')).toEqual({ ok: false, reason: 'placeholders' });
  });
});
