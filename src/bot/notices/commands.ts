/** The chat side of 通知 with 回执: 通知, 回执 (the card's 收到 button), 通知进度. */
import { parseNoticeNumber, type NoticeReplyKind } from '../../domain/notice/notice';
import { ROLES, type Role } from '../../domain/org/org';
import { arg, commandsOf, helpText, narrow, type ArgSpec, type Command, type CommandContext, type ParseResult } from '../commands/framework';
import { SessionError } from '../errors';
import type { Attachment } from '../inbound';
import { t, type TextKey } from '../texts';
import type { NoticesRepos } from './ports';
import { NOTICE_SENDERS, type NoticeService, type NoticeTarget } from './service';

const ROLE_WORDS = (): Map<string, Role> => new Map(ROLES.map((r) => [t(`role.${r}` as TextKey), r]));

/**
 * Whom a notice goes to: one or more of 「冯网格员」「#12」 (a member), 「01001」「阳光社区」 (a unit
 * and everything under it) or 「阳光社区的网格员」 (one role within a unit's subtree), joined by 、 or ，.
 */
function audienceArg(): ArgSpec<{ targets: NoticeTarget[]; text: string }> {
  const target = arg.target('arg.noticeAudience', 'arg.targetNotFound');
  return {
    label: 'arg.noticeAudience',
    optional: false,
    rest: false,
    async parse(raw, ctx): Promise<ParseResult<{ targets: NoticeTarget[]; text: string }>> {
      const targets: NoticeTarget[] = [];
      for (const part of raw.split(/[、,，;；]+/).filter(Boolean)) {
        const roleMatch = /^(.+)的(.+)$/.exec(part);
        const role = roleMatch ? ROLE_WORDS().get(roleMatch[2]) : undefined;
        const parsed = await target.parse(roleMatch && role ? roleMatch[1] : part, ctx);
        if (!parsed.ok) return parsed;
        if (role) {
          if (parsed.value.kind !== 'unit') return { ok: false, reason: '', key: 'notice.err.roleOfMember', params: { target: part } };
          targets.push({ kind: 'role', unit: parsed.value.unit, role });
          continue;
        }
        targets.push(parsed.value.kind === 'unit' ? { kind: 'unit', unit: parsed.value.unit } : { kind: 'member', memberId: parsed.value.member.id });
      }
      return targets.length ? { ok: true, value: { targets, text: raw } } : { ok: false, reason: t('arg.notInList', { values: t('arg.noticeAudience') }) };
    },
  };
}

/** Files sent with the notice (a photo, a document): their links, as the channel gave them. */
function attachmentRefs(attachments: readonly Attachment[]): string[] {
  return attachments.flatMap((a) => {
    if (a.kind === 'location') return [];
    const ref = a.url ?? (a.mediaId ? `media:${a.mediaId}` : '');
    return ref ? [ref] : [];
  });
}

export function noticeCommands<R extends NoticesRepos>(service: NoticeService<R>): Command<R>[] {
  const defineCommand = commandsOf<R>();

  /** The notice a 回执 is about: the number typed, the one in a quoted card, or the sender's only pending notice. */
  async function pickNotice(ctx: CommandContext<R>, memberId: number, text: string): Promise<{ number: string; rest: string }> {
    const [first = '', ...others] = text.trim().split(/\s+/).filter(Boolean);
    const typed = parseNoticeNumber(narrow(first));
    if (typed) return { number: typed, rest: text.trim().slice(first.length).trim() || others.join(' ') };
    const quoted = /\bTZ\d{8}-\d{4,6}\b/i.exec(ctx.inbound.quoted?.text ?? '')?.[0];
    if (quoted) return { number: parseNoticeNumber(quoted)!, rest: text.trim() };
    const pending = await ctx.repos.notices.pendingFor(memberId, 2);
    if (pending.length === 1) return { number: pending[0].number, rest: text.trim() };
    if (!pending.length) throw new SessionError('notice.err.nonePending');
    throw new SessionError('notice.err.needNumber', { example: helpText('confirmNotice', 'example'), count: pending.length });
  }

  return [
    defineCommand({
      id: 'sendNotice',
      name: '通知',
      access: NOTICE_SENDERS,
      args: {
        audience: audienceArg(),
        deadline: arg.maybe(arg.deadline('arg.noticeDeadline')),
        reply: arg.flag<NoticeReplyKind>('arg.noticeReply', 'input.noticeReply', 'ack'),
        visibility: arg.flag<'internal' | 'public'>('arg.noticePublic', 'input.noticePublic', 'internal'),
        body: arg.text('arg.noticeBody'),
      },
      async run(ctx, { audience, deadline, reply, visibility, body }) {
        const sender = ctx.requireMember();
        const { notice, receipts } = await service.send(ctx.tx, sender, {
          targets: audience.targets,
          audience: audience.text,
          body,
          deadline: deadline?.deadline ?? null,
          replyKind: reply,
          isPublic: visibility === 'public',
          attachments: attachmentRefs(ctx.inbound.attachments),
        });
        const lines = [t('notice.sent', { number: notice.number, count: receipts.length })];
        if (notice.deadline) lines.push(t('notice.sent.deadline', { deadline: ctx.tx.calendar.formatMoment(notice.deadline, ctx.now) }));
        if (notice.isPublic) lines.push(t('notice.sent.public'));
        lines.push(t('notice.sent.progress', { number: notice.number }));
        return lines.join('\n');
      },
    }),
    defineCommand({
      id: 'confirmNotice',
      // Not 「收到」: in a group that word is everyday chatter; the card's 收到 button sends 回执.
      name: '回执',
      access: 'member',
      args: { text: arg.optional(arg.text('arg.noticeReceipt')) },
      async run(ctx, { text }) {
        const member = ctx.requireMember();
        const { number, rest } = await pickNotice(ctx, member.id, text ?? '');
        const { receipt } = await service.confirm(ctx.tx, member, number, rest);
        return receipt.reply ? t('notice.confirmed.reply', { number, reply: receipt.reply }) : t('notice.confirmed', { number });
      },
    }),
    defineCommand({
      id: 'noticeProgress',
      name: '通知进度',
      access: NOTICE_SENDERS,
      args: { number: noticeNumberArg() },
      async run(ctx, { number }) {
        return service.progress(ctx.tx, ctx.requireMember(), number);
      },
    }),
  ];
}

function noticeNumberArg(): ArgSpec<string> {
  return {
    label: 'arg.noticeNumber',
    optional: false,
    rest: false,
    parse: (raw) => {
      const n = parseNoticeNumber(narrow(raw));
      return n ? { ok: true, value: n } : { ok: false, reason: t('arg.noticeNumberBad') };
    },
  };
}
