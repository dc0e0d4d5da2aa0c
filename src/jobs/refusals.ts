/**
 * A delivery the platform refused for good concerns one message: the admins hear of it, and so does
 * the person whose message caused it. That person is found through the inbound job, kept a day
 * under an id derived from the message (inbound-queue.ts); work not caused by a message (timers,
 * schedules) has no sender to tell.
 */
import type { QueueRegistry } from './queues';
import { INBOUND_QUEUE } from './queues';
import { inboundJobId } from './inbound-queue';
import { inboundSchema } from '../bot/inbound';
import type { UnitOfWork } from '../bot/ports';
import { reportPermanentFailure, tellSenderOfRefusal } from '../bot/failures';
import type { PermanentFailure } from './outbox';

const INBOUND_SOURCE = /^in\|([a-z]+)\|(.+)$/s;

export async function reportRefusal(uow: UnitOfWork, queues: QueueRegistry, failure: PermanentFailure): Promise<void> {
  await reportPermanentFailure(uow, failure);
  const source = INBOUND_SOURCE.exec(failure.sourceKey);
  if (!source) return;
  const job = await queues.get(INBOUND_QUEUE).getJob(inboundJobId(source[1], source[2]));
  const inbound = inboundSchema.safeParse(job?.data);
  if (!inbound.success) return;
  await tellSenderOfRefusal(uow, {
    outboxId: failure.outboxId,
    channel: failure.channel,
    target: failure.deliveryTarget,
    cause: { channel: inbound.data.channel, senderId: inbound.data.sender.id, conversationId: inbound.data.conversation.id },
  });
}
