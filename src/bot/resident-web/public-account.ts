/**
 * 工作公开: the public account of a grid or community as a chat card, the residents' groups it is
 * posted to, and the monthly timer that posts last month's account to every unit with such groups.
 */
import { DateTime } from 'luxon';
import { periodContaining, previousPeriod, type AssessmentPeriod } from '../../domain/assessment/period';
import type { OrgUnit } from '../../domain/org/org';
import { percent, type PublicAccount } from '../../domain/resident';
import type { ChannelName } from '../../config';
import { cardToText, type BotMessage, type Card } from '../message';
import type { Tx } from '../ports';
import type { TimerHandler } from '../timers';
import type { ScheduleDeclaration } from '../schedules/registry';
import { t, type TextKey } from '../texts';
import type { ResidentWebRepos } from './ports';
import type { ResidentWebService } from './service';

/** Where a unit's residents' groups are (the residents' groups area binds them). */
export interface ResidentGroups {
  of(tx: Tx<ResidentWebRepos>, unit: OrgUnit): Promise<{ channel: ChannelName; conversationId: string }[]>;
}

/** The residents' groups the residents' groups area bound to the unit (绑定居民群). */
export const BOUND_RESIDENT_GROUPS: ResidentGroups = { of: (tx, unit) => tx.repos.residentWeb.residentGroupsOf(unit.id) };

export const PUBLIC_ACCOUNT_TIMER = 'public-account';
export const PUBLIC_ACCOUNT_SCHEDULES: ScheduleDeclaration[] = [
  { id: 'public-account-monthly', name: '工作公开', defaultPattern: '0 0 10 1 * *', timerName: PUBLIC_ACCOUNT_TIMER, data: {}, description: 'schedule.publicAccount' },
];

const share = (part: { done: number; of: number }) => {
  const p = percent(part);
  return p === null ? t('public.none') : `${p}%`;
};

/** The figures as lines (the same on the card and on the public page). */
export function publicAccountLines(account: PublicAccount, zone: string): { figures: string[]; examples: string[] } {
  const figures = [
    t('public.reported', { count: String(account.reported) }),
    t('public.solved', { count: String(account.solved), open: String(account.open) }),
    t('public.onTime', { value: share(account.onTime) }),
    t('public.satisfaction', { value: share(account.satisfaction) }),
  ];
  const examples = account.examples.map((e) =>
    t('public.example', {
      category: e.item ? `${e.category}·${e.item}` : e.category,
      date: DateTime.fromJSDate(e.reportedAt, { zone }).toFormat('M月d日'),
      days: String(e.days),
      rating: e.rating ? t('public.exampleRating', { rating: t(`event.rating.${e.rating}` as TextKey) }) : '',
    }),
  );
  return { figures, examples };
}

export function publicAccountMessage(unit: OrgUnit, period: AssessmentPeriod, account: PublicAccount, pageUrl: string, zone: string): BotMessage {
  const { figures, examples } = publicAccountLines(account, zone);
  const card: Card = {
    title: t('public.title', { unit: unit.name, period: period.label }),
    lines: [...figures, t('public.examplesHeading'), ...(examples.length ? examples.map((e) => `· ${e}`) : [t('public.noExamples')]), t('public.page', { url: pageUrl })],
  };
  return { text: cardToText(card), card };
}

/** On the 1st of each month: last month's account to the residents' groups of every grid and community. */
export function publicAccountTimer(service: ResidentWebService, groups: ResidentGroups, pageUrl: (code: string) => string): TimerHandler<ResidentWebRepos> {
  return {
    name: PUBLIC_ACCOUNT_TIMER,
    async run(ctx) {
      const zone = ctx.tx.calendar.timeZone;
      const period = previousPeriod(periodContaining('month', ctx.now, zone), zone);
      for (const root of await ctx.tx.repos.org.roots()) {
        for (const unit of await ctx.tx.repos.org.subtree(root.path)) {
          if (unit.level !== 'grid' && unit.level !== 'community') continue;
          const targets = await groups.of(ctx.tx, unit);
          if (!targets.length) continue;
          const account = await service.publicAccount(ctx.tx.repos, unit, period, ctx.now);
          const message = publicAccountMessage(unit, period, account, pageUrl(unit.code), zone);
          for (const g of targets) ctx.notify.conversation(g.channel, g.conversationId, message);
        }
      }
    },
  };
}
