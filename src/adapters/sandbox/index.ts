/** The sandbox channel: a local web chat that goes through the same queues as DingTalk and WeCom. */
import type { Channel, ChannelDeps } from '../channel';
import type { SandboxMessage } from './store';
import { SandboxStore } from './store';
import { SandboxSender } from './sender';
import { withCrashPoint } from './crash-point';
import { mountSandbox, type SandboxDirectory } from './receiver';

export function createSandboxChannel(deps: ChannelDeps & { directory: () => Promise<SandboxDirectory>; onSent?: (m: SandboxMessage) => void }): Channel {
  const store = new SandboxStore(deps.redis, deps.keyPrefix);
  return {
    name: 'sandbox',
    // The sender's own store: the same data, behind the (test-only, normally inert) crash point.
    sender: new SandboxSender(new SandboxStore(withCrashPoint(deps.redis), deps.keyPrefix), deps.onSent),
    mount: (router) => mountSandbox(router, { store, sink: deps.sink, logger: deps.logger, directory: deps.directory, admission: deps.admission }),
  };
}
