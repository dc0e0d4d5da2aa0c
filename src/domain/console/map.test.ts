import { ageBucket, boundaryCentre, eventPlace, pointInText } from './map';

const square = JSON.stringify({ type: 'Polygon', coordinates: [[[120, 30], [120.02, 30], [120.02, 30.02], [120, 30.02], [120, 30]]] });

describe('console map placement', () => {
  it('reads coordinates written into a location, latitude first', () => {
    expect(pointInText('幸福路（30.27410,120.15510）')).toEqual({ latitude: 30.2741, longitude: 120.1551 });
    expect(pointInText('幸福路12号')).toBeNull();
    expect(pointInText('95.1,120.2')).toBeNull();
  });

  it('puts an event without coordinates at its grid centre, marked approximate', () => {
    const centre = boundaryCentre(square);
    expect(centre).toEqual({ latitude: expect.closeTo(30.01, 6), longitude: expect.closeTo(120.01, 6) });
    expect(eventPlace('幸福路12号', centre)).toEqual({ point: centre, approximate: true });
    expect(eventPlace('30.1,120.1', centre)).toEqual({ point: { latitude: 30.1, longitude: 120.1 }, approximate: false });
    expect(eventPlace(null, boundaryCentre('not json'))).toBeNull();
  });

  it('buckets ages by days', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(ageBucket(new Date('2026-12-01T01:00:00Z'), now)).toBe('lt1d');
    expect(ageBucket(new Date('2026-11-29T10:00:00Z'), now)).toBe('1to3d');
    expect(ageBucket(new Date('2026-11-26T10:00:00Z'), now)).toBe('3to7d');
    expect(ageBucket(new Date('2026-11-01T10:00:00Z'), now)).toBe('gt7d');
  });
});
