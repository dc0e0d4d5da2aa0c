import { INFO_CATEGORIES, categoryOf, parseInfoAnswer } from './categories';

describe('reading an info report answer', () => {
  it('reads 无变化', () => {
    expect(parseInfoAnswer('无变化')).toEqual({ ok: true, answer: { unchanged: true } });
  });

  it('reads one line per changed category, by name, alias or card number', () => {
    expect(parseInfoAnswer('住户变动：3号楼迁入一户\n隐患 楼道堆放杂物\n8，邻里噪音纠纷')).toEqual({
      ok: true,
      answer: {
        unchanged: false,
        items: [
          { category: '住户变动', detail: '3号楼迁入一户' },
          { category: '安全隐患', detail: '楼道堆放杂物' },
          { category: '矛盾纠纷', detail: '邻里噪音纠纷' },
        ],
      },
    });
    expect(categoryOf('住（商）户搬迁')).toBe('住(商)户搬迁');
    expect(INFO_CATEGORIES).toHaveLength(9);
  });

  it('names the line it cannot read', () => {
    expect(parseInfoAnswer('天气 晴')).toEqual({ ok: false, reason: 'unknown_category', line: '天气 晴' });
    expect(parseInfoAnswer('市容环境')).toEqual({ ok: false, reason: 'missing_detail', line: '市容环境' });
    expect(parseInfoAnswer('其他 a\n其他 b').ok).toBe(false);
  });
});
