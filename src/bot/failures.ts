/** A permanent send failure is told to the admins once per channel, target and reason. */
import type { ChannelName } from '../config';
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

/** Where a channel outage is posted when no admin can be reached on another working channel. */
export const SANDBOX_ALERTS_CONVERSATION = 'admin-alerts';

/**
 * A channel outage is told to the admins once per outage, on a channel other than the failing one
 * (one that is not itself down); when none of them has such a channel, on the sandbox's
 * `admin-alerts` conversation if the sandbox runs. /readyz and /metrics show it either way.
 */
export async function reportChannelOutage(
  uow: UnitOfWork,
  outage: { channel: ChannelName; since: string; reason: string },
  working: (channel: ChannelName) => boolean,
): Promise<void> {
  await uow.runOnce(`outage|${outage.channel}|${outage.since}`.slice(0, 191), async (tx) => {
    const message = { text: t('channelOutage.admin', { channel: outage.channel, reason: outage.reason.slice(0, 200) }) };
    let told = false;
    for (const admin of await tx.repos.org.membersWithRole(0, 'admin')) {
      const other = (await tx.repos.org.bindingsOf(admin.id)).find((b) => b.channel !== outage.channel && working(b.channel));
      if (!other) continue;
      tx.effects.send({ channel: other.channel, target: { kind: 'user', id: other.platformUserId }, message });
      told = true;
    }
    if (!told && working('sandbox')) tx.effects.send({ channel: 'sandbox', target: { kind: 'conversation', id: SANDBOX_ALERTS_CONVERSATION }, message });
  });
}

/** What a message-specific refusal tells the person whose message caused the refused delivery. */
export interface RefusedDelivery {
  outboxId: string;
  /** The refused delivery. */
  channel: ChannelName;
  target: { kind: 'conversation' | 'user'; id: string };
  /** The message whose handling produced it. */
  cause: { channel: ChannelName; senderId: string; conversationId: string };
}

/**
 * A delivery refused for good (unknown user, bot not in the group) is told to the person whose
 * message caused it, 1:1 on their channel, once — unless the refused delivery was to them, where
 * telling them would fail the same way.
 */
export async function tellSenderOfRefusal(uow: UnitOfWork, refused: RefusedDelivery): Promise<void> {
  const { cause, target } = refused;
  if (refused.channel === cause.channel && target.kind === 'user' && target.id === cause.senderId) return;
  await uow.runOnce(`refused|${refused.outboxId}`.slice(0, 191), async (tx) => {
    const member = target.kind === 'user' ? await tx.repos.org.memberByChannelUser({ channel: refused.channel, platformUserId: target.id }) : null;
    const text = target.kind === 'user' ? t('delivery.refused.user', { who: member?.name ?? t('delivery.someone') }) : t('delivery.refused.group');
    tx.effects.send({ channel: cause.channel, target: { kind: 'user', id: cause.senderId }, message: { text } });
  });
}
