import { readChangeLine } from './report-lines';

const households = [
  { id: 1, address: '3幢2单元301' },
  { id: 2, address: '3幢2单元3011' },
  { id: 3, address: '张村3组12号' },
];

describe('住户变动 lines read as register changes', () => {
  it.each([
    ['3幢2单元301 新迁入 李四', { householdId: 1, kind: 'move_in', name: '李四' }],
    ['3幢2单元3011李四迁出', { householdId: 2, kind: 'move_out', name: '李四' }],
    ['张村3组12号 王五去世', { householdId: 3, kind: 'death', name: '王五' }],
    ['张村3组12号：新生儿 王小宝', { householdId: 3, kind: 'birth', name: '王小宝' }],
    ['３幢２单元３０１ 房屋出租', { householdId: 1, kind: 'rent_out', name: null }],
    ['3幢2单元301 退租', { householdId: 1, kind: 'rent_end', name: null }],
  ])('%s', (line, expected) => {
    expect(readChangeLine(line, households)).toEqual({ ok: true, proposal: expect.objectContaining(expected) });
  });

  it('says what it could not tell', () => {
    expect(readChangeLine('5幢101 李四迁入', households)).toEqual({ ok: false, reason: 'no_household' });
    expect(readChangeLine('3幢2单元301 李四 结婚', households)).toEqual({ ok: false, reason: 'no_change' });
    expect(readChangeLine('3幢2单元301 迁入两人', households)).toEqual({ ok: false, reason: 'no_name' });
  });
});
