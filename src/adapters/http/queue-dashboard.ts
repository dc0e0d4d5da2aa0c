/** The BullMQ dashboard (bull-board) at /admin/queues; app.ts puts ADMIN_TOKEN in front of it. */
import type Koa from 'koa';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { KoaAdapter } from '@bull-board/koa';

export const DASHBOARD_PATH = '/admin/queues';

export function createQueueDashboard(queues: Queue[]): Koa.Middleware {
  const serverAdapter = new KoaAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter, options: { uiConfig: { boardTitle: 'gridbot' } } });
  return serverAdapter.registerPlugin({ mount: DASHBOARD_PATH });
}
