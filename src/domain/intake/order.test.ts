import { parseOrder } from './order';

const now = new Date('2026-11-30T02:00:00Z');
const good = {
  external_id: '12345-20261130-0042',
  category: '环境卫生',
  description: '幸福路12号门口垃圾堆放',
  address: '幸福路12号',
  lat: 30.2741,
  long: 120.1551,
  contact: { name: '王女士', phone: '13800000000' },
  deadline: '2026-12-02T17:30:00+08:00',
};

describe('parseOrder', () => {
  it('reads a hotline push with its place, contact and own deadline', () => {
    const r = parseOrder(good, now);
    expect(r).toEqual({
      ok: true,
      order: {
        externalId: '12345-20261130-0042',
        category: '环境卫生',
        description: '幸福路12号门口垃圾堆放',
        address: '幸福路12号',
        point: { latitude: 30.2741, longitude: 120.1551 },
        contact: { name: '王女士', phone: '13800000000' },
        deadline: new Date('2026-12-02T09:30:00Z'),
      },
    });
  });

  it.each([
    [[], 'not_an_object'],
    [null, 'not_an_object'],
    [{ ...good, external_id: undefined }, 'missing_external_id'],
    [{ ...good, external_id: 'a b/c' }, 'bad_external_id'],
    [{ ...good, external_id: 42 }, 'bad_external_id'],
    [{ ...good, category: '  ' }, 'missing_category'],
    [{ ...good, description: 7 }, 'text_too_long'],
    [{ ...good, description: '长'.repeat(2001) }, 'text_too_long'],
    [{ ...good, lat: 'north' }, 'bad_coordinates'],
    [{ ...good, lat: 91 }, 'bad_coordinates'],
    [{ ...good, lat: undefined, long: undefined, address: null }, 'no_place'],
    [{ ...good, deadline: '2026-12-02 17:30' }, 'bad_deadline'],
    [{ ...good, deadline: '2026-13-45T17:30:00+08:00' }, 'bad_deadline'],
    [{ ...good, deadline: '2026-11-29T17:30:00+08:00' }, 'deadline_in_past'],
  ])('refuses %j as %s', (raw, reason) => {
    const r = parseOrder(raw, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });

  it('never reads inherited keys', () => {
    const raw = JSON.parse('{"__proto__": {"external_id": "x"}, "category": "a", "description": "b", "address": "c"}') as unknown;
    expect(parseOrder(raw, now)).toMatchObject({ ok: false, reason: 'missing_external_id' });
  });
});
