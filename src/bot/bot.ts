/**
 * The conversation: from one Inbound to the replies and notifications it causes, all inside the
 * transaction the jobs layer opened for it. Knows nothing of DingTalk or WeCom.
 */
import type { Logger } from '../log';
import { topRole, type Member, type OrgUnit } from '../domain/org/org';
import type { Inbound } from './inbound';
import { cardToText, type BotMessage } from './message';
import type { CoreRepos, Tx } from './ports';
import { Notifier } from './notify';
import { SessionError } from './errors';
import { t } from './texts';
import { CommandRegistry, authorizeOn, mayUse, type Command, type CommandContext } from './commands/framework';
import { DEFAULT_DIALOG_TTL_MS, dialogKey, type DialogHandler } from './dialogs/dialog';
import { TimerRegistry, type TimerHandler } from './timers';
import { helpCommand, shortHelp } from './commands/help';
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
}

export interface HandleResult {
  memberId: number | null;
  command: string | null;
}

const CANCEL_WORDS = new Set(['取消', '退出', 'cancel']);

export class Bot<R extends CoreRepos = CoreRepos> {
  readonly commands = new CommandRegistry<R>();
  readonly timers = new TimerRegistry<R>();
  readonly schedules: ScheduleDeclaration[];
  private readonly dialogs = new Map<string, DialogHandler<R>>();
  private readonly attachmentHandlers: AttachmentHandler<R>[] = [];
  private readonly refusals: RefusalWording[] = [];

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
    }
  }

  async handle(inbound: Inbound, tx: Tx<R>): Promise<HandleResult> {
    const user = { channel: inbound.channel, platformUserId: inbound.sender.id };
    const member = await tx.repos.org.memberByChannelUser(user);
    if (member) await tx.repos.org.touchChannelUser(user, tx.now, inbound.sender.name);
    const conversationUnit = await tx.repos.org.unitOfConversation(inbound.channel, inbound.conversation.id);
    const replies: BotMessage[] = [];
    const ctx = this.context(inbound, tx, member, conversationUnit, replies);
    const text = inbound.text.trim();
    let commandName: string | null = null;
    try {
      commandName = await this.route(ctx, text);
    } catch (err) {
      const refusal = this.refusalText(err);
      if (refusal === null) throw err;
      ctx.reply(refusal);
    }
    this.flushReplies(ctx, replies);
    return { memberId: member?.id ?? null, command: commandName };
  }

  private async route(ctx: CommandContext<R>, text: string): Promise<string | null> {
    const { inbound } = ctx;
    if (text.length > MAX_TEXT_LENGTH) throw new SessionError('error.tooLong', { max: MAX_TEXT_LENGTH });
    const firstWord = text.split(/\s+/, 1)[0] ?? '';
    const command = firstWord ? this.commands.find(firstWord) : undefined;
    const key = this.dialogKeyOf(inbound);
    const dialog = await ctx.repos.dialogs.get(key, ctx.now);

    if (dialog && CANCEL_WORDS.has(text)) {
      await ctx.repos.dialogs.clear(key);
      ctx.reply(t('common.cancelled'));
      return null;
    }
    if (dialog && !command) {
      const handler = this.dialogs.get(dialog.kind);
      if (handler) {
        this.push(ctx, await handler.step(ctx, dialog));
        return `dialog:${dialog.kind}`;
      }
      await ctx.repos.dialogs.clear(key);
    }
    if (!text) {
      for (const handle of this.attachmentHandlers) if (await handle(ctx)) return null;
      return null;
    }
    if (!command) {
      // In a group, chatter that does not address the bot is not ours to answer.
      if (inbound.conversation.kind === 'group' && !inbound.mentionedBot) return null;
      ctx.reply([t('error.unknownCommand', { word: firstWord }), shortHelp(this.commands, ctx.member)].join('\n'));
      return null;
    }
    if (dialog) await ctx.repos.dialogs.clear(key);
    await this.runCommand(ctx, command, text.slice(firstWord.length));
    return command.name;
  }

  private async runCommand(ctx: CommandContext<R>, command: Command<R>, rest: string): Promise<void> {
    if (!mayUse(command, ctx.member)) {
      throw new SessionError(ctx.member ? 'error.notAllowed' : 'error.unbound', { command: command.name });
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
      ctx.notify.conversation(inbound.channel, inbound.conversation.id, { ...message, text, ...mention }, inbound.replyContext);
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
