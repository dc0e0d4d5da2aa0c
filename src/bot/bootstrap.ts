/** BOOTSTRAP_ADMINS: the first admins exist before anyone can add them. */
import type { ChannelName } from '../config';
import { GLOBAL_UNIT_ID } from '../domain/org/org';
import type { UnitOfWork } from './ports';
import { t } from './texts';

export async function bootstrapAdmins(uow: UnitOfWork, admins: { channel: ChannelName; platformUserId: string }[]): Promise<void> {
  for (const admin of admins) {
    await uow.runOnce(`bootstrap-admin|${admin.channel}|${admin.platformUserId}`.slice(0, 191), async ({ repos, now }) => {
      let member = await repos.org.memberByChannelUser(admin);
      if (!member) {
        const created = await repos.org.createMember({ name: t('bootstrap.admin'), phone: null, now });
        await repos.org.bindChannelUser({ ...admin, memberId: created.id, displayName: null, now });
        member = { id: created.id, name: created.name, roles: [] };
      }
      await repos.org.grantRole(member.id, 'admin', GLOBAL_UNIT_ID, now);
      await repos.audit.record({ at: now, actorMemberId: null, action: 'admin.bootstrap', target: `member#${member.id}`, detail: { channel: admin.channel } });
    });
  }
}
