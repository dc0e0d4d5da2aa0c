/**
 * Takes queued Inbounds and lets the bot handle each inside one transaction that also records
 * the message as handled. A redelivered or retried message finds its record and only re-sends
 * what was not yet handed on.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Bot } from '../bot/bot';
import { inboundSchema } from '../bot/inbound';
import type { CoreRepos, UnitOfWork } from '../bot/ports';
import { t } from '../bot/texts';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import { inboundKey } from './inbound-queue';
import { INBOUND_QUEUE, type RedisConnections } from './queues';
import { MAX_STALLED_COUNT, cappedBackoff, classifyFailure } from './retry';

/** `R`: the repositories the bot's transactions carry (the jobs layer names no area). */
export interface InboundWorkerOptions<R extends CoreRepos> {
  bot: Bot<R>;
  uow: UnitOfWork<R>;
  connections: RedisConnections;
  prefix: string;
  concurrency: number;
  /** BullMQ lockDuration and stalled-check interval. */
  lockMs: number;
  metrics: Metrics;
  logger: Logger;
}

export function startInboundWorker<R extends CoreRepos>(opts: InboundWorkerOptions<R>): Worker {
  const { bot, uow, metrics, logger } = opts;
  const worker = new Worker(
    INBOUND_QUEUE,
    async (job: Job) => {
      const parsed = inboundSchema.safeParse(job.data);
      if (!parsed.success) {
        logger.error({ jobId: job.id, issues: parsed.error.issues.slice(0, 3) }, 'malformed inbound job dropped');
        return;
      }
      const inbound = parsed.data;
      const log = logger.child({ channel: inbound.channel, messageId: inbound.messageId });
      const outcome = await uow
        .runOnce(inboundKey(inbound.channel, inbound.messageId), (tx) => bot.handle(inbound, tx))
        .catch((err: unknown) => classifyFailure(err, job.attemptsMade));
      if (outcome.ran) {
        metrics.messagesHandled.inc({ channel: inbound.channel, outcome: 'handled' });
        metrics.handlingSeconds.observe({ channel: inbound.channel }, (Date.now() - job.timestamp) / 1000);
        log.info({ memberId: outcome.result.memberId, command: outcome.result.command }, 'message handled');
      } else {
        metrics.messagesHandled.inc({ channel: inbound.channel, outcome: 'duplicate' });
        log.info('message already handled; duplicate ignored');
      }
    },
    {
      connection: opts.connections.worker(),
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration: opts.lockMs,
      stalledInterval: opts.lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
      settings: { backoffStrategy: cappedBackoff },
    },
  );

  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    const parsed = inboundSchema.safeParse(job.data);
    logger.error({ err, jobId: job.id, attempt: job.attemptsMade, final }, 'handling a message failed');
    if (!final || !parsed.success) return;
    // The sender hears that something went wrong instead of silence, once.
    const inbound = parsed.data;
    void uow
      .runOnce(`fail|${inboundKey(inbound.channel, inbound.messageId)}`.slice(0, 191), async (tx) => {
        tx.effects.send({ channel: inbound.channel, target: { kind: 'conversation', id: inbound.conversation.id, ...(inbound.conversation.kind === 'direct' ? { direct: true } : {}) }, message: { text: t('error.internal') }, ...(inbound.replyContext ? { replyContext: inbound.replyContext } : {}) });
      })
      .catch((e: unknown) => logger.error({ err: e }, 'could not tell the sender about a failure'));
  });
  worker.on('error', (err) => logger.warn({ err }, 'inbound worker error'));
  return worker;
}
