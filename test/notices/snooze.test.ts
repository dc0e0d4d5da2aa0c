/**
 * 稍后提醒 under a moved clock, on MariaDB + Redis: a task's reminder card carries the button; a
 * snoozed reminder comes back once at the chosen time; the ladder's escalation (逾期) fires at its
 * own time whatever was snoozed; a reminder snoozed past completion never comes back. A notice's
 * reminder can be snoozed the same way.
 */
import { Like } from 'typeorm';
import { seedDemo } from '../../src/adapters/db/demo';
import { OutboxSchema } from '../../src/adapters/db/schemas/core';
import { SNOOZE_TIMER } from '../../src/bot/snooze';
import { TASK_REMINDER_TIMER } from '../../src/bot/tasks';
import { timerContext } from '../../src/bot/timers';
import { startTestApp, type TestApp } from '../support/app';
import { movedClock, TimerJobPayload } from '../support/moved-clock';

const { clock, moveTo } = movedClock();
const at = (shanghai: string) => new Date(`${shanghai}+08:00`).toISOString();

type JobPayload = TimerJobPayload<{ rung?: { key: string } }>;

let app: TestApp;

async function jobsOf(number: string): Promise<JobPayload[]> {
  const rows = await app.runtime.dataSource.getRepository(OutboxSchema).find({ where: { kind: 'job', payload: Like(`%${number}%`) }, order: { id: 'ASC' } });
  return rows.map((r) => JSON.parse(r.payload) as JobPayload);
}

const rung = async (number: string, key: string) => (await jobsOf(number)).find((j) => j.name === TASK_REMINDER_TIMER && j.data.rung?.key === key)!;
const snoozes = async (number: string) => (await jobsOf(number)).filter((j) => j.name === SNOOZE_TIMER);

/** Fires a scheduled job at its time, as the timer worker does (same once-only key). */
async function fire(job: JobPayload): Promise<boolean> {
  clock.at = new Date(job.runAt);
  const handler = app.runtime.bot.timers.get(job.name)!;
  const ran = await app.runtime.uow.runOnce(`timer|${job.name}|${job.jobId}`, (tx) => handler.run(timerContext(tx, job.jobId), job.data));
  await app.chat.outboxDrained();
  return ran.ran;
}

const botSaid = async (conversation: string, needle: string) => (await app.chat.messages(conversation)).filter((m) => m.from === 'bot' && m.text.includes(needle));

/** Presses 稍后提醒 on the latest card containing `needle`, then the time; returns the answer. */
async function snooze(needle: string, choice: string): Promise<string> {
  const cards = await botSaid('dm-wgy-yg1', needle);
  const [offer] = await app.chat.press('dm-wgy-yg1', 'wgy-yg1', cards[cards.length - 1], '稍后提醒');
  expect(offer.card?.buttons?.map((b) => b.label)).toEqual(['30分钟', '2小时', '明早']);
  return (await app.chat.press('dm-wgy-yg1', 'wgy-yg1', offer, choice)).map((m) => m.text).join();
}

beforeAll(async () => {
  moveTo('2027-03-01T09:00:00'); // a Monday
  app = await startTestApp({ clock });
  await seedDemo(app.runtime.uow);
});
afterAll(async () => {
  await app.stop();
});

it('brings a snoozed reminder back once, leaves escalation at its time, and stays silent once the task is done', async () => {
  const dispatched = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '派单 冯网格员 明天 17:00 清点消防器材');
  const number = /T20270301-\d{4}/.exec(dispatched)![0];
  const ladderBefore = (await jobsOf(number)).map((j) => [j.jobId, j.runAt]);

  // 11:00, two working hours on: the acknowledgement reminder, with 稍后提醒.
  expect(await fire(await rung(number, 'ack-2wh'))).toBe(true);
  const [reminder] = await botSaid('dm-wgy-yg1', '【待签收提醒】');
  expect(reminder.card?.buttons?.map((b) => b.label)).toContain('稍后提醒');
  expect(await snooze('【待签收提醒】', '2小时')).toBe(`好的，3月1日 13:00（周一）再提醒您 ${number}。逾期、催办、督办的时间不变。`);

  const [back] = await snoozes(number);
  expect(back.runAt).toBe(at('2027-03-01T13:00:00'));
  expect(await fire(back)).toBe(true);
  const returned = await botSaid('dm-wgy-yg1', `【稍后提醒】您之前让我稍后提醒：\n任务 ${number}「`);
  expect(returned).toHaveLength(1);
  expect(returned[0].text).toContain(`任务 ${number}「清点消防器材」还没有办结`);
  // The same job firing again (a redelivery) sends nothing.
  expect(await fire(back)).toBe(false);
  expect(await botSaid('dm-wgy-yg1', `【稍后提醒】您之前让我稍后提醒：\n任务 ${number}「`)).toHaveLength(1);

  moveTo('2027-03-01T13:05:00');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `签收 ${number}`)).toContain(`已签收任务 ${number}`);

  // Tuesday 15:00: two hours before the deadline; snoozed to the next morning, past the deadline.
  moveTo('2027-03-02T15:00:00');
  expect(await fire(await rung(number, 'before-2h'))).toBe(true);
  expect(await snooze('【到期提醒】', '明早')).toContain(`3月3日 08:30（周三）再提醒您 ${number}`);

  // The ladder is as it was planned: no rung moved, none added; 逾期 fires at the deadline.
  const ladderAfter = (await jobsOf(number)).filter((j) => j.name !== SNOOZE_TIMER).map((j) => [j.jobId, j.runAt]);
  expect(ladderAfter).toEqual(ladderBefore);
  const due = await rung(number, 'due');
  expect(due.runAt).toBe(at('2027-03-02T17:00:00'));
  expect(await fire(due)).toBe(true);
  expect(await botSaid('dm-wgy-yg1', '【逾期】')).toHaveLength(1);
  expect((await botSaid('dm-wz-yg1', '【逾期通报】')).length).toBe(1);

  // Done at 18:00: the morning's snoozed reminder does not come back.
  moveTo('2027-03-02T18:00:00');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `办结 ${number} 已清点，灭火器均在有效期内`)).toContain(`任务 ${number} 已办结`);
  const morning = (await snoozes(number)).find((j) => j.runAt === at('2027-03-03T08:30:00'))!;
  expect(await fire(morning)).toBe(true);
  expect(await botSaid('dm-wgy-yg1', `【稍后提醒】您之前让我稍后提醒：\n任务 ${number}「`)).toHaveLength(1);
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `稍后提醒 ${number}`)).toBe(`${number} 已经不需要您处理了，无需提醒。`);
});

it('snoozes a notice’s receipt reminder the same way; a receipt in between keeps it away', async () => {
  moveTo('2027-03-04T09:00:00');
  const sent = await app.chat.ask('dm-wz-yg1', 'wz-yg1', '通知 冯网格员 周五下午两点网格例会');
  const number = /TZ20270304-\d{4}/.exec(sent)![0];
  const [first] = (await jobsOf(number)).filter((j) => j.jobId.endsWith('unread-4wh'));
  expect(await fire(first)).toBe(true);
  expect(await snooze('您还没有回执通知', '30分钟')).toContain(`再提醒您 ${number}`);
  const [back] = await snoozes(number);
  expect(new Date(back.runAt).getTime() - new Date(first.runAt).getTime()).toBe(30 * 60_000);
  expect(await fire(back)).toBe(true);
  expect(await botSaid('dm-wgy-yg1', `【稍后提醒】您之前让我稍后提醒：\n【通知回执提醒 ${number}】`)).toHaveLength(1);

  // Snoozed again, then confirmed: nothing comes back.
  expect(await snooze('【稍后提醒】', '2小时')).toContain('再提醒您');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', `回执 ${number}`)).toBe(`已回执通知 ${number}。`);
  const later = (await snoozes(number)).find((j) => j.jobId !== back.jobId)!;
  expect(await fire(later)).toBe(true);
  expect(await botSaid('dm-wgy-yg1', `【稍后提醒】您之前让我稍后提醒：\n【通知回执提醒 ${number}】`)).toHaveLength(1);
});

it('answers 稍后提醒 with an unknown number or time clearly', async () => {
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '稍后提醒 ABC')).toBe('「ABC」不是任务或通知编号。');
  expect(await app.chat.ask('dm-wgy-yg1', 'wgy-yg1', '稍后提醒 T20270301-0001 下辈子')).toContain('稍后时间「下辈子」不正确');
});
