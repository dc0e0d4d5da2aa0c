import { maskIdNumber, maskPhoneNumber, normaliseAddress, normaliseIdNumber, normalisePhone, parseCode } from './resident';
import { changeRefusal } from './changes';
import { mayChange, mayRead, readableScopes, auditScopes } from './access';
import type { Member } from '../org/org';

describe('personal data shapes', () => {
  it('accepts ID numbers with a right check digit only, in one form', () => {
    expect(normaliseIdNumber('11010519491231002x')).toBe('11010519491231002X');
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２Ｘ')).toBe('11010519491231002X');
    expect(normaliseIdNumber('110105194912310021')).toBeNull();
    expect(normaliseIdNumber('110105194913310029')).toBeNull();
    expect(normaliseIdNumber('1101051949')).toBeNull();
  });

  it('reads mobiles and fixed lines, and masks what it shows', () => {
    expect(normalisePhone('138 1234 5678')).toBe('13812345678');
    expect(normalisePhone('0571-88888888')).toBe('057188888888');
    expect(normalisePhone('12345')).toBeNull();
    expect(maskPhoneNumber('13812345678')).toBe('138****5678');
    expect(maskIdNumber('11010519491231002X')).toBe('110***********002X');
  });

  it('keeps one form of an address and its building', () => {
    expect(normaliseAddress(' ３幢２单元３０１ ')).toEqual({ address: '3幢2单元301', building: '3幢' });
    expect(normaliseAddress('张村3组12号')).toEqual({ address: '张村3组12号', building: '张村3组' });
    expect(normaliseAddress('x')).toBeNull();
    expect(parseCode('H', 'h12')).toBe(12);
    expect(parseCode('H', 'H1x')).toBeNull();
  });

  it('lets only someone present leave or die', () => {
    expect(changeRefusal('move_out', 'present')).toBeNull();
    expect(changeRefusal('death', 'moved_out')).toBe('not_present');
    expect(changeRefusal('rent_out', null)).toBeNull();
  });
});

describe('authority over the register', () => {
  const grant = (role: Member['roles'][number]['role'], unitPath: string) => ({ role, unitId: Number(unitPath.split('/').filter(Boolean).pop()), unitPath });
  const worker: Member = { id: 1, name: '网格员', roles: [grant('gridworker', '/1/2/3/4/')] };
  const secretary: Member = { id: 2, name: '书记', roles: [grant('community_secretary', '/1/2/3/')] };
  const department: Member = { id: 3, name: '部门', roles: [grant('department', '/1/2/')] };
  const auditor: Member = { id: 4, name: '审计', roles: [grant('auditor', '/1/')] };

  it('follows the grid tree and never a sibling', () => {
    expect(mayRead(worker, '/1/2/3/4/', [])).toBe(true);
    expect(mayRead(worker, '/1/2/3/5/', [])).toBe(false);
    expect(mayRead(secretary, '/1/2/3/5/', [])).toBe(true);
    expect(mayChange(secretary, '/1/2/9/10/')).toBe(false);
  });

  it('gives a department only what was shared, read only, and an auditor no register at all', () => {
    expect(mayRead(department, '/1/2/3/4/', [])).toBe(false);
    const shares = [{ memberId: 3, unitId: 3, unitPath: '/1/2/3/' }];
    expect(mayRead(department, '/1/2/3/4/', shares)).toBe(true);
    expect(mayChange(department, '/1/2/3/4/')).toBe(false);
    expect(readableScopes(auditor, [])).toEqual([]);
    expect(auditScopes(auditor)).toEqual(['/1/']);
    expect(auditScopes(secretary)).toEqual([]);
  });
});
