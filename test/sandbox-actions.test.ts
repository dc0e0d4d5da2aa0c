/** Pressing card buttons through the sandbox API: by command, by label, or by position. */
import { seedDemo } from '../src/adapters/db/demo';
import { startTestApp, type TestApp } from './support/app';

describe('sandbox card buttons', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  let n = 0;
  const reports = ['上报 环境卫生 幸福路12号垃圾堆放三天', '上报 安全隐患 3号楼消防通道被电动车堵住', '上报 市容环境 和平路路灯不亮'];
  async function newEventCard() {
    await app.chat.say('grid-01001001', 'wgy-yg1', reports[n++]);
    const inbox = await app.chat.messages('dm-wz-yg1');
    const card = [...inbox].reverse().find((m) => m.from === 'bot' && m.card?.buttons?.length);
    if (!card) throw new Error('no card reached the grid head');
    return card;
  }

  it('runs the command a button carries, whichever way the button is named', async () => {
    const card = await newEventCard();
    const accept = card.card!.buttons!.find((b) => b.label === '受理')!;
    const byLabel = await app.chat.press('dm-wz-yg1', 'wz-yg1', card, '受理');
    expect(byLabel.map((m) => m.text).join('\n')).toContain('已受理');
    const second = await newEventCard();
    const index = second.card!.buttons!.findIndex((b) => b.label === '受理');
    const byIndex = await app.chat.press('dm-wz-yg1', 'wz-yg1', second, String(index));
    expect(byIndex.map((m) => m.text).join('\n')).toContain('已受理');
    expect(accept.command).toMatch(/^受理 SJ\d{8}-\d{4}$/);
  });

  it('answers 404 for a button that is not on the message, and runs nothing', async () => {
    const card = await newEventCard();
    const res = await fetch(`${app.url}/sandbox/api/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversation: 'dm-wz-yg1', user: 'wz-yg1', messageId: card.id, action: '结案 SJ20990101-0001' }),
    });
    expect(res.status).toBe(404);
  });
});
