/**
 * WeCom calls our callback URLs the way its servers do (encrypted with @wecom/crypto, signed);
 * what is genuine is queued exactly once, what is forged, stale, replayed or misaddressed is refused
 * and leaves nothing behind.
 */
import { decrypt, getSignature } from '@wecom/crypto';
import crypto from 'node:crypto';
import { startWeComHarness, type WeComHarness } from './harness';
import { appCallback, appXml, botCallback, post, urlVerification } from './fakes/wecom-callbacks';

let h: WeComHarness;

beforeAll(async () => {
  h = await startWeComHarness();
});
afterAll(async () => {
  await h.stop();
});

const BOT = '/wecom/bot/callback';
const APP = '/wecom/app/callback';

function botText(msgid: string, content: string, extra: Record<string, unknown> = {}) {
  return {
    msgid,
    aibotid: 'AIBOT1',
    chatid: 'wrkSFfCgAAgrid01',
    chattype: 'group',
    from: { userid: 'wangwu' },
    response_url: h.api.newResponseUrl(),
    msgtype: 'text',
    text: { content },
    ...extra,
  };
}

async function jobsFor(messageId: string) {
  return (await h.jobs()).filter((j) => j.messageId === messageId);
}

describe('URL verification', () => {
  it('answers the bot URL check with the decrypted echostr, as plain text', async () => {
    const { query } = urlVerification(h.bot, '8263048720498362');
    const res = await fetch(`${h.url}${BOT}?${query}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('8263048720498362');
  });

  it('answers the app URL check only when the echostr was made for our corp id', async () => {
    const ok = await fetch(`${h.url}${APP}?${urlVerification(h.app, 'echo-app-1').query}`);
    expect(await ok.text()).toBe('echo-app-1');
    const other = await fetch(`${h.url}${APP}?${urlVerification({ ...h.app, receiveId: 'wwSomeoneElse' }, 'echo-app-2').query}`);
    expect(other.status).toBe(403);
    expect(await other.text()).not.toContain('echo-app-2');
  });
});

describe('a genuine bot message', () => {
  it('is queued once as a neutral Inbound and acknowledged with an empty 200', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const payload = botText(msgid, '@网格助手 签到');
    const res = await post(h.url, BOT, botCallback(h.bot, payload));
    expect(res).toEqual({ status: 200, text: '' });
    const [job] = await jobsFor(msgid);
    expect(job).toMatchObject({
      channel: 'wecom',
      messageId: msgid,
      conversation: { id: 'chat:wrkSFfCgAAgrid01', kind: 'group' },
      sender: { id: 'wangwu' },
      text: '签到',
      mentionedBot: true,
      replyContext: { wecomVia: 'bot', responseUrl: payload.response_url },
    });
  });

  it('delivered three times (WeCom retries) is one job', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const payload = botText(msgid, '@网格助手 帮助');
    const before = h.sinkCalls();
    for (let i = 0; i < 3; i++) {
      // Each retry is signed afresh: new nonce, same message.
      expect((await post(h.url, BOT, botCallback(h.bot, payload))).status).toBe(200);
    }
    expect(await jobsFor(msgid)).toHaveLength(1);
    expect(h.sinkCalls() - before).toBe(1);
  });

  it('with a quote carries the quoted text beside the reply', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const payload = botText(msgid, '@网格助手 收到', { quote: { msgtype: 'text', text: { content: '【任务 T20261124-0007】清理楼道' } } });
    expect((await post(h.url, BOT, botCallback(h.bot, payload))).status).toBe(200);
    const [job] = await jobsFor(msgid);
    expect(job).toMatchObject({ text: '收到', quoted: { text: '【任务 T20261124-0007】清理楼道' } });
  });

  it('in a 1:1 chat is a direct conversation with the user', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const payload = { ...botText(msgid, '我的任务'), chattype: 'single', chatid: undefined };
    expect((await post(h.url, BOT, botCallback(h.bot, payload))).status).toBe(200);
    const [job] = await jobsFor(msgid);
    expect(job).toMatchObject({ conversation: { id: 'wangwu', kind: 'direct' }, text: '我的任务' });
  });
});

describe('a callback that is not genuine', () => {
  it('with a forged signature is refused and queues nothing', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const req = botCallback(h.bot, botText(msgid, '@网格助手 签到'));
    const query = new URLSearchParams(req.query);
    query.set('msg_signature', getSignature('not-our-token', query.get('timestamp')!, query.get('nonce')!, JSON.parse(req.body).encrypt));
    const res = await post(h.url, BOT, { ...req, query: query.toString() });
    expect(res.status).toBe(401);
    expect(await jobsFor(msgid)).toHaveLength(0);
  });

  it('encrypted for another corp id is refused and queues nothing', async () => {
    const xml = appXml({ ToUserName: 'wwOther', FromUserName: 'lisi', CreateTime: nowS(), MsgType: 'text', Content: '签到', MsgId: '7000000000000000001', AgentID: 1000002 });
    const res = await post(h.url, APP, appCallback({ ...h.app, receiveId: 'wwOther' }, xml));
    expect(res.status).toBe(403);
    expect(await jobsFor('app-7000000000000000001')).toHaveLength(0);
  });

  it('with a stale timestamp is refused and queues nothing', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const res = await post(h.url, BOT, botCallback(h.bot, botText(msgid, '签到'), { timestamp: nowS() - 600 }));
    expect(res.status).toBe(401);
    expect(await jobsFor(msgid)).toHaveLength(0);
  });

  it('replayed byte for byte is refused the second time and queues one job', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const req = botCallback(h.bot, botText(msgid, '签到'));
    expect((await post(h.url, BOT, req)).status).toBe(200);
    const before = h.sinkCalls();
    expect((await post(h.url, BOT, req)).status).toBe(403);
    expect(h.sinkCalls()).toBe(before);
    expect(await jobsFor(msgid)).toHaveLength(1);
  });

  it('whose padding is not exact PKCS#7 is refused although correctly signed', async () => {
    const msgid = `msg-${crypto.randomUUID()}`;
    const ciphertext = encryptWithSloppyPadding(h.bot.aesKey, JSON.stringify(botText(msgid, '签到')));
    const timestamp = String(nowS());
    const nonce = '123456';
    const query = new URLSearchParams({ msg_signature: getSignature(h.bot.token, timestamp, nonce, ciphertext), timestamp, nonce });
    const res = await post(h.url, BOT, { query: query.toString(), body: JSON.stringify({ encrypt: ciphertext }), contentType: 'application/json' });
    expect(res.status).toBe(403);
    expect(await jobsFor(msgid)).toHaveLength(0);
  });

  it('that is too large is refused before anything is decrypted', async () => {
    const res = await fetch(`${h.url}${BOT}?msg_signature=${'a'.repeat(40)}&timestamp=${nowS()}&nonce=1`, {
      method: 'POST',
      body: JSON.stringify({ encrypt: 'A'.repeat(400_000) }),
    });
    expect(res.status).toBe(413);
  });
});

describe('app callbacks', () => {
  it('turn text, image and location into Inbounds of a direct conversation', async () => {
    const base = { ToUserName: h.app.receiveId, FromUserName: 'zhaoliu', CreateTime: nowS(), AgentID: 1000002 };
    const sends = [
      appXml({ ...base, MsgType: 'text', Content: '上报 路灯损坏', MsgId: '8000000000000000001' }),
      appXml({ ...base, MsgType: 'image', PicUrl: 'https://wework.qpic.cn/pic1', MediaId: 'MEDIA_1', MsgId: '8000000000000000002' }),
      appXml({ ...base, MsgType: 'location', Location_X: '30.2741', Location_Y: '120.1551', Scale: '15', Label: '杭州市西湖区', MsgId: '8000000000000000003', AppType: 'wxwork' }),
    ];
    for (const xml of sends) expect((await post(h.url, APP, appCallback(h.app, xml))).status).toBe(200);

    const [text] = await jobsFor('app-8000000000000000001');
    expect(text).toMatchObject({ conversation: { id: 'zhaoliu', kind: 'direct' }, sender: { id: 'zhaoliu' }, text: '上报 路灯损坏' });
    const [image] = await jobsFor('app-8000000000000000002');
    expect(image.attachments).toEqual([{ kind: 'image', mediaId: 'MEDIA_1', url: 'https://wework.qpic.cn/pic1' }]);
    const [location] = await jobsFor('app-8000000000000000003');
    expect(location.attachments).toEqual([{ kind: 'location', latitude: 30.2741, longitude: 120.1551, label: '杭州市西湖区' }]);
  });

  it('turn a template card button press into the command its key carries, with the response code to answer it', async () => {
    const xml = appXml({
      ToUserName: h.app.receiveId,
      FromUserName: 'zhaoliu',
      CreateTime: nowS(),
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: 'c:接单 T20261122-0007',
      TaskId: 'gb-task-1',
      CardType: 'button_interaction',
      ResponseCode: 'RESPONSE_CODE_1',
      AgentID: 1000002,
    });
    expect((await post(h.url, APP, appCallback(h.app, xml))).status).toBe(200);
    const press = (await h.jobs()).find((j) => j.cardAction?.messageId === 'gb-task-1');
    expect(press).toMatchObject({ text: '接单 T20261122-0007', replyContext: { wecomVia: 'app', responseCode: 'RESPONSE_CODE_1' } });
  });
});

function nowS(): number {
  return Math.floor(Date.now() / 1000);
}

/** WeCom's framing, but padded with bytes that do not all equal the pad length. */
function encryptWithSloppyPadding(aesKey: string, message: string): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  let msg = Buffer.from(message);
  while (32 - ((20 + msg.length) % 32) < 2) msg = Buffer.concat([msg, Buffer.from(' ')]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(msg.length);
  const plain = Buffer.concat([crypto.randomBytes(16), len, msg]);
  const padLength = 32 - (plain.length % 32);
  const pad = Buffer.alloc(padLength, 0);
  pad[pad.length - 1] = padLength;
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  const out = Buffer.concat([cipher.update(Buffer.concat([plain, pad])), cipher.final()]).toString('base64');
  // @wecom/crypto alone would accept it: the strictness is ours.
  expect(decrypt(aesKey, out).message).toBe(msg.toString());
  return out;
}
