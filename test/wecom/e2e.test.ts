/**
 * WeCom end to end on the real runtime (queues, database, bot, outbox): a gridworker binds in a
 * 1:1 chat with the intelligent bot and asks for help in the grid group; each answer arrives once
 * through the message's response_url, however often WeCom delivers the message.
 */
import crypto from 'node:crypto';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { FakeWeComApi } from './fakes/wecom-api';
import { botCallback, post, randomAesKey } from './fakes/wecom-callbacks';

const corpId = `ww${crypto.randomBytes(8).toString('hex')}`;
const bot = { token: 'e2eBotToken', aesKey: randomAesKey(), receiveId: '' };
let api: FakeWeComApi;
let app: TestApp;

beforeAll(async () => {
  api = await new FakeWeComApi(corpId, 'e2e-secret').start();
  app = await startTestApp({
    env: {
      WECOM_BOT_TOKEN: bot.token,
      WECOM_BOT_AES_KEY: bot.aesKey,
      WECOM_CORP_ID: corpId,
      WECOM_AGENT_ID: '1000002',
      WECOM_SECRET: 'e2e-secret',
      WECOM_TOKEN: 'e2eAppToken',
      WECOM_AES_KEY: randomAesKey(),
      WECOM_API_BASE: api.url,
    },
  });
});
afterAll(async () => {
  await app?.stop();
  await api?.stop();
});

function botMessage(content: string, where: { group?: string } = {}) {
  return {
    msgid: `e2e-${crypto.randomUUID()}`,
    aibotid: 'AIBOT1',
    ...(where.group ? { chatid: where.group, chattype: 'group' } : { chattype: 'single' }),
    from: { userid: 'wangwu' },
    response_url: api.newResponseUrl(where.group ? 'group' : 'single'),
    msgtype: 'text',
    text: { content },
  };
}

/** The markdown answers WeCom received through this message's response_url. */
function answersTo(message: { response_url: string }): string[] {
  const code = new URL(message.response_url).searchParams.get('response_code');
  return api
    .callsTo('/cgi-bin/aibot/response')
    .filter((c) => c.query.response_code === code)
    .map((c) => (c.body.markdown as { content: string } | undefined)?.content ?? JSON.stringify(c.body));
}

it('a gridworker binds 1:1 and gets help in the group, each answered once through response_url', async () => {
  expect(await app.chat.ask('dm-admin', 'admin', '新建单位 X01 示范县')).toContain('已创建');
  const invite = await app.chat.ask('dm-admin', 'admin', '添加成员 王五 县中心 X01');
  const code = /绑定 ([A-Z0-9]{8})/.exec(invite)?.[1];
  expect(code).toBeDefined();

  const bind = botMessage(`绑定 ${code}`);
  expect((await post(app.url, '/wecom/bot/callback', botCallback(bot, bind))).status).toBe(200);
  const [bound] = await eventually(async () => (answersTo(bind).length ? answersTo(bind) : undefined), 'the binding answer');
  expect(bound).toContain('绑定成功');

  const help = botMessage('@网格助手 帮助', { group: 'wrkGrid01' });
  for (let i = 0; i < 3; i++) expect((await post(app.url, '/wecom/bot/callback', botCallback(bot, help))).status).toBe(200);
  const [answer] = await eventually(async () => (answersTo(help).length ? answersTo(help) : undefined), 'the help answer');
  expect(answer).toContain('您好，王五');

  await app.chat.outboxDrained();
  expect(answersTo(help)).toHaveLength(1);
  expect(api.callsTo('/cgi-bin/message/send')).toHaveLength(0);
});
