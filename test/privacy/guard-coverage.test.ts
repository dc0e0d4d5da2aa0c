/**
 * The suite-wide group-privacy guard sees every path by which a test's bot reaches a group: an
 * unmasked message put into each channel's group send, below the masking step, is reported as a
 * leak (and would fail the test that sent it). A 1:1 delivery with the same text is not.
 */
import path from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { FakeDingTalk, robotMessage } from '../dingtalk/fakes/fake-dingtalk';
import { FakeWeComApi } from '../wecom/fakes/wecom-api';
import { takeLeaks } from '../support/group-deliveries';
import { SandboxStore } from '../../src/adapters/sandbox/store';
import { runGuardedChild } from '../support/process';

const LEAK = '请联系居民 13812345678，身份证 110101199003074514';

/** The leaks reported since the last call, by where they were seen. */
function reported(): string[] {
  return [...new Set(takeLeaks().map((l) => l.where))];
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: url.includes('/card/instances') && (body as { method?: string }).method === 'PUT' ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

afterEach(() => {
  // Whatever a case left unclaimed must not leak into the guard's verdict on the next one.
  takeLeaks();
});

describe('DingTalk', () => {
  let fake: FakeDingTalk;
  let token: string;
  beforeAll(async () => {
    fake = await new FakeDingTalk().listen();
    const res = await postJson(`${fake.url}/v1.0/oauth2/accessToken`, { appKey: fake.clientId, appSecret: fake.clientSecret });
    token = ((await res.json()) as { accessToken: string }).accessToken;
  });
  afterAll(() => fake.close());

  it('groupMessages/send', async () => {
    const res = await postJson(`${fake.url}/v1.0/robot/groupMessages/send`, { robotCode: fake.robotCode, openConversationId: 'cidGroupA==', msgKey: 'sampleText', msgParam: JSON.stringify({ content: LEAK }) }, { 'x-acs-dingtalk-access-token': token });
    expect(res.status).toBe(200);
    expect(reported()).toEqual(expect.arrayContaining([expect.stringContaining('dingtalk group')]));
  });

  it('the session webhook of a group message, but not of a 1:1 message', async () => {
    const group = robotMessage({}, fake);
    await postJson(String(group.sessionWebhook), { msgtype: 'text', text: { content: LEAK } });
    expect(reported()).toEqual([expect.stringContaining('dingtalk session')]);
    const single = robotMessage({ conversationType: '1' }, fake);
    await postJson(String(single.sessionWebhook), { msgtype: 'text', text: { content: LEAK } });
    expect(reported()).toEqual([]);
  });

  it('an interactive card delivered to a group, and its update in place', async () => {
    const cardData = { cardParamMap: { markdown: LEAK } };
    await postJson(`${fake.url}/v1.0/card/instances/createAndDeliver`, { outTrackId: 'card-1', openSpaceId: 'dtv1.card//IM_GROUP.cidGroupA==', imGroupOpenDeliverModel: { robotCode: fake.robotCode }, cardData }, { 'x-acs-dingtalk-access-token': token });
    expect(reported()).toEqual([expect.stringContaining('dingtalk group card')]);
    const res = await postJson(`${fake.url}/v1.0/card/instances`, { method: 'PUT', outTrackId: 'card-1', cardData }, { 'x-acs-dingtalk-access-token': token });
    expect(res.status).toBe(200);
    expect(reported()).toEqual([expect.stringContaining('dingtalk group card update')]);
  });
});

describe('WeCom', () => {
  let api: FakeWeComApi;
  beforeAll(async () => {
    api = await new FakeWeComApi('corp', 'secret').start();
  });
  afterAll(() => api.stop());

  it('the group robot webhook', async () => {
    await postJson(`${api.url}/cgi-bin/webhook/send?key=k1`, { msgtype: 'markdown', markdown: { content: LEAK } });
    expect(reported()).toEqual(['wecom group robot']);
  });

  it('the intelligent bot’s response_url of a group message, but not of a 1:1 message', async () => {
    await postJson(api.newResponseUrl('group'), { msgtype: 'markdown', markdown: { content: LEAK } });
    expect(reported()).toEqual([expect.stringContaining('wecom bot reply')]);
    await postJson(api.newResponseUrl('single'), { msgtype: 'markdown', markdown: { content: LEAK } });
    expect(reported()).toEqual([]);
  });

  it('an app message into a group chat (appchat)', async () => {
    await postJson(`${api.url}/cgi-bin/appchat/send?access_token=t`, { chatid: 'chat1', msgtype: 'text', text: { content: LEAK } });
    expect(reported()).toEqual([expect.stringContaining('wecom appchat')]);
  });
});

it('Wechaty: what the bot account says into a room, but not to a contact', async () => {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  await puppet.start();
  const bot = mocker.createContact({ name: '网格助手' });
  const other = mocker.createContact({ name: '王五' });
  const room = mocker.createRoom({ topic: '城东社区第一网格', memberIdList: [bot.id, other.id] });
  mocker.login(bot);
  await puppet.messageSendText(room.id, LEAK);
  expect(reported()).toEqual([expect.stringContaining('wechaty room')]);
  await puppet.messageSendText(other.id, LEAK);
  expect(reported()).toEqual([]);
  await puppet.stop();
});

it('the sandbox: a group message stored in this process, but not a 1:1 one', async () => {
  const nowhere = {} as SandboxStore;
  await SandboxStore.prototype.append.call(nowhere, { conversation: 'grid-1', from: 'bot', text: LEAK }, 'meta-delivery').catch(() => undefined);
  expect(reported()).toEqual([expect.stringContaining('sandbox grid-1')]);
  await SandboxStore.prototype.append.call(nowhere, { conversation: 'dm-u1', from: 'bot', text: LEAK }, 'meta-delivery').catch(() => undefined);
  expect(reported()).toEqual([]);
});

it('a bot run as a child process: its own group deliveries, reported to the test', async () => {
  expect(await runGuardedChild(path.join(__dirname, 'fixtures/leaking-child.ts'), [LEAK])).toBe(0);
  expect(reported()).toEqual([expect.stringContaining('child sandbox grid-1')]);
});
