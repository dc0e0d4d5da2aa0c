/**
 * The guided report (category → description → location → photos → urgency), the duplicate
 * question, the "one more thing" prompt of buttons that need a reason, and the attachment
 * handler that adds photos and locations to the sender's open report. Dialog state lives in the
 * database with a TTL: a report abandoned or timed out leaves nothing behind.
 */
import { z } from 'zod';
import { findLikelyDuplicates, isOpenEvent, parseEventNumber, resolveCategory, formatCategory, type CategoryRef, type EventUrgency } from '../../domain/event';
import { imageRefs, type Attachment } from '../inbound';
import type { AttachmentHandler } from '../bot';
import type { BotMessage } from '../message';
import { inputWords, type Command, type CommandContext } from '../commands/framework';
import { listWords } from '../commands/understand';
import type { DialogHandler } from '../dialogs/dialog';
import { SessionError } from '../errors';
import { t } from '../texts';
import { eventMessage, formatAt } from './cards';
import { MORE_DIALOG, audienceOf, catalogueLines, loadCatalogue, takeUrgency, type ReportFlow } from './commands';
import { ATTACH_WINDOW_MS, type EventService } from './service';
import type { EventsRepos } from './ports';

export const REPORT_DIALOG = 'event.report';
export const DUPLICATE_DIALOG = 'event.duplicate';
const DUPLICATE_WINDOW_DAYS = 7;
const MAX_PHOTOS = 9;

const categorySchema = z.object({ category: z.string(), item: z.string().nullable() });
const draftSchema = z.object({
  step: z.enum(['category', 'description', 'location', 'photos', 'urgency']),
  gridUnitId: z.number().int(),
  category: categorySchema.optional(),
  suggestion: categorySchema.optional(),
  description: z.string().optional(),
  location: z.string().nullable().optional(),
  attachments: z.array(z.string()).default([]),
  urgency: z.enum(['normal', 'urgent', 'major']).optional(),
});
type Draft = z.infer<typeof draftSchema>;

const readyDraftSchema = z.object({
  gridUnitId: z.number().int(),
  category: categorySchema,
  description: z.string(),
  location: z.string().nullable(),
  attachments: z.array(z.string()),
  urgency: z.enum(['normal', 'urgent', 'major']),
});
type ReadyDraft = z.infer<typeof readyDraftSchema>;

const STEPS = ['category', 'description', 'location', 'photos', 'urgency'] as const;
/** Answers a dialog understands, from the catalogue's input words (a deployer may change them). */
const answers = (key: 'input.skip' | 'input.done' | 'input.yes' | 'input.reportAnyway') => new Set(listWords(key));


export function locationText(attachments: readonly Attachment[]): string | null {
  const loc = attachments.find((a) => a.kind === 'location');
  if (!loc || loc.kind !== 'location') return null;
  const coords = `${loc.latitude.toFixed(5)},${loc.longitude.toFixed(5)}`;
  return loc.label ? `${loc.label}（${coords}）` : coords;
}

export function createReportFlow(service: EventService): ReportFlow & { dialogs: DialogHandler<EventsRepos>[]; attachmentHandler: AttachmentHandler<EventsRepos>; more(commands: Command<EventsRepos>[]): DialogHandler<EventsRepos> } {
  const prompt = async (ctx: CommandContext<EventsRepos>, draft: Draft): Promise<string> => {
    await ctx.dialog.start(REPORT_DIALOG, draft);
    const categories = catalogueLines(await loadCatalogue(ctx.repos));
    switch (draft.step) {
      case 'category':
        return draft.suggestion ? t('event.dialog.categorySuggest', { suggestion: formatCategory(draft.suggestion), categories }) : t('event.dialog.category', { categories });
      case 'description':
        return t('event.dialog.description');
      case 'location':
        return t('event.dialog.location');
      case 'photos':
        return t('event.dialog.photos');
      case 'urgency':
        return t('event.dialog.urgency');
    }
  };

  /** The next step after `from` that still lacks an answer; photos are always offered once. */
  const nextStep = (draft: Draft, from: number): Draft['step'] | null => {
    const needed: Record<Draft['step'], boolean> = {
      category: !draft.category,
      description: !draft.description,
      location: draft.location === undefined,
      photos: true,
      urgency: draft.urgency === undefined,
    };
    return STEPS.slice(from).find((step) => needed[step]) ?? null;
  };

  const file = async (ctx: CommandContext<EventsRepos>, ready: ReadyDraft): Promise<BotMessage | string> => {
    const recent = await ctx.repos.events.openSimilarCandidates(ready.gridUnitId, ready.category.category, new Date(ctx.now.getTime() - DUPLICATE_WINDOW_DAYS * 86400_000));
    const duplicates = findLikelyDuplicates({ ...ready, reportedAt: ctx.now }, recent, { withinDays: DUPLICATE_WINDOW_DAYS });
    if (duplicates.length) {
      await ctx.dialog.start(DUPLICATE_DIALOG, ready);
      const lines = duplicates.map((d) =>
        t('event.card.duplicateLine', { number: d.event.number, description: d.event.description, state: t(`event.state.${d.event.state}`), at: formatAt(d.event.reportedAt, ctx.tx.calendar) }),
      );
      return {
        text: [t('event.card.duplicateHint'), ...lines].join('\n'),
        card: {
          title: t('event.card.duplicateHint'),
          lines,
          buttons: [
            ...duplicates.map((d) => ({ label: t('event.button.attach', { number: d.event.number }), command: `${listWords('input.merge')[0]} ${d.event.number}` })),
            { label: t('event.button.reportAnyway'), command: listWords('input.reportAnyway')[0], style: 'primary' as const },
          ],
        },
      };
    }
    return create(ctx, ready);
  };

  const create = async (ctx: CommandContext<EventsRepos>, ready: ReadyDraft): Promise<BotMessage> => {
    const member = ctx.requireMember();
    const event = await service.report(ctx.tx, member, ready);
    const handlers = await service.handlersOf(ctx.tx, event.gridUnitId);
    const grid = await service.unitOf(ctx.tx, event.gridUnitId);
    const headline = handlers.length
      ? t('event.reported', { number: event.number, handlers: handlers.map((h) => h.name).join('、') })
      : t('event.reportedNobody', { number: event.number, unit: grid.name });
    return eventMessage(ctx.tx, service, event, audienceOf(ctx), headline);
  };

  const begin: ReportFlow['begin'] = async (ctx, start) => {
    const draft: Draft = { step: 'category', attachments: [], ...start };
    return prompt(ctx, { ...draft, step: nextStep(draft, 0) ?? 'urgency' });
  };

  const reportDialog: DialogHandler<EventsRepos> = {
    kind: REPORT_DIALOG,
    async step(ctx, state) {
      const parsed = draftSchema.safeParse(state.data);
      if (!parsed.success) {
        await ctx.dialog.clear();
        return t('common.cancelled');
      }
      const draft = parsed.data;
      const text = ctx.inbound.text.trim();
      const attachments = ctx.inbound.attachments;
      switch (draft.step) {
        case 'category': {
          if (!text) return t('event.dialog.needText');
          const catalogue = await loadCatalogue(ctx.repos);
          const chosen: CategoryRef | null = answers('input.yes').has(text.toLowerCase()) && draft.suggestion ? draft.suggestion : resolveCategory(text, catalogue);
          if (!chosen) return t('event.dialog.badCategory', { text, categories: catalogueLines(catalogue) });
          draft.category = chosen;
          break;
        }
        case 'description': {
          if (!text) return t('event.dialog.needText');
          const taken = takeUrgency(text.split(/\s+/));
          draft.description = taken.words.join(' ');
          if (taken.urgency !== 'normal') draft.urgency = taken.urgency;
          break;
        }
        case 'location': {
          const fromMessage = locationText(attachments);
          draft.attachments.push(...imageRefs(attachments));
          if (fromMessage) draft.location = text ? `${text} ${fromMessage}` : fromMessage;
          else if (!text) return t('event.dialog.location');
          else draft.location = answers('input.skip').has(text) ? null : text;
          break;
        }
        case 'photos': {
          const photos = imageRefs(attachments);
          const loc = locationText(attachments);
          if (loc && !draft.location) draft.location = loc;
          if (photos.length || (loc && !text)) {
            draft.attachments = [...draft.attachments, ...photos].slice(0, MAX_PHOTOS);
            await ctx.dialog.start(REPORT_DIALOG, draft);
            return t('event.dialog.photoAdded', { count: draft.attachments.length });
          }
          if (!answers('input.done').has(text)) return t('event.dialog.photos');
          break;
        }
        case 'urgency': {
          const urgency = inputWords('input.urgency').get(text) as EventUrgency | undefined;
          if (!urgency) return t('event.dialog.badUrgency');
          draft.urgency = urgency;
          break;
        }
      }
      const next = nextStep(draft, STEPS.indexOf(draft.step) + 1);
      if (next) return prompt(ctx, { ...draft, step: next });
      await ctx.dialog.clear();
      return file(ctx, {
        gridUnitId: draft.gridUnitId,
        category: draft.category!,
        description: draft.description!,
        location: draft.location ?? null,
        attachments: draft.attachments,
        urgency: draft.urgency ?? 'normal',
      });
    },
  };

  const duplicateDialog: DialogHandler<EventsRepos> = {
    kind: DUPLICATE_DIALOG,
    async step(ctx, state) {
      const ready = readyDraftSchema.safeParse(state.data);
      await ctx.dialog.clear();
      if (!ready.success) return t('event.noDraft');
      const text = ctx.inbound.text.trim();
      if (answers('input.reportAnyway').has(text)) return create(ctx, ready.data);
      const [word, typed, ...extra] = text.split(/\s+/);
      const number = listWords('input.merge').includes(word) && typed && extra.length === 0 ? parseEventNumber(typed) : null;
      if (!number) {
        await ctx.dialog.start(DUPLICATE_DIALOG, ready.data);
        return t('event.card.duplicateHint');
      }
      const member = ctx.requireMember();
      const event = await ctx.repos.events.byNumber(number);
      const recentEnough = event && event.gridUnitId === ready.data.gridUnitId && isOpenEvent(event);
      if (!event || !recentEnough) throw new SessionError('event.attachNotDuplicate', { number });
      await service.attachReport(ctx.tx, member, event, ready.data.description + (ready.data.location ? `（${ready.data.location}）` : ''), ready.data.attachments);
      return t('event.attached', { number });
    },
  };

  const more = (commands: Command<EventsRepos>[]): DialogHandler<EventsRepos> => ({
    kind: MORE_DIALOG,
    async step(ctx, state) {
      const command = typeof state.data.command === 'string' ? state.data.command : '';
      const text = ctx.inbound.text.trim();
      if (!text) return t('event.dialog.needText');
      await ctx.dialog.clear();
      const [word, ...args] = command.split(' ');
      const target = commands.find((c) => c.name === word);
      if (!target) return t('common.cancelled');
      return target.execute(ctx, `${args.join(' ')} ${text}`);
    },
  });

  /** Photos and locations sent after a report (not in a dialog) attach to it for a while. */
  const attachmentHandler: AttachmentHandler<EventsRepos> = async (ctx) => {
    if (!ctx.member || ctx.inbound.attachments.length === 0) return false;
    const [latest] = await ctx.repos.events.byReporter(ctx.member.id, 1);
    if (!latest || !isOpenEvent(latest) || ctx.now.getTime() - latest.reportedAt.getTime() > ATTACH_WINDOW_MS) return false;
    const photos = imageRefs(ctx.inbound.attachments);
    const loc = locationText(ctx.inbound.attachments);
    const next = { ...latest, attachments: [...latest.attachments, ...photos], location: latest.location ?? loc };
    await ctx.repos.events.save(next, ctx.now);
    await service.annotate(ctx.tx, next, 'attach', ctx.member.id, loc, photos);
    ctx.reply(t('event.attachmentsAdded', { count: photos.length + (loc ? 1 : 0), number: latest.number }));
    return true;
  };

  return { begin, file, dialogs: [reportDialog, duplicateDialog], attachmentHandler, more };
}
