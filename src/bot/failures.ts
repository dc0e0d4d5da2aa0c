/** A permanent send failure is told to the admins once per channel, target and reason. */
import type { UnitOfWork } from './ports';
import { Notifier } from './notify';
import { t } from './texts';

export async function reportPermanentFailure(uow: UnitOfWork, failure: { channel: string; target: string; reason: string }): Promise<void> {
  const reasonClass = failure.reason.replace(/\d{3,}/g, '#').slice(0, 60);
  await uow.runOnce(`permfail|${failure.channel}|${failure.target}|${reasonClass}`.slice(0, 191), async (tx) => {
    const admins = (await tx.repos.org.membersWithRole(0, 'admin')).map((m) => m.id);
    const notify = new Notifier(tx);
    const message = { text: t('permanentFailure.admin', { channel: failure.channel, target: failure.target, reason: failure.reason.slice(0, 200) }) };
    for (const id of admins) {
      const bindings = await tx.repos.org.bindingsOf(id);
      // Tell the admin on another channel than the failing one when they have one.
      const other = bindings.find((b) => b.channel !== failure.channel);
      if (other) tx.effects.send({ channel: other.channel, target: { kind: 'user', id: other.platformUserId }, message });
      else await notify.member(id, message);
    }
  });
}
