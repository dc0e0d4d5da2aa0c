import { buildPublicAccount, isMobilePhone, percent, sniffPhotoType, type PublicEventFacts } from '.';

const at = (iso: string) => new Date(iso);

describe('photo types by their first bytes', () => {
  it('takes JPEG, PNG and WebP and nothing else, whatever the name says', () => {
    expect(sniffPhotoType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffPhotoType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffPhotoType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(sniffPhotoType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffPhotoType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffPhotoType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVE', 'latin1'))).toBeNull();
    expect(sniffPhotoType(Buffer.alloc(0))).toBeNull();
  });
  it('knows a mainland mobile number', () => {
    expect(isMobilePhone('13812345678')).toBe(true);
    expect(isMobilePhone('12812345678')).toBe(false);
    expect(isMobilePhone('1381234567')).toBe(false);
  });
});

describe('the public account', () => {
  const range = { start: at('2026-11-01T00:00:00+08:00'), end: at('2026-12-01T00:00:00+08:00') };
  const event = (state: PublicEventFacts['state'], closedAt: string | null, rating: PublicEventFacts['rating'] = null, item: string | null = null): PublicEventFacts => ({
    state,
    level: 'grid',
    category: { category: '环境卫生', item },
    reportedAt: at('2026-11-03T09:00:00+08:00'),
    closedAt: closedAt ? at(closedAt) : null,
    rating,
  });

  it('counts with the figures and picks satisfied examples first, carrying no free text', () => {
    const account = buildPublicAccount({
      events: [event('rated', '2026-11-04T09:00:00+08:00', 'satisfied', '垃圾清运'), event('closed', '2026-11-10T09:00:00+08:00'), event('rated', '2026-11-05T09:00:00+08:00', 'unsatisfied'), event('in_progress', null), event('returned', null)],
      tasks: [
        { state: 'done', deadline: at('2026-11-05T17:00:00+08:00'), submittedAt: at('2026-11-04T17:00:00+08:00'), finishedAt: at('2026-11-04T18:00:00+08:00') },
        { state: 'done', deadline: at('2026-11-05T17:00:00+08:00'), submittedAt: at('2026-11-06T17:00:00+08:00'), finishedAt: at('2026-11-06T18:00:00+08:00') },
      ],
      opinions: [
        { source: 'resident', rating: 'satisfied' },
        { source: 'followup', rating: 'basically_satisfied' },
        { source: 'resident', rating: 'unsatisfied' },
        // A member rating a colleague is not the public's voice.
        { source: 'member', rating: 'unsatisfied' },
      ],
      range,
      now: at('2026-12-01T10:00:00+08:00'),
    });
    expect(account).toMatchObject({ reported: 5, solved: 3, open: 1, onTime: { done: 1, of: 2 }, satisfaction: { done: 2, of: 3 } });
    expect(account.examples).toEqual([
      { category: '环境卫生', item: '垃圾清运', reportedAt: at('2026-11-03T09:00:00+08:00'), days: 1, rating: 'satisfied' },
      { category: '环境卫生', item: null, reportedAt: at('2026-11-03T09:00:00+08:00'), days: 7, rating: null },
      { category: '环境卫生', item: null, reportedAt: at('2026-11-03T09:00:00+08:00'), days: 2, rating: 'unsatisfied' },
    ]);
    expect(Object.keys(account.examples[0]).sort()).toEqual(['category', 'days', 'item', 'rating', 'reportedAt']);
    expect(percent(account.satisfaction)).toBe(67);
    expect(percent({ done: 0, of: 0 })).toBeNull();
  });
});
