/**
 * The conversation: from one Inbound to the replies and notifications it causes, all inside the
 * transaction the jobs layer opened for it. Knows nothing of DingTalk or WeCom.
 */
import type { Logger } from '../log';
import { topRole, type Member, type OrgUnit } from '../domain/org/org';
import { containsPersonalData } from '../domain/privacy/personal-data';
import type { Inbound } from './inbound';
import { cardToText, type BotMessage } from './message';
import type { CoreRepos, Tx } from './ports';
import { Notifier } from './notify';
import { SessionError } from './errors';
import { t } from './texts';
import { CommandRegistry, UsageError, authorizeOn, mayUse, type Command, type CommandContext } from './commands/framework';
import { firstWord, listWords, understand, type Suggestion, type Understanding } from './commands/understand';
import { DEFAULT_DIALOG_TTL_MS, dialogKey, type DialogHandler } from './dialogs/dialog';
import { TimerRegistry, type TimerHandler } from './timers';
import { helpCommand } from './commands/help';
import { collectSchedules, type ScheduleDeclaration } from './schedules/registry';

export const MAX_TEXT_LENGTH = 2000;

/** Handles a message with no command (a photo, a location) when no dialog is open; true if it did. */
export type AttachmentHandler<R extends CoreRepos = CoreRepos> = (ctx: CommandContext<R>) => Promise<boolean>;

/** Words an area's typed refusal (a service's refusal error) for the user; null when it is not one of its own. */
export type RefusalWording = (err: unknown) => string | null;

/** What one area (org, events, tasks …) contributes to the bot. */
export interface BotModule<R extends CoreRepos = CoreRepos> {
  commands?: Command<R>[];
  dialogs?: DialogHandler<R>[];
  timers?: TimerHandler<R>[];
  attachmentHandlers?: AttachmentHandler<R>[];
  /** Periodic work this area fires (one BullMQ job scheduler each; see src/jobs/schedules.ts). */
  schedules?: ScheduleDeclaration[];
  /** How this area's services' refusals read (services return codes, never chat text). */
  refusals?: RefusalWording;
  /**
   * Conversations an area speaks in on its own terms (a residents' group): asked first; one that
   * returns a name (or '' for "handled, silently") takes the message and normal routing is skipped.
   */
  interceptors?: ConversationInterceptor<R>[];
}

/** Claims a message before routing: its handled name, '' for handled without a name, null to pass. */
export type ConversationInterceptor<R extends CoreRepos = CoreRepos> = (ctx: CommandContext<R>, text: string) => Promise<string | null>;

export interface HandleResult {
  memberId: number | null;
  command: string | null;
}

const CANCEL_WORDS = new Set(['取消', '退出', 'cancel']);
/** How much of a message a suggestion or offer button carries back (a few hundred bytes on every platform). */
const MAX_BUTTON_TEXT = 200;

/** The sender may not use this command at all (role or binding). */
class NotPermittedError extends SessionError {
  override name = 'NotPermittedError';
}

/** An unknown command: at most three likely commands as buttons, not the whole list. */
function suggestions(word: string, found: Suggestion[]): BotMessage {
  if (found.length === 0) return { text: [t('error.unknownCommand', { word }), t('help.footer')].join('\n') };
  const title = t('understand.suggest', { word });
  const card = { title, buttons: found.map((s) => ({ label: s.command.name, command: [...s.line].slice(0, MAX_BUTTON_TEXT).join('') })) };
  return { text: cardToText(card), card };
}

/** A problem described to the bot: offered as a report, filed only when the button is pressed. */
function offerReport(text: string, reportCommand: string): BotMessage {
  const card = {
    title: t('understand.offer.title'),
    lines: [t('understand.offer.line', { text }), t('understand.offer.hint')],
    buttons: [
      // A button carries its command to the platform and back: keep it within every platform's limit.
      { label: t('understand.offer.report'), command: `${reportCommand} ${[...text].slice(0, MAX_BUTTON_TEXT).join('')}`, style: 'primary' as const },
      { label: t('understand.offer.dismiss'), command: listWords('input.dismiss')[0] ?? '' },
    ],
  };
  return { text: cardToText(card), card };
}

/** Characters that show nothing: zero-width spaces and joiners, the BOM, soft hyphens. */
const INVISIBLE = /[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]/g;

/** The text as the user sees it: invisible characters out, white space (full-width too) trimmed. */
function visibleText(raw: string): string {
  return raw.replace(INVISIBLE, '').trim();
}

/** The last reply with a line telling the sender to send personal data 1:1 next time. */
function withPrivacyHint(message: BotMessage): BotMessage {
  const hint = t('privacy.groupHint');
  return {
    ...message,
    text: message.text ? `${message.text}\n${hint}` : message.text,
    ...(message.card ? { card: { ...message.card, lines: [...(message.card.lines ?? []), hint] } } : {}),
  };
}

export class Bot<R extends CoreRepos = CoreRepos> {
  readonly commands = new CommandRegistry<R>();
  readonly timers = new TimerRegistry<R>();
  readonly schedules: ScheduleDeclaration[];
  private readonly dialogs = new Map<string, DialogHandler<R>>();
  private readonly attachmentHandlers: AttachmentHandler<R>[] = [];
  private readonly refusals: RefusalWording[] = [];
  private readonly interceptors: ConversationInterceptor<R>[] = [];

  constructor(
    modules: BotModule<R>[],
    private readonly logger: Logger,
  ) {
    this.commands.register(helpCommand(this.commands));
    this.schedules = collectSchedules(modules);
    for (const m of modules) {
      this.commands.register(...(m.commands ?? []));
      this.timers.register(...(m.timers ?? []));
      for (const d of m.dialogs ?? []) this.dialogs.set(d.kind, d);
      this.attachmentHandlers.push(...(m.attachmentHandlers ?? []));
      if (m.refusals) this.refusals.push(m.refusals);
      this.interceptors.push(...(m.interceptors ?? []));
    }
  }

  async handle(inbound: Inbound, tx: Tx<R>): Promise<HandleResult> {
    const user = { channel: inbound.channel, platformUserId: inbound.sender.id };
    const member = await tx.repos.org.memberByChannelUser(user);
    if (member) await tx.repos.org.touchChannelUser(user, tx.now, inbound.sender.name);
    // Only groups are bound to a unit (绑定群 is a group command): a 1:1 message asks nothing more.
    const conversationUnit = inbound.conversation.kind === 'group' ? await tx.repos.org.unitOfConversation(inbound.channel, inbound.conversation.id) : null;
    const replies: BotMessage[] = [];
    const ctx = this.context(inbound, tx, member, conversationUnit, replies);
    const text = visibleText(inbound.text);
    let commandName: string | null = null;
    try {
      let claimed: string | null = null;
      for (const intercept of this.interceptors) if ((claimed = await intercept(ctx, text)) !== null) break;
      commandName = claimed !== null ? claimed || null : await this.route(ctx, text);
    } catch (err) {
      const refusal = this.refusalText(err);
      if (refusal === null) throw err;
      ctx.reply(refusal);
    }
    // Personal data typed into a group is masked on the way out; the sender learns to use 1:1.
    if (inbound.conversation.kind === 'group' && replies.length && containsPersonalData(text)) replies.push(withPrivacyHint(replies.pop()!));
    this.flushReplies(ctx, replies);
    return { memberId: member?.id ?? null, command: commandName };
  }

  private async route(ctx: CommandContext<R>, text: string): Promise<string | null> {
    const { inbound } = ctx;
    if (text.length > MAX_TEXT_LENGTH) throw new SessionError('error.tooLong', { max: MAX_TEXT_LENGTH });
    const key = this.dialogKeyOf(inbound);
    const dialog = await ctx.repos.dialogs.get(key, ctx.now);
    // In a group, only a message that @-mentions the bot is spoken to it; 1:1 always is.
    const addressed = inbound.conversation.kind === 'direct' || inbound.mentionedBot;
    const handler = dialog && addressed ? this.dialogs.get(dialog.kind) : undefined;

    if (dialog && addressed && CANCEL_WORDS.has(text)) {
      await ctx.repos.dialogs.clear(key);
      ctx.reply(t('common.cancelled'));
      return null;
    }
    const understood = understand(this.withQuote(inbound, text), this.commands, { addressed, inDialog: Boolean(handler), mayUse: (c) => mayUse(c, ctx.member) });
    if (dialog && addressed && understood.kind !== 'command') {
      if (handler) {
        this.push(ctx, await handler.step(ctx, dialog));
        return `dialog:${dialog.kind}`;
      }
      await ctx.repos.dialogs.clear(key);
    }
    if (!text) {
      // A photo or a location shared in a group without addressing the bot is not for it.
      if (!addressed) return null;
      for (const handle of this.attachmentHandlers) if (await handle(ctx)) return null;
      // Only blanks (a full-width space, a zero-width one): say so, the same for every kind of blank.
      if (!inbound.attachments.length && inbound.text.length) ctx.reply(t('error.emptyText'));
      return null;
    }
    if (understood.kind === 'ignore') return null;
    if (understood.kind !== 'command') {
      ctx.reply(this.answerUnread(understood, text, ctx.member));
      return null;
    }
    const { command, rest } = understood.match;
    if (dialog) await ctx.repos.dialogs.clear(key);
    try {
      await this.runCommand(ctx, command, rest);
    } catch (err) {
      // Chatter that began like a command, in a group that did not address the bot: stay silent.
      if (!addressed && (err instanceof UsageError || err instanceof NotPermittedError)) return null;
      throw err;
    }
    return command.name;
  }

  /** A message to the bot that is no command: a report offer, suggestions, or what an unbound sender can do. */
  private answerUnread(understood: Extract<Understanding, { kind: 'offerReport' | 'unknown' }>, text: string, member: Member | null): BotMessage | string {
    if (!member) return t('help.introUnbound');
    if (listWords('input.dismiss').includes(text)) return t('understand.dismissed');
    if (understood.kind === 'unknown') return suggestions(understood.word, understood.suggestions);
    // Offered only to someone who may file it (上报's declared access).
    const report = this.commands.all.find((c) => c.id === 'report');
    return report && mayUse(report, member) ? offerReport(understood.text, report.name) : suggestions(firstWord(text), []);
  }

  /**
   * A bare command (or `收到`) that quotes one of the bot's cards is about that card's item: the
   * item's number is taken from the quoted text and added to the command.
   */
  private withQuote(inbound: Inbound, text: string): string {
    const quoted = inbound.quoted?.text;
    if (!quoted) return text;
    const task = /\bT\d{8}-\d{4,6}\b/i.exec(quoted)?.[0];
    const event = /\bSJ\d{8}-\d{4,6}\b/i.exec(quoted)?.[0];
    if (task && listWords('input.acknowledge').includes(text.replace(/[。！!，,\s]+$/, ''))) return `${this.commandNameFor('acceptTask')} ${task}`;
    const match = this.commands.match(text);
    if (!match || match.rest) return text;
    if (match.command.subject === 'task' && task) return `${match.command.name} ${task}`;
    if (match.command.subject === 'event' && event) return `${match.command.name} ${event}`;
    return text;
  }

  private commandNameFor(id: string): string {
    return this.commands.all.find((c) => c.id === id)?.name ?? id;
  }

  private async runCommand(ctx: CommandContext<R>, command: Command<R>, rest: string): Promise<void> {
    if (!mayUse(command, ctx.member)) {
      throw new NotPermittedError(ctx.member ? 'error.notAllowed' : 'error.unbound', { command: command.name });
    }
    if (command.where === 'group' && ctx.inbound.conversation.kind !== 'group') throw new SessionError('error.groupOnly', { command: command.name });
    if (command.where === 'direct' && ctx.inbound.conversation.kind !== 'direct') throw new SessionError('error.directOnly', { command: command.name });
    this.push(ctx, await command.execute(ctx, rest));
  }

  /** A user's mistake or a service's refusal, worded; null for a fault (which is thrown on). */
  private refusalText(err: unknown): string | null {
    if (err instanceof SessionError) return err.toText();
    for (const word of this.refusals) {
      const text = word(err);
      if (text !== null) return text;
    }
    return null;
  }

  private push(ctx: CommandContext<R>, result: BotMessage | string | void): void {
    if (result !== undefined) ctx.reply(result);
  }

  private context(inbound: Inbound, tx: Tx<R>, member: Member | null, conversationUnit: OrgUnit | null, replies: BotMessage[]): CommandContext<R> {
    const key = this.dialogKeyOf(inbound);
    return {
      tx,
      now: tx.now,
      repos: tx.repos,
      inbound,
      member,
      conversationUnit,
      notify: new Notifier(tx),
      dialog: {
        start: (kind, data, ttlMs = DEFAULT_DIALOG_TTL_MS) =>
          tx.repos.dialogs.put(key, { kind, data, expiresAt: new Date(tx.now.getTime() + ttlMs) }, tx.now),
        clear: () => tx.repos.dialogs.clear(key),
      },
      reply: (message) => replies.push(typeof message === 'string' ? { text: message } : message),
      requireMember: () => {
        if (!member) throw new SessionError('error.unbound', { command: inbound.text.split(/\s+/, 1)[0] ?? '' });
        return member;
      },
      authorize: (unit, minRole) => {
        if (!member) throw new SessionError('error.unbound', { command: inbound.text.split(/\s+/, 1)[0] ?? '' });
        authorizeOn(member, unit, minRole, inbound.text.split(/\s+/, 1)[0] ?? '');
      },
    };
  }

  /** Replies go back into the conversation, the sender @-mentioned in a group. */
  private flushReplies(ctx: CommandContext<R>, replies: BotMessage[]): void {
    const { inbound } = ctx;
    for (const message of replies) {
      const text = message.card && !message.text ? cardToText(message.card) : message.text;
      const mention = inbound.conversation.kind === 'group' ? { mentionUserIds: [...(message.mentionUserIds ?? []), inbound.sender.id] } : {};
      ctx.notify.reply(inbound, { ...message, text, ...mention });
    }
  }

  private dialogKeyOf(inbound: Inbound): string {
    return dialogKey(inbound.channel, inbound.conversation.id, inbound.sender.id);
  }

  /** For logs: who the member is, without personal data. */
  describe(member: Member | null): string {
    return member ? `member#${member.id}/${topRole(member) ?? 'none'}` : 'unbound';
  }
}
