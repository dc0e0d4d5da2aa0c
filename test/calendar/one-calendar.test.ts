/**
 * One zoned calendar, built in one place: no file outside the calendar module (and the
 * configuration that validates TIMEZONE) names a time zone or builds a WorkingCalendar. Areas take
 * `tx.calendar`, the way they take `tx.now`.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['src', 'test', 'bench', 'scripts'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full));
    else if (/\.(ts|cjs|js)$/.test(entry.name)) out.push(full);
  }
  return out;
}

const all = SCANNED.flatMap((d) => files(path.join(ROOT, d))).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
const inCalendarModule = (f: string) => f.split('/').includes('calendar');
const IANA_ZONE = /['"`](?:Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)\/[A-Za-z_+-]+['"`]/;

describe('one calendar', () => {
  it('no file outside the calendar module and src/config.ts names a time zone', () => {
    const naming = all.filter((f) => f !== 'src/config.ts' && !inCalendarModule(f) && IANA_ZONE.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(naming).toEqual([]);
  });

  it('only src/bot/calendar/source.ts builds the deployment calendar (unit tests build their own)', () => {
    const building = all.filter((f) => !f.startsWith('test/') && /new WorkingCalendar\s*\(/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    const allowed = (f: string) => f === 'src/bot/calendar/source.ts' || f.startsWith('src/domain/calendar/') || (f.startsWith('src/domain/') && f.endsWith('.test.ts'));
    expect(building.filter((f) => !allowed(f))).toEqual([]);
    expect(building).toContain('src/bot/calendar/source.ts');
  });

  it('the guard sees what it is looking for', () => {
    expect(IANA_ZONE.test("const zone = 'Asia/Shanghai';")).toBe(true);
    expect(IANA_ZONE.test('timeZone: "America/New_York"')).toBe(true);
    expect(IANA_ZONE.test('calendar.timeZone')).toBe(false);
  });
});
