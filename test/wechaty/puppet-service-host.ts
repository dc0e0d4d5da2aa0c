/**
 * A self-hosted Wechaty puppet service for the outage tests, run as its own process: the real
 * wechaty-puppet-service gRPC server around wechaty-puppet-mock, with the same account, gridworker
 * and room (fixed ids) every time it starts, so a killed and restarted service is "the same WeChat".
 *
 * Driven over the child-process IPC channel:
 *   parent → host  {type: 'say', text}                 the gridworker @-mentions the bot in the room
 *   host → parent  {type: 'ready', ids}                the gRPC server listens; ids of bot, gridworker, room
 *   host → parent  {type: 'said', conversation, text}  the bot account said something
 * Environment: PORT, TOKEN (the service token, `insecure_…` for the built-in certificate).
 */
import { PuppetServer } from 'wechaty-puppet-service';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { log } from 'wechaty-puppet';

log.level('silent');

const HOST_IDS = { bot: 'wxid_gridbot', gridworker: 'wxid_wangwu', room: 'room-grid-01@chatroom' } as const;

type ParentMessage = { type: 'say'; text: string };

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  const token = process.env.TOKEN ?? '';
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = mocker.createContact({ id: HOST_IDS.bot, name: '网格助手' });
  const gridworker = mocker.createContact({ id: HOST_IDS.gridworker, name: '王五' });
  const room = mocker.createRoom({ id: HOST_IDS.room, topic: '城东社区第一网格', memberIdList: [bot.id, gridworker.id] });

  const report = (conversation: string) => (m: mock.MessageMock) => {
    if (m.payload.talkerId === bot.id) process.send?.({ type: 'said', conversation, text: m.payload.text ?? '' });
  };
  room.on('message', report(room.id));
  gridworker.on('message', report(gridworker.id));

  process.on('message', (m: ParentMessage) => {
    if (m.type === 'say') gridworker.say(m.text, [bot]).to(room);
  });

  // The client starts the puppet over gRPC (and stops it when it lets go); whenever it has been
  // started, the account logs in, as a real service logs in its session.
  setInterval(() => {
    if (puppet.state.active() && !puppet.isLoggedIn) mocker.login(bot);
  }, 50);

  const server = new PuppetServer({ endpoint: `127.0.0.1:${port}`, puppet, token });
  await server.start();
  process.send?.({ type: 'ready', ids: HOST_IDS });
}

main().catch((err: unknown) => {
  process.stderr.write(`puppet service host failed: ${String(err)}\n`);
  process.exit(1);
});
