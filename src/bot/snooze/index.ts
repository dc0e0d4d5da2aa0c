/**
 * 稍后提醒 (snooze): any reminder card's 稍后提醒 button or command puts the reminder off by 30
 * minutes, 2 hours or to the next working morning. It comes back once, at that time, unless the
 * item is done by then. The ladder's rungs are left as they are: escalation keeps its time.
 * Each area whose reminders can be snoozed gives a {@link Snoozable}.
 */
import { z } from 'zod';
import { snoozeJobId, snoozeUntil, SNOOZE_CHOICES, type SnoozeChoice } from '../../domain/task/snooze';
import type { BotModule } from '../bot';
import { arg, commandsOf, narrow, type ArgSpec } from '../commands/framework';
import { SessionError } from '../errors';
import type { BotMessage } from '../message';
import type { CoreRepos, Tx } from '../ports';
import { t } from '../texts';
import type { TimerHandler } from '../timers';

export const SNOOZE_TIMER = 'reminder.snooze';

/** An area's reminders that may be snoozed: items it recognises by number. */
export interface Snoozable<R extends CoreRepos> {
  /** The item's number in canonical form, when the word is one of this area's numbers. */
  numberOf(word: string): string | null;
  /** The reminder to show the member again, or null when they owe nothing on it now (done, not theirs). */
  reminder(tx: Tx<R>, number: string, memberId: number): Promise<BotMessage | null>;
}

const jobSchema = z.object({ number: z.string().min(1).max(20), memberId: z.number().int().positive() });

function choiceArg(): ArgSpec<SnoozeChoice> {
  const words = () => new Map([...t('input.snooze').split('、')].map((pair) => pair.split('=') as [string, SnoozeChoice]).filter(([w, v]) => w && SNOOZE_CHOICES.includes(v)));
  return {
    label: 'arg.snoozeChoice',
    optional: true,
    rest: false,
    parse: (raw) => {
      const choice = words().get(narrow(raw));
      return choice ? { ok: true, value: choice } : { ok: false, reason: t('arg.notInList', { values: [...new Set(words().keys())].slice(0, 3).join('、') }) };
    },
  };
}

export function createSnoozeModule<R extends CoreRepos>(items: Snoozable<R>[]): BotModule<R> {
  const defineCommand = commandsOf<R>();
  const find = (word: string): { item: Snoozable<R>; number: string } | null => {
    for (const item of items) {
      const number = item.numberOf(narrow(word));
      if (number) return { item, number };
    }
    return null;
  };

  const command = defineCommand({
    id: 'snooze',
    name: t('snooze.command'),
    access: 'member',
    args: { number: arg.word('arg.snoozeItem'), choice: arg.optional(choiceArg()) },
    async run(ctx, { number: word, choice }) {
      const member = ctx.requireMember();
      const found = find(word);
      if (!found) throw new SessionError('snooze.err.unknown', { number: word });
      if (!(await found.item.reminder(ctx.tx, found.number, member.id))) throw new SessionError('snooze.err.nothingOwed', { number: found.number });
      if (!choice) {
        const text = t('snooze.choose', { number: found.number });
        const labels: Record<SnoozeChoice, string> = { '30m': t('snooze.choice.30m'), '2h': t('snooze.choice.2h'), morning: t('snooze.choice.morning') };
        return { text, card: { title: t('snooze.card.title'), lines: [text], buttons: SNOOZE_CHOICES.map((c) => ({ label: labels[c], command: `${t('snooze.command')} ${found.number} ${labels[c]}` })) } };
      }
      const until = snoozeUntil(choice, ctx.now, ctx.tx.calendar);
      ctx.tx.effects.schedule({ name: SNOOZE_TIMER, jobId: snoozeJobId(found.number, member.id, until), data: { number: found.number, memberId: member.id }, runAt: until });
      return t('snooze.done', { number: found.number, at: ctx.tx.calendar.formatMoment(until, ctx.now) });
    },
  });

  const timer: TimerHandler<R> = {
    name: SNOOZE_TIMER,
    async run(ctx, data) {
      const parsed = jobSchema.safeParse(data);
      if (!parsed.success) return;
      const found = find(parsed.data.number);
      const message = found ? await found.item.reminder(ctx.tx, found.number, parsed.data.memberId) : null;
      if (!message) return;
      const lead = t('snooze.back');
      await ctx.notify.member(parsed.data.memberId, { ...message, text: `${lead}\n${message.text}`, ...(message.card ? { card: { ...message.card, lines: [lead, ...(message.card.lines ?? [])] } } : {}) });
    },
  };
  return { commands: [command], timers: [timer] };
}
