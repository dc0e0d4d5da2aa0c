/** Prometheus metrics (prom-client): messages in and out, handling latency, queue depth. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly messagesIn = new Counter({ name: 'gridbot_messages_in_total', help: 'Messages accepted from a channel', labelNames: ['channel'], registers: [this.registry] });
  readonly messagesHandled = new Counter({ name: 'gridbot_messages_handled_total', help: 'Messages handled by the bot', labelNames: ['channel', 'outcome'], registers: [this.registry] });
  readonly messagesOut = new Counter({ name: 'gridbot_messages_out_total', help: 'Messages sent to a channel', labelNames: ['channel', 'status'], registers: [this.registry] });
  readonly handlingSeconds = new Histogram({
    name: 'gridbot_handling_seconds',
    help: 'Time from a message being queued to its handling being committed',
    labelNames: ['channel'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly channelOutage = new Gauge({ name: 'gridbot_channel_outage', help: '1 while a channel cannot send at all (its messages are held)', labelNames: ['channel'], registers: [this.registry] });
  readonly channelOutages = new Counter({ name: 'gridbot_channel_outages_total', help: 'Channel outages that began', labelNames: ['channel'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'gridbot_queue_depth', help: 'Jobs in a queue by state', labelNames: ['queue', 'state'], registers: [this.registry] });
  readonly channelConnected = new Gauge({ name: 'gridbot_channel_connected', help: "1 while a channel's connection is up (logged in), else 0", labelNames: ['channel'], registers: [this.registry] });
  /** The V8 heap in use and the memory held outside it (buffers), read at each scrape: a leak shows here, an allocator's slack only in RSS. */
  readonly heapUsed = new Gauge({ name: 'gridbot_heap_used_bytes', help: 'V8 heap in use at the scrape', registers: [this.registry], collect() { this.set(process.memoryUsage().heapUsed); } });
  readonly externalMemory = new Gauge({ name: 'gridbot_external_memory_bytes', help: 'Memory held by buffers and native objects outside the V8 heap', registers: [this.registry], collect() { this.set(process.memoryUsage().external); } });
  readonly channelStateSince = new Gauge({ name: 'gridbot_channel_state_since_seconds', help: 'Unix time at which the channel connection last went up or down', labelNames: ['channel'], registers: [this.registry] });
}
