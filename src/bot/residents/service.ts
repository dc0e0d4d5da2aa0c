/**
 * The residents' side of the closed loop (issue 16): a resident in a bound residents' group reports
 * by @-mentioning the bot, asks about their own reports, is told in the group when one is closed,
 * and rates it; the handler records a 回访. The events area does the loop; this area speaks to
 * residents and keeps their identity sealed (every opening logged).
 */
import { OPEN_EVENT_STATES, parseEventNumber, suggestCategory, type EventOrigin, type EventRating, type TimelineEntry } from '../../domain/event';
import { LEADER_ROLE, hasAuthority, type Member } from '../../domain/org/org';
import { imageRefs, type Inbound } from '../inbound';
import type { BotMessage } from '../message';
import { Notifier } from '../notify';
import type { Tx } from '../ports';
import type { CommandContext } from '../commands/framework';
import { inputWords } from '../commands/framework';
import { listWords } from '../commands/understand';
import { SessionError } from '../errors';
import type { EventObserver, EventsRepos, StoredEvent } from '../events/ports';
import type { EventService } from '../events/service';
import { EventRefusedError } from '../events/refusals';
import { loadCatalogue } from '../events/commands';
import { t, type TextKey } from '../texts';
import type { FollowupMethod, ResidentsRepos } from './ports';

/** How long a resident's identity is kept after their last message and last open report: settings key, days. */
export const RETENTION_SETTING = 'residents.retentionDays';
export const DEFAULT_RETENTION_DAYS = 180;
/** At most this many of a resident's own reports are listed by a bare 查询. */
const LIST_LIMIT = 10;

const asResidents = (tx: Tx<EventsRepos>) => tx as unknown as Tx<ResidentsRepos>;

export class ResidentsService {
  constructor(private readonly events: EventService) {}

  /** Whether the bot is spoken to in a group: an @-mention, a button press, a quote of the bot's own words. */
  static addressed(inbound: Inbound): boolean {
    if (inbound.mentionedBot || inbound.cardAction) return true;
    return Boolean(inbound.quoted?.text && /SJ\d{8}-\d{4,6}/i.test(inbound.quoted.text));
  }

  /**
   * A message in a residents' group: silent unless addressed; then 查询, a rating, or a report.
   * Returns the handled name for the logs.
   */
  async handle(ctx: CommandContext<ResidentsRepos>, text: string): Promise<string> {
    const { inbound, tx } = ctx;
    if (!ResidentsService.addressed(inbound)) return '';
    const group = await tx.repos.residents.groupOf(inbound.channel, inbound.conversation.id);
    if (!group) return '';
    const residentId = await tx.repos.residents.residentFor({ channel: inbound.channel, userId: inbound.sender.id }, tx.now);
    const origin: EventOrigin = { kind: 'resident', residentId };
    const words = text.split(/\s+/).filter(Boolean);
    const first = words[0] ?? '';
    if (listWords('input.residentQuery').includes(first)) {
      ctx.reply(await this.query(tx, origin, words[1]));
      return 'resident:query';
    }
    const rating = this.readRating(words);
    if (rating) {
      ctx.reply(await this.rate(tx, origin, rating.number, rating.rating, rating.reason));
      return 'resident:rate';
    }
    const attachments = imageRefs(inbound.attachments);
    const location = inbound.attachments.flatMap((a) => (a.kind === 'location' ? [a.label ?? `${a.latitude},${a.longitude}`] : []))[0] ?? null;
    if (!text && !attachments.length && !location) {
      ctx.reply(t('resident.ackHint'));
      return 'resident:hint';
    }
    // Filed under the category its words suggest (the handler may re-file it), else 其他.
    const suggested = text ? suggestCategory(text, await loadCatalogue(tx.repos)) : null;
    const event = await this.events.reportFromOutside(tx, {
      origin,
      ...(suggested ? { category: { category: suggested.category, item: suggested.item } } : {}),
      gridUnitId: group.unitId,
      description: text || t('resident.attachmentOnly'),
      location,
      attachments,
    });
    await tx.repos.residents.addReport({ eventId: event.id, eventNumber: event.number, residentId, channel: inbound.channel, conversationId: inbound.conversation.id }, tx.now);
    const grid = await tx.repos.org.unit(group.unitId);
    ctx.reply(t('resident.ack', { number: event.number, grid: grid?.name ?? '' }));
    return 'resident:report';
  }

  /** `满意`, `不满意 原因`, `评价 SJ… 满意`, `满意 SJ…`: the rating, the number if given, the reason. */
  private readRating(words: string[]): { rating: EventRating; number: string | null; reason: string } | null {
    const ratings = inputWords('input.ratings');
    const rest = listWords('input.residentRate').includes(words[0] ?? '') ? words.slice(1) : words;
    let number: string | null = null;
    let rating: EventRating | null = null;
    const reason: string[] = [];
    for (const w of rest) {
      const n: string | null = number === null ? parseEventNumber(w) : null;
      const r = rating === null ? ratings.get(w) : undefined;
      if (n) number = n;
      else if (r) rating = r as EventRating;
      else if (rating === null) return null; // words before a rating word: a report, not a rating
      else reason.push(w);
    }
    return rating ? { rating, number, reason: reason.join(' ') } : null;
  }

  async query(tx: Tx<ResidentsRepos>, origin: EventOrigin, typed: string | undefined): Promise<string> {
    const own = await tx.repos.events.byOrigin(origin, LIST_LIMIT);
    if (typed === undefined) {
      if (!own.length) return t('resident.queryListNone');
      return t('resident.queryList', { lines: own.map((e) => t('resident.queryLine', { number: e.number, state: this.stateName(e), description: e.description.slice(0, 30) })).join('\n') });
    }
    const number = parseEventNumber(typed) ?? typed;
    const event = await tx.repos.events.byNumber(number);
    // Another resident's event, a member's event and no event read the same: not yours.
    if (!event || event.origin.kind !== 'resident' || origin.kind !== 'resident' || event.origin.residentId !== origin.residentId) return t('resident.queryNone', { number });
    return t('resident.query', { number: event.number, state: this.stateName(event), description: event.description, result: event.result ? t('resident.queryResult', { result: event.result }) : '' });
  }

  private stateName(event: StoredEvent): string {
    return t(`event.state.${event.state}` as TextKey);
  }

  async rate(tx: Tx<ResidentsRepos>, origin: EventOrigin, typed: string | null, rating: EventRating, reason: string): Promise<string> {
    let number = typed;
    if (!number) {
      const waiting = (await tx.repos.events.byOrigin(origin, LIST_LIMIT)).find((e) => e.state === 'closed');
      if (!waiting) return t('resident.nothingToRate');
      number = waiting.number;
    }
    if (rating === 'unsatisfied' && !reason.trim()) return t('resident.reasonRequired', { number });
    try {
      const event = await this.events.rateFromOutside(tx, number, origin, rating, reason || undefined);
      if (rating === 'unsatisfied') return t('resident.reopened', { number, unit: (await tx.repos.org.unit(event.handler.unitId))?.name ?? '' });
      return t('resident.rated', { number, rating: t(`event.rating.${rating}` as TextKey) });
    } catch (err) {
      if (err instanceof EventRefusedError && err.refusal.code === 'not_found') return t('resident.queryNone', { number });
      throw err;
    }
  }

  /** Tells the resident in their group when their report is closed (or returned), @-mentioning them. */
  observer(): EventObserver {
    return {
      changed: async (tx, event, entry) => {
        if (event.origin.kind !== 'resident') return;
        if (event.state === 'closed' && (entry.action === 'verify_pass' || entry.action === 'close')) await this.tell(asResidents(tx), event, entry, this.closedNotice(event));
        else if (entry.action === 'return_to_reporter') await this.tell(asResidents(tx), event, entry, { text: t('resident.returned', { number: event.number, reason: entry.note ?? '' }) });
      },
    };
  }

  private closedNotice(event: StoredEvent): BotMessage {
    const n = event.number;
    const text = t('resident.closedNotice', { number: n, result: event.result ?? '' });
    const buttons = [
      { label: t('resident.button.satisfied'), command: `满意 ${n}`, style: 'primary' as const },
      { label: t('resident.button.basically'), command: `基本满意 ${n}` },
      { label: t('resident.button.unsatisfied'), command: `不满意 ${n}`, style: 'danger' as const },
    ];
    return { text, card: { title: t('event.card.title', { number: n, state: t(`event.state.${event.state}` as TextKey) }), lines: [text], buttons } };
  }

  private async tell(tx: Tx<ResidentsRepos>, event: StoredEvent, entry: TimelineEntry, message: BotMessage): Promise<void> {
    const report = await tx.repos.residents.reportOf(event.id);
    if (!report) return;
    const identity = await tx.repos.residents.identityOf(report.residentId, { memberId: entry.actorId, purpose: 'close_notice', eventNumber: event.number, now: tx.now });
    const mention = identity && identity.channel === report.channel ? { mentionUserIds: [identity.userId] } : {};
    new Notifier(tx).conversation(report.channel, report.conversationId, { ...message, ...mention });
  }

  /** 回访 by a handler: recorded on the timeline and in 群众满意率; the state does not change. */
  async followup(tx: Tx<ResidentsRepos>, member: Member, number: string, method: FollowupMethod, rating: EventRating, note: string | null): Promise<StoredEvent> {
    const event = await this.events.load(tx, number);
    if (!(await this.mayFollowUp(tx, member, event))) throw new SessionError('followup.notAllowed', { number });
    if (event.state !== 'closed' && event.state !== 'rated' && event.state !== 'settled_on_spot') throw new SessionError('followup.notClosed', { number, state: this.stateName(event) });
    await tx.repos.residents.addFollowup({ eventId: event.id, eventNumber: event.number, gridUnitId: event.gridUnitId, memberId: member.id, method, rating, note, at: tx.now });
    const label = `${t(`followup.method.${method}` as TextKey)} ${t(`event.rating.${rating}` as TextKey)}`;
    await this.events.annotate(tx, event, 'followup', member.id, note ? `${label}：${note}` : label);
    return event;
  }

  /** The grid's workers and leaders, the unit that closed it, and those above. */
  private async mayFollowUp(tx: Tx<ResidentsRepos>, member: Member, event: StoredEvent): Promise<boolean> {
    const grid = await tx.repos.org.unit(event.gridUnitId);
    if (grid && hasAuthority(member, grid.path, 'gridworker')) return true;
    const closer = event.closedBy ? await tx.repos.org.unit(event.closedBy.unitId) : null;
    return Boolean(closer && hasAuthority(member, closer.path, LEADER_ROLE[closer.level]));
  }

  /** Forgets identities past the retention (settings, days) whose reports are all done. */
  async purge(tx: Tx<ResidentsRepos>): Promise<number> {
    const days = (await tx.repos.settings.get<number>(RETENTION_SETTING)) ?? DEFAULT_RETENTION_DAYS;
    return tx.repos.residents.purgeIdle(new Date(tx.now.getTime() - days * 86400_000), OPEN_EVENT_STATES, tx.now);
  }
}
