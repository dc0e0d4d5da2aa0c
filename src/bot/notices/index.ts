/**
 * The notices area (通知 with 回执): a leader's notice to members, units or roles, receipts with an
 * optional short reply, 通知进度, reminders of the unconfirmed on the notice ladder, and public
 * notices (政策宣传) posted in the groups of the target units.
 */
import type { BotModule } from '../bot';
import { noticeCommands } from './commands';
import type { NoticesRepos } from './ports';
import { noticeReminderTimer } from './reminder-timer';
import { NoticeService } from './service';

export { NoticeService, NOTICE_REMINDER_TIMER } from './service';

export function createNoticesModule<R extends NoticesRepos>(service: NoticeService<R> = new NoticeService<R>()): BotModule<R> {
  return { commands: noticeCommands(service), timers: [noticeReminderTimer(service)] };
}
