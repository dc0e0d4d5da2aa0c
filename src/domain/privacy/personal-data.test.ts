import { containsPersonalData, findPersonalData, maskPersonalData } from './personal-data';

describe('the personal-data detector', () => {
  it.each([
    ['13812345678', '138****5678'],
    ['电话13812345678请回电', '电话138****5678请回电'],
    ['+86 138 1234 5678', '138****5678'],
    ['+8613812345678', '138****5678'],
    ['(+86)138-1234-5678', '(138****5678'],
    ['0086-138-1234-5678', '138****5678'],
    ['0086 13812345678', '138****5678'],
    ['86 138 1234 5678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['138-1234-5678', '138****5678'],
    ['138.1234.5678', '138****5678'],
    ['1 3 8 1 2 3 4 5 6 7 8', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['１３８－１２３４－５６７８', '138****5678'],
    ['138\u30001234\u30005678', '138****5678'],
    ['Tel13812345678', 'Tel138****5678'],
    ['0571-87654321', '0571****4321'],
    ['(0571) 8765 4321', '(0571****4321'],
    ['（0571）87654321', '（0571****4321'],
    ['010-62345678', '010****5678'],
    ['+86 571 8765 4321', '0571****4321'],
    ['057187654321', '0571****4321'],
    ['330102199001011234', '330***********1234'],
    ['11010519491231002X', '110***********002X'],
    ['11010519491231002x', '110***********002X'],
    ['１１０１０５１９４９１２３１００２Ｘ', '110***********002X'],
    ['110105 19491231 002X', '110***********002X'],
    ['身份证330102199001011234。', '身份证330***********1234。'],
    ['6222021234567890128', '6222****0128'],
    ['6222 0212 3456 7890 128', '6222****0128'],
  ])('masks %s', (input, masked) => {
    expect(maskPersonalData(input)).toBe(masked);
    expect(containsPersonalData(maskPersonalData(input))).toBe(false);
  });

  it.each([
    'SJ20261122-0007',
    'T20261122-0007',
    '事件 SJ20261122-0007 已办结',
    '01001001',
    '组织 01001001 01001002 01001003',
    '2026-11-30 17:30',
    '11-30 17:30',
    '30.2741,120.1551',
    '已走访12户，剩余8户',
    '第 3 周 共 12 人 138 户',
    '/files/3f9a0c1b2d4e5f60718293a4b5c6d7e8',
    'key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
    '得分 98.5 分，排名 1/12',
    '138****5678',
    '330***********1234',
    '6222021234567890123',
  ])('leaves %s alone', (text) => {
    expect(findPersonalData(text)).toEqual([]);
    expect(maskPersonalData(text)).toBe(text);
  });

  it('does not join a numbered list item’s number to the code after it, and still finds a phone there', () => {
    const ranking = '130. 01000010 示范10网格：73 分 合格 ↑2\n131. 01000050 示范50网格：73 分 合格 ↑2';
    expect(containsPersonalData(ranking)).toBe(false);
    expect(maskPersonalData(ranking)).toBe(ranking);
    expect(containsPersonalData('1. 王五\n2. 13812345678')).toBe(true);
    expect(containsPersonalData('131. 138 1234 5678')).toBe(true);
  });

  it('finds a number after other numbers in the same run and two numbers side by side', () => {
    expect(maskPersonalData('3号楼 12 13812345678')).toBe('3号楼 12 138****5678');
    expect(maskPersonalData('13812345678 13987654321')).toBe('138****5678 139****4321');
    expect(findPersonalData('联系 0571-87654321 或 13812345678').map((m) => m.kind)).toEqual(['landline', 'mobile']);
  });

  it('hides the start of a number a preview cut off', () => {
    expect(maskPersonalData('联系人 +86 138 1234…')).toBe('联系人 861****…');
    expect(maskPersonalData('电话1381234...')).toBe('电话138****...');
    expect(maskPersonalData('已走访12户…')).toBe('已走访12户…');
    expect(maskPersonalData('SJ20261122-0007…')).toBe('SJ20261122-0007…');
  });

  it('tells an ID number by its check digit or its birth date', () => {
    expect(findPersonalData('11010519491231002X')[0]?.kind).toBe('idNumber');
    // Wrong check digit, but a real region and birth date: still someone's number.
    expect(findPersonalData('110105194912310021')[0]?.kind).toBe('idNumber');
    // 15-digit first-generation number.
    expect(findPersonalData('110105491231002')[0]?.kind).toBe('idNumber');
  });
});
