/**
 * A small living organisation for newcomers and tests: 1 county, 1 town, 2 communities, 4 grids,
 * a dozen members bound to sandbox users, and each unit bound to a sandbox group.
 */
import { GLOBAL_UNIT_ID, type OrgUnit, type Role, type UnitLevel } from '../../domain/org/org';
import type { UnitOfWork } from '../../bot/ports';

interface DemoUnit {
  code: string;
  name: string;
  level: UnitLevel;
  parent?: string;
  group: string;
}
interface DemoMember {
  user: string;
  name: string;
  role: Role;
  unit: string;
  phone: string;
}

export const DEMO_UNITS: DemoUnit[] = [
  { code: 'X01', name: '示范县', level: 'county', group: 'county-X01' },
  { code: '01', name: '幸福街道', level: 'town', parent: 'X01', group: 'town-01' },
  { code: '01001', name: '阳光社区', level: 'community', parent: '01', group: 'community-01001' },
  { code: '01002', name: '和平社区', level: 'community', parent: '01', group: 'community-01002' },
  { code: '01001001', name: '阳光一网格', level: 'grid', parent: '01001', group: 'grid-01001001' },
  { code: '01001002', name: '阳光二网格', level: 'grid', parent: '01001', group: 'grid-01001002' },
  { code: '01002001', name: '和平一网格', level: 'grid', parent: '01002', group: 'grid-01002001' },
  { code: '01002002', name: '和平二网格', level: 'grid', parent: '01002', group: 'grid-01002002' },
];

export const DEMO_MEMBERS: DemoMember[] = [
  { user: 'xian', name: '赵主任', role: 'county_center', unit: 'X01', phone: '13900000001' },
  { user: 'zhen', name: '钱主任', role: 'town_center', unit: '01', phone: '13900000002' },
  { user: 'chengguan', name: '城管中队', role: 'department', unit: '01', phone: '13900000003' },
  { user: 'sj-yg', name: '孙书记', role: 'community_secretary', unit: '01001', phone: '13900000004' },
  { user: 'sj-hp', name: '李书记', role: 'community_secretary', unit: '01002', phone: '13900000005' },
  { user: 'wz-yg1', name: '周网格长', role: 'grid_head', unit: '01001001', phone: '13900000006' },
  { user: 'wz-yg2', name: '吴网格长', role: 'grid_head', unit: '01001002', phone: '13900000007' },
  { user: 'wz-hp1', name: '郑网格长', role: 'grid_head', unit: '01002001', phone: '13900000008' },
  { user: 'wz-hp2', name: '王网格长', role: 'grid_head', unit: '01002002', phone: '13900000009' },
  { user: 'wgy-yg1', name: '冯网格员', role: 'gridworker', unit: '01001001', phone: '13900000010' },
  { user: 'wgy-yg2', name: '陈网格员', role: 'gridworker', unit: '01001002', phone: '13900000011' },
  { user: 'wgy-hp1', name: '褚网格员', role: 'gridworker', unit: '01002001', phone: '13900000012' },
  { user: 'wgy-hp2', name: '卫网格员', role: 'gridworker', unit: '01002002', phone: '13900000013' },
];

export interface DemoSummary {
  created: boolean;
  units: number;
  members: number;
}

/** Creates the demo organisation once; running it again changes nothing. */
export async function seedDemo(uow: UnitOfWork): Promise<DemoSummary> {
  const outcome = await uow.runOnce('seed-demo|v1', async ({ repos, now }) => {
    if ((await repos.org.unitByCode('X01')) || (await repos.org.roots()).length > 0) return false;
    const units = new Map<string, OrgUnit>();
    for (const u of DEMO_UNITS) {
      const unit = await repos.org.createUnit({ code: u.code, name: u.name, level: u.level, parent: u.parent ? units.get(u.parent)! : null, now });
      units.set(u.code, unit);
      await repos.org.bindConversation({ channel: 'sandbox', conversationId: u.group, unitId: unit.id, title: `${u.name}群`, now });
    }
    for (const m of DEMO_MEMBERS) {
      const member = await repos.org.createMember({ name: m.name, phone: m.phone, now });
      await repos.org.grantRole(member.id, m.role, units.get(m.unit)!.id, now);
      await repos.org.bindChannelUser({ channel: 'sandbox', platformUserId: m.user, memberId: member.id, displayName: m.name, now });
    }
    let admin = await repos.org.memberByChannelUser({ channel: 'sandbox', platformUserId: 'admin' });
    if (!admin) {
      const created = await repos.org.createMember({ name: '管理员', phone: null, now });
      await repos.org.bindChannelUser({ channel: 'sandbox', platformUserId: 'admin', memberId: created.id, displayName: '管理员', now });
      admin = { id: created.id, name: created.name, roles: [] };
    }
    await repos.org.grantRole(admin.id, 'admin', GLOBAL_UNIT_ID, now);
    await repos.audit.record({ at: now, actorMemberId: null, action: 'seed.demo' });
    return true;
  });
  return { created: outcome.ran && outcome.result, units: DEMO_UNITS.length, members: DEMO_MEMBERS.length + 1 };
}
