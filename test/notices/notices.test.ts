/**
 * 通知 with 回执 under a moved clock, on MariaDB + Redis: a community secretary sends a notice that
 * asks for a short reply to the gridworkers of the community; a bare 回执 (the 收到 button) is refused and says what
 * to write; 通知进度 shows who confirmed, per grid; the reminder rungs reach only those who have
 * not confirmed (with 稍后提醒 on the card), across a restart; at the deadline the sender gets the
 * list; a public notice (政策宣传) is posted in the groups of the units; a leader cannot send
 * outside their units.
 */
import { Like } from 'typeorm';
import { seedDemo } from '../../src/adapters/db/demo';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { NOTICE_REMINDER_TIMER } from '../../src/bot/notices';
import { timerContext } from '../../src/bot/timers';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock, TimerJobPayload } from '../support/moved-clock';

const { clock, moveTo } = movedClock();

type JobPayload = TimerJobPayload;

let app: TestApp;

/** The timers a notice scheduled, as the outbox handed them to the queue. */
async function jobsOf(number: string): Promise<JobPayload[]> {
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'job', payload: Like(`%${number}%`) }, order: { id: 'ASC' } });
  return rows.map((r) => JSON.parse(r.payload) as JobPayload);
}

/** Fires a scheduled job at its time, as the timer worker does (same once-only key). */
async function fire(job: JobPayload): Promise<boolean> {
  clock.at = new Date(job.runAt);
  const handler = app.runtime.bot.timers.get(job.name)!;
  const ran = await app.runtime.uow.runOnce(`timer|${job.name}|${job.jobId}`, (tx) => handler.run(timerContext(tx, job.jobId), job.data));
  await app.chat.outboxDrained();
  return ran.ran;
}

const botSaid = async (conversation: string, needle: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.includes(needle));

beforeAll(async () => {
  moveTo('2027-03-01T09:00:00'); // a Monday
  app = await startTestApp({ clock });
  await seedDemo(app.runtime.uow);
});
afterAll(async () => {
  await app.stop();
});

let number = '';

it('sends a notice to the gridworkers of a community, each with a card saying what to reply', async () => {
  const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '通知 阳光社区的网格员 明天 17:00 需回复 请向居民传达冬季防火要求，并张贴告示');
  number = /TZ20270301-\d{4}/.exec(reply)?.[0] ?? '';
  expect(reply).toContain(`已发出通知 ${number}，共 2 人`);
  expect(reply).toContain('回执时限：3月2日 17:00（周二）');
  for (const user of ['wgy-yg1', 'wgy-yg2']) {
    const [card] = await botSaid(`dm-${user}`, number);
    expect(card.text).toContain('请向居民传达冬季防火要求，并张贴告示');
    expect(card.text).toContain(`请回复「回执 ${number} <回复内容>」`);
  }
  // The other community's gridworkers and the sender get no card.
  expect(await botSaid('dm-wgy-hp1', number)).toHaveLength(0);
  expect((await botSaid('dm-sj-yg', `【通知 ${number}】`)).length).toBe(0);
});

it('refuses a bare 回执 for a notice that asks for a reply, then takes the reply once', async () => {
  moveTo('2027-03-01T10:00:00');
  const bare = await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '回执');
  expect(bare).toBe(`通知 ${number} 需要回复内容，请回复「回执 ${number} <回复内容>」，例如「回执 ${number} 已传达」。`);
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '回执 已传达到各楼栋')).toBe(`已回执通知 ${number}，回复：已传达到各楼栋`);
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `回执 ${number} 再说一次`)).toContain('回执过了');
  expect(await app.chat.ask('dm-wgy-hp1', 'wgy-hp1', `回执 ${number} 已传达`)).toBe(`通知 ${number} 不是发给您的，无需回执。`);
});

it('shows the sender who confirmed and who not, per grid; a grid head sees only their grid', async () => {
  const progress = await app.chat.ask('dm-sj-yg', 'sj-yg', `通知进度 ${number}`);
  expect(progress).toContain(`通知 ${number} 回执：1/2 人已收到`);
  expect(progress).toContain('· 阳光一网格：1/1');
  expect(progress).toContain('冯网格员 回复「已传达到各楼栋」（3月1日 10:00（周一））');
  expect(progress).toContain('· 阳光二网格：0/1');
  expect(progress).toContain('未收到：陈网格员');
  const gridHead = await app.chat.ask('dm-wz-yg2', 'wz-yg2', `通知进度 ${number}`);
  expect(gridHead).toContain('· 阳光二网格：0/1');
  expect(gridHead).not.toContain('阳光一网格');
});

it('reminds only those who have not confirmed, with 稍后提醒 on the card, and keeps doing so across a restart', async () => {
  const jobs = await jobsOf(number);
  expect(jobs.map((j) => j.name)).toEqual([NOTICE_REMINDER_TIMER, NOTICE_REMINDER_TIMER, NOTICE_REMINDER_TIMER, NOTICE_REMINDER_TIMER]);
  const [fourHours, oneDay, beforeDeadline, due] = jobs;
  // 09:00 + 4 working hours (the lunch break 12:00–13:30 not counted); deadline-anchored rungs from 17:00 tomorrow.
  expect(new Date(fourHours.runAt).toISOString()).toBe(new Date('2027-03-01T14:30:00+08:00').toISOString());
  expect(new Date(beforeDeadline.runAt).toISOString()).toBe(new Date('2027-03-02T15:00:00+08:00').toISOString());
  expect(new Date(due.runAt).toISOString()).toBe(new Date('2027-03-02T17:00:00+08:00').toISOString());

  expect(await fire(fourHours)).toBe(true);
  const [reminder] = await botSaid('dm-wgy-yg2', '您还没有回执通知');
  expect(reminder.card?.buttons?.map((b) => b.command)).toContain(`稍后提醒 ${number}`);
  expect(await botSaid('dm-wgy-yg1', '您还没有回执通知')).toHaveLength(0);

  // A restart between rungs: the notice, its receipts and the ladder are where they were.
  const { database, queuePrefix } = app;
  await app.runtime.stop();
  app = await startTestApp({ database, queuePrefix, clock });
  try {
    expect(await fire(oneDay)).toBe(true);
    expect(await botSaid('dm-wgy-yg2', '您还没有回执通知')).toHaveLength(2);
    expect(await fire(due)).toBe(true);
    expect(await botSaid('dm-wgy-yg2', '的回执时限已到，您还没有回执')).toHaveLength(1);
    const [list] = await botSaid('dm-sj-yg', `通知 ${number} 的回执时限已到，以下是回执情况`);
    expect(list.text).toContain('未收到：陈网格员');
    expect(await botSaid('dm-wgy-yg1', '回执时限已到')).toHaveLength(0);

    // Once everybody confirmed, a rung sends nothing.
    expect(await app.chat.ask('dm-wgy-yg2', 'wgy-yg2', `回执 ${number} 已传达`)).toContain('已回执');
    expect(await fire(beforeDeadline)).toBe(true);
    expect(await botSaid('dm-wgy-yg2', '您还没有回执通知')).toHaveLength(2);
    expect(await app.chat.ask('dm-sj-yg', 'sj-yg', `通知进度 ${number}`)).toContain('2/2 人已收到');
  } finally {
    await app.stop();
    await database.drop();
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  }
});

it('posts a public notice (政策宣传) in the groups of the unit and the units below it; a card with 收到 to each member', async () => {
  moveTo('2027-03-03T09:00:00');
  const reply = await app.chat.ask('dm-sj-yg', 'sj-yg', '通知 01001 公开 冬季用电安全提示：不私拉电线，不用大功率电器取暖。');
  const n = /TZ20270303-\d{4}/.exec(reply)![0];
  expect(reply).toContain('已同时发到相关单位的群（政策宣传）');
  for (const group of ['community-01001', 'grid-01001001', 'grid-01001002']) {
    const [post] = await botSaid(group, '冬季用电安全提示');
    expect(post.text.startsWith('【政策宣传】')).toBe(true);
  }
  expect(await botSaid('community-01002', '冬季用电安全提示')).toHaveLength(0);
  const [card] = await botSaid('dm-wz-yg1', n);
  const pressed = await app.chat.press('dm-wz-yg1', 'wz-yg1', card, '收到');
  expect(pressed.map((m) => m.text).join()).toContain(`已回执通知 ${n}。`);
});

it('refuses a notice outside the sender’s units and from a gridworker, and sends nothing', async () => {
  expect(await app.chat.ask('dm-wz-yg1', 'wz-yg1', '通知 和平社区 明早开会')).toBe('「和平社区」不在您的管辖范围内，不能给它发通知。未发出通知。');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '通知 阳光一网格 明早开会')).toContain('您没有权限');
  expect(await app.chat.ask('dm-sj-yg', 'sj-yg', '通知 不存在的人 明早开会')).toContain('找不到「不存在的人」');
  expect(await botSaid('dm-wgy-hp1', '明早开会')).toHaveLength(0);
  expect(await botSaid('dm-wgy-yg1', '明早开会')).toHaveLength(0);
});
