/**
 * The agendas are scheduled: 日程 lists the weekly and the monthly one, and the monthly schedule,
 * which checks every morning, posts the agenda only on the first working day of the month.
 */
import { seedDemo } from '../../src/adapters/db/demo';
import { timerContext } from '../../src/bot/timers';
import { MEETING_SCHEDULES } from '../../src/bot/meetings';
import { startTestApp, type TestApp } from '../support/app';

describe('meeting schedules', () => {
  let app: TestApp;
  const clock = { at: new Date('2026-11-30T00:00:00Z'), now: () => clock.at };

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await seedDemo(app.runtime.uow);
  });
  afterAll(async () => {
    await app.stop();
  });

  async function fireMonthly(key: string): Promise<void> {
    const declaration = MEETING_SCHEDULES.find((d) => d.id === 'meeting-monthly-agenda')!;
    const handler = app.runtime.bot.timers.get(declaration.timerName)!;
    await app.runtime.uow.runOnce(key, (tx) => handler.run(timerContext(tx, key), declaration.data ?? {}));
    await app.chat.outboxDrained();
  }

  it('lists both agendas among the schedules an admin sees', async () => {
    const text = await app.chat.ask('dm-admin', 'admin', '日程');
    expect(text).toContain('周例会议程');
    expect(text).toContain('月例会议程');
  });

  it('posts the monthly agenda on the first working day only', async () => {
    // Monday 30 November, 08:00 in Shanghai: not the meeting day.
    await fireMonthly('monthly-2026-11-30');
    expect((await app.chat.messages('town-01')).filter((m) => m.from === 'bot')).toHaveLength(0);
    // Tuesday 1 December, 08:00: the first working day of December.
    clock.at = new Date('2026-12-01T00:00:00Z');
    await fireMonthly('monthly-2026-12-01');
    const posted = (await app.chat.messages('town-01')).filter((m) => m.from === 'bot');
    expect(posted).toHaveLength(1);
    expect(posted[0].card?.title).toBe('月例会议程 · 幸福街道 · 12月1日 09:00');
  });
});
