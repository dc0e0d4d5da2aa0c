/**
 * What WeCom receives when the outbox hands the channel a Delivery: bot answers through the
 * message's response_url, app messages and card updates through the API with a cached token,
 * and errors the outbox can act on.
 */
import crypto from 'node:crypto';
import type { Delivery } from '../../src/jobs/delivery';
import { ChannelUnavailableError, PermanentSendError, TransientSendError } from '../../src/jobs/delivery';
import type { BotMessage } from '../../src/bot/message';
import { startWeComHarness, type WeComHarness } from './harness';
import { botCallback, post } from './fakes/wecom-callbacks';

let h: WeComHarness;

beforeAll(async () => {
  h = await startWeComHarness();
});
afterAll(async () => {
  await h.stop();
});

const taskCard: BotMessage = {
  text: '【新任务 T20261122-0007】',
  card: {
    title: '新任务 T20261122-0007',
    fields: [
      { label: '事项', value: '路灯损坏' },
      { label: '时限', value: '11月25日 18:00' },
    ],
    buttons: [
      { label: '接单', command: '接单 T20261122-0007', style: 'primary' },
      { label: '申请延期', command: `申请延期 T20261122-0007 ${'因为需要等待供电所派人到现场'.repeat(40)}` },
    ],
  },
};

function delivery(partial: Partial<Delivery> & Pick<Delivery, 'target' | 'message'>): Delivery {
  return { id: `out-${crypto.randomUUID()}`, channel: 'wecom', ...partial };
}

async function sendError(d: Delivery): Promise<unknown> {
  return h.channel.sender.send(d).then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('answers to the intelligent bot', () => {
  it('go to the message response_url as markdown, mentioning the person addressed', async () => {
    const responseUrl = h.api.newResponseUrl();
    await h.channel.sender.send(
      delivery({
        target: { kind: 'conversation', id: 'chat:wrkSFfCgAAgrid01' },
        message: { text: '签到成功，08:02', mentionUserIds: ['wangwu'] },
        replyContext: { wecomVia: 'bot', responseUrl },
      }),
    );
    const [call] = h.api.callsTo('/cgi-bin/aibot/response').filter((c) => responseUrl.includes(c.query.response_code));
    expect(call.body).toEqual({ msgtype: 'markdown', markdown: { content: expect.stringContaining('签到成功，08:02') } });
    expect((call.body.markdown as { content: string }).content).toContain('<@wangwu>');
  });

  it('with buttons is a button_interaction card whose presses come back as the commands', async () => {
    const responseUrl = h.api.newResponseUrl();
    await h.channel.sender.send(
      delivery({ target: { kind: 'conversation', id: 'chat:wrkSFfCgAAgrid01' }, message: taskCard, replyContext: { responseUrl } }),
    );
    const [call] = h.api.callsTo('/cgi-bin/aibot/response').filter((c) => responseUrl.includes(c.query.response_code));
    const card = call.body.template_card as {
      card_type: string;
      task_id: string;
      main_title: { title: string };
      horizontal_content_list: { keyname: string; value: string }[];
      button_list: { text: string; key: string }[];
    };
    expect(call.body.msgtype).toBe('template_card');
    expect(card.card_type).toBe('button_interaction');
    expect(card.task_id).toMatch(/^[A-Za-z0-9_@-]{1,128}$/);
    expect(card.main_title.title).toBe('新任务 T20261122-0007');
    expect(card.horizontal_content_list).toContainEqual({ keyname: '事项', value: '路灯损坏' });
    expect(card.button_list.map((b) => b.text)).toEqual(['接单', '申请延期']);
    for (const b of card.button_list) expect(Buffer.byteLength(b.key)).toBeLessThanOrEqual(1024);

    // A gridworker presses each button: WeCom calls back with the button's key.
    for (const [i, button] of card.button_list.entries()) {
      const msgid = `press-${crypto.randomUUID()}`;
      const press = {
        msgid,
        create_time: Math.floor(Date.now() / 1000),
        aibotid: 'AIBOT1',
        chatid: 'wrkSFfCgAAgrid01',
        chattype: 'group',
        from: { userid: 'wangwu' },
        response_url: h.api.newResponseUrl(),
        msgtype: 'event',
        event: { eventtype: 'template_card_event', template_card_event: { card_type: 'button_interaction', event_key: button.key, task_id: card.task_id } },
      };
      expect((await post(h.url, '/wecom/bot/callback', botCallback(h.bot, press))).status).toBe(200);
      const job = (await h.jobs()).find((j) => j.messageId === msgid);
      expect(job?.text).toBe(taskCard.card!.buttons![i].command);
      expect(job?.cardAction).toEqual({ messageId: card.task_id });
    }
  });

  it('a second answer to the same 1:1 message goes through the app, since a response_url takes one', async () => {
    const responseUrl = h.api.newResponseUrl();
    const target = { kind: 'conversation' as const, id: 'wangwu' };
    await h.channel.sender.send(delivery({ target, message: { text: '第一条' }, replyContext: { responseUrl } }));
    await h.channel.sender.send(delivery({ target, message: { text: '第二条' }, replyContext: { responseUrl } }));
    expect(h.api.callsTo('/cgi-bin/aibot/response').filter((c) => responseUrl.includes(c.query.response_code))).toHaveLength(1);
    const viaApp = h.api.callsTo('/cgi-bin/message/send').find((c) => JSON.stringify(c.body).includes('第二条'));
    expect(viaApp?.body).toMatchObject({ touser: 'wangwu', msgtype: 'markdown', agentid: 1000002 });
  });

  it('a second answer into a group without a fresh response_url is a permanent failure', async () => {
    const responseUrl = h.api.newResponseUrl();
    const target = { kind: 'conversation' as const, id: 'chat:wrkSFfCgAAgrid01' };
    await h.channel.sender.send(delivery({ target, message: { text: '第一条' }, replyContext: { responseUrl } }));
    expect(await sendError(delivery({ target, message: { text: '第二条' }, replyContext: { responseUrl } }))).toBeInstanceOf(PermanentSendError);
  });
});

describe('app messages', () => {
  it('are sent with message/send under one cached access token', async () => {
    const tokensBefore = h.api.callsTo('/cgi-bin/gettoken').length;
    await h.channel.sender.send(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '您有 2 条待办' } }));
    await h.channel.sender.send(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: taskCard }));
    expect(h.api.callsTo('/cgi-bin/gettoken').length - tokensBefore).toBeLessThanOrEqual(1);
    const sends = h.api.callsTo('/cgi-bin/message/send').slice(-2);
    expect(sends[0].body).toMatchObject({ touser: 'zhaoliu', agentid: 1000002, msgtype: 'markdown', markdown: { content: '您有 2 条待办' } });
    expect(sends[1].body).toMatchObject({ touser: 'zhaoliu', msgtype: 'template_card', template_card: { card_type: 'button_interaction' } });
    expect(new Set(sends.map((s) => s.query.access_token)).size).toBe(1);
  });

  it('fetch a new token when WeCom says the cached one expired (42001) and send once', async () => {
    await h.channel.sender.send(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '预热' } }));
    const tokensBefore = h.api.callsTo('/cgi-bin/gettoken').length;
    h.api.expireTokens();
    await h.channel.sender.send(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '令牌过期后' } }));
    expect(h.api.callsTo('/cgi-bin/gettoken').length - tokensBefore).toBe(1);
    const attempts = h.api.callsTo('/cgi-bin/message/send').filter((c) => JSON.stringify(c.body).includes('令牌过期后'));
    expect(attempts).toHaveLength(2);
  });

  it('answering a card press with a card replaces the pressed card in place: one updated card, no new message', async () => {
    const sendsBefore = h.api.callsTo('/cgi-bin/message/send').length;
    const d = delivery({ target: { kind: 'conversation', id: 'zhaoliu' }, message: taskCard, replyContext: { wecomVia: 'app', responseCode: 'RC-CARD' } });
    await h.channel.sender.send(d);
    await h.channel.sender.send(d); // an outbox retry after a lost answer changes nothing
    const updates = h.api.callsTo('/cgi-bin/message/update_template_card').filter((c) => c.body.response_code === 'RC-CARD');
    expect(updates).toHaveLength(1);
    expect(updates[0].body).toMatchObject({ userids: ['zhaoliu'], template_card: { card_type: 'button_interaction', main_title: { title: taskCard.card!.title } } });
    expect((updates[0].body.template_card as { button_list: unknown[] }).button_list).toHaveLength(2);
    expect(h.api.callsTo('/cgi-bin/message/send')).toHaveLength(sendsBefore);
  });

  it('answering a card press with text greys out the pressed button with update_template_card', async () => {
    await h.channel.sender.send(
      delivery({
        target: { kind: 'conversation', id: 'zhaoliu' },
        message: { text: '已接单 T20261122-0007' },
        replyContext: { wecomVia: 'app', responseCode: 'RC-42' },
      }),
    );
    const [update] = h.api.callsTo('/cgi-bin/message/update_template_card').filter((c) => c.body.response_code === 'RC-42');
    expect(update.body).toEqual({ userids: ['zhaoliu'], agentid: 1000002, response_code: 'RC-42', button: { replace_name: '已处理' } });
    const send = h.api.callsTo('/cgi-bin/message/send').at(-1);
    expect(send?.body).toMatchObject({ touser: 'zhaoliu', markdown: { content: '已接单 T20261122-0007' } });
    expect(send!.at).toBeGreaterThanOrEqual(update.at);
  });

  it('are retried later when WeCom is busy or rate-limits (-1, 45009, 45033)', async () => {
    for (const errcode of [-1, 45009, 45033]) {
      h.api.failNext('/cgi-bin/message/send', errcode);
      const error = await sendError(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: `忙 ${errcode}` } }));
      expect(error).toBeInstanceOf(TransientSendError);
      if (errcode === 45009) expect((error as TransientSendError).retryAfterMs).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('fail for good for an unknown user; a wrong secret or a server IP off the allowlist is an outage of the channel', async () => {
    expect(await sendError(delivery({ target: { kind: 'user', id: 'nobody' }, message: { text: '你好' } }))).toBeInstanceOf(PermanentSendError);
    const tokenKeys = await h.redis.keys(`${h.prefix}:wecom:token:*`);
    await h.redis.del(...tokenKeys);
    h.api.failNext('/cgi-bin/gettoken', 40001);
    const revoked = await sendError(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '你好' } }));
    expect(revoked).toBeInstanceOf(ChannelUnavailableError);
    expect((revoked as ChannelUnavailableError).reason).toContain('40001');
    h.api.failNext('/cgi-bin/message/send', 60020);
    const ip = await sendError(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '你好' } }));
    expect((ip as ChannelUnavailableError).reason).toContain('60020');
  });

  it('a 45009 on message/send holds only that member\'s messages; on another API it holds that API', async () => {
    h.api.failNext('/cgi-bin/message/send', 45009);
    const error = await sendError(delivery({ target: { kind: 'user', id: 'zhaoliu' }, message: { text: '太快' } }));
    expect((error as TransientSendError).scope).toBe('target');
  });
});
