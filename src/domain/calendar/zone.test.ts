import { DateTime, IANAZone } from 'luxon';
import { localFields, zoneOf } from './zone';

describe('zoneOf', () => {
  it('gives the IANA offsets minute by minute across daylight-saving transitions, both ways and around them', () => {
    for (const name of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Shanghai']) {
      const zone = zoneOf(name);
      const iana = IANAZone.create(name);
      // A year in 31-minute steps, each asked twice (the second answer is the remembered one).
      const wrong: number[] = [];
      for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2027, 0, 1); ts += 31 * 60_000) {
        for (const at of [ts, ts + 59_999, ts]) if (zone.offset(at) !== iana.offset(at)) wrong.push(at);
      }
      expect(wrong).toEqual([]);
    }
  });

  it('builds the same local times as the zone name, around New York\'s spring-forward gap', () => {
    const gap = DateTime.fromISO('2026-03-08T02:30', { zone: zoneOf('America/New_York') });
    expect(gap.toISO()).toBe(DateTime.fromISO('2026-03-08T02:30', { zone: 'America/New_York' }).toISO());
    const instant = new Date('2026-11-01T05:59:00Z');
    expect(DateTime.fromJSDate(instant, { zone: zoneOf('America/New_York') }).toFormat('yyyy-MM-dd HH:mm ZZ')).toBe(DateTime.fromJSDate(instant, { zone: 'America/New_York' }).toFormat('yyyy-MM-dd HH:mm ZZ'));
  });

  it('gives the same wall-clock fields as Luxon, across a year and its transitions', () => {
    for (const name of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Shanghai']) {
      const wrong: string[] = [];
      for (let ts = Date.UTC(2026, 0, 1); ts < Date.UTC(2027, 0, 2); ts += 37 * 60_000) {
        const luxon = DateTime.fromMillis(ts, { zone: name });
        const ours = localFields(new Date(ts), name);
        const expected = { year: luxon.year, month: luxon.month, day: luxon.day, hour: luxon.hour, minute: luxon.minute };
        if (JSON.stringify(ours) !== JSON.stringify(expected)) wrong.push(`${name} ${new Date(ts).toISOString()}`);
      }
      expect(wrong).toEqual([]);
    }
  });

  it('leaves an unknown name invalid', () => {
    expect(zoneOf('Mars/Olympus_Mons').isValid).toBe(false);
  });
});
