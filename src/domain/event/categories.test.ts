import { DEFAULT_EVENT_CATALOGUE, formatCategory, resolveCategory, suggestCategory, type EventCatalogue } from './categories';

describe('suggestCategory: a report typed without a category', () => {
  it.each([
    ['幸福路12号垃圾堆放三天', '环境卫生|垃圾堆放'],
    ['3号楼消防通道被杂物堵死了', '安全隐患|消防通道堵塞'],
    ['有人在楼道里飞线给电动车充电', '安全隐患|电动车违规充电'],
    ['楼上邻居半夜噪音扰民', '矛盾纠纷|邻里纠纷'],
    ['工地拖欠工人工资', '矛盾纠纷|劳资纠纷'],
    ['菜市场门口占道摆摊', '市容环境|占道经营'],
    ['小区井盖破损', '市容环境|道路设施损坏'],
    ['单元门口有形迹可疑的陌生人', '治安|可疑人员'],
    ['独居老人三天没出门', '民生服务|独居老人'],
    ['小区停水了', '民生服务|供水供电'],
  ])('%s → %s', (text, expected) => {
    const suggestion = suggestCategory(text);
    expect(suggestion && formatCategory(suggestion)).toBe(expected);
  });

  it('returns nothing when no keyword matches', () => {
    expect(suggestCategory('今天天气不错')).toBeNull();
  });

  it('uses a deployment\'s own catalogue', () => {
    const catalogue: EventCatalogue = [{ name: '河道管理', keywords: ['河道'], items: [{ name: '河道漂浮物', keywords: ['漂浮物', '水葫芦'] }] }];
    expect(suggestCategory('河里好多水葫芦', catalogue)).toEqual({ category: '河道管理', item: '河道漂浮物', score: 3 });
  });
});

describe('resolveCategory: a category as the user names it', () => {
  it.each([
    ['安全隐患|消防通道堵塞', '安全隐患|消防通道堵塞'],
    ['安全隐患｜消防通道堵塞', '安全隐患|消防通道堵塞'],
    ['安全隐患 / 消防通道堵塞', '安全隐患|消防通道堵塞'],
    ['环境卫生', '环境卫生'],
    ['消防通道堵塞', '安全隐患|消防通道堵塞'],
    ['其他', '其他'],
  ])('%s → %s', (input, expected) => {
    const ref = resolveCategory(input);
    expect(ref && formatCategory(ref)).toBe(expected);
  });

  it.each(['卫生', '安全隐患|垃圾堆放', '消防通道堵塞|安全隐患', ''])('%s is not in the catalogue', (input) => {
    expect(resolveCategory(input)).toBeNull();
  });

  it('the default catalogue follows DESIGN and has a catch-all', () => {
    expect(DEFAULT_EVENT_CATALOGUE.map((c) => c.name)).toEqual(['环境卫生', '安全隐患', '矛盾纠纷', '市容环境', '治安', '民生服务', '其他']);
  });
});
