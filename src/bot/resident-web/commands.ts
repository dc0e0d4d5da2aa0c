/**
 * 联系卡 (the grid's QR card as a PNG), 无效 / 骚扰 (silence the device behind a resident's report),
 * 解除无效, and 公开 (the public account of a grid or community, posted to its residents' groups).
 */
import { arg, commandsOf, type ArgSpec, type CommandContext } from '../commands/framework';
import { SessionError } from '../errors';
import { t, type TextKey } from '../texts';
import { issueFileLink, fileLinkUrl } from '../files';
import { parsePeriod, type AssessmentPeriod } from '../../domain/assessment/period';
import type { OrgUnit } from '../../domain/org/org';
import type { ResidentWebRepos } from './ports';
import type { ResidentWebService } from './service';
import { publicAccountMessage, type ResidentGroups } from './public-account';

export const CONTACT_CARD_FILE = 'contact-card';
/** A card is printed and posted; its file link only needs to last until it is downloaded. */
const CARD_LINK_MS = 7 * 86_400_000;

export const residentPageUrl = (baseUrl: string | null, gridCode: string): string => `${(baseUrl ?? '').replace(/\/$/, '')}/r/${encodeURIComponent(gridCode)}`;
export const publicPageUrl = (baseUrl: string | null, unitCode: string): string => `${(baseUrl ?? '').replace(/\/$/, '')}/public/${encodeURIComponent(unitCode)}`;

const period = (): ArgSpec<AssessmentPeriod> => ({
  label: 'arg.publicPeriod',
  optional: false,
  rest: false,
  parse: (raw, ctx) => {
    const p = parsePeriod(raw, ctx.now, ctx.tx.calendar.timeZone);
    return p && p.kind === 'month' ? { ok: true, value: p } : { ok: false, reason: t('public.badPeriod') };
  },
});

export function residentCommands(service: ResidentWebService, groups: ResidentGroups, baseUrl: () => string | null) {
  const define = commandsOf<ResidentWebRepos>();
  /** The unit named, or the conversation's own. */
  const unitOr = (ctx: CommandContext<ResidentWebRepos>, unit: OrgUnit | undefined, which: TextKey): OrgUnit => {
    const found = unit ?? ctx.conversationUnit;
    if (!found) throw new SessionError(which);
    return found;
  };

  const card = define({
    id: 'contactCard',
    name: '联系卡',
    aliases: ['网格联系卡', '二维码'],
    access: 'gridworker',
    args: { unit: arg.optional(arg.unit()) },
    async run(ctx, { unit }) {
      const grid = unitOr(ctx, unit, 'resident.card.which');
      if (grid.level !== 'grid') return t('resident.card.notGrid', { unit: grid.name });
      ctx.authorize(grid, 'gridworker');
      const member = ctx.requireMember();
      const link = await issueFileLink(ctx.tx, { kind: CONTACT_CARD_FILE, spec: { gridId: grid.id }, memberId: member.id, lifetimeMs: CARD_LINK_MS, once: false });
      const name = t('resident.card.fileName', { grid: grid.name });
      const url = fileLinkUrl(baseUrl(), link.token, name);
      const text = t('resident.card.text', { grid: grid.name, url, page: residentPageUrl(baseUrl(), grid.code) });
      return { text, card: { title: t('resident.card.title', { grid: grid.name }), lines: text.split('\n'), imageUrl: url }, file: { name, url, mimeType: 'image/png' } };
    },
  });

  const silence = (id: 'residentInvalid' | 'residentHarassment', name: string, kind: 'invalid' | 'harassment') =>
    define({
      id,
      name,
      access: 'gridworker',
      args: { number: arg.eventNumber() },
      async run(ctx, { number }) {
        const member = ctx.requireMember();
        const event = await ctx.repos.events.byNumber(number);
        if (!event) throw new SessionError('event.notFound', { number });
        const outcome = await service.silence(ctx.tx, member, event, kind, { channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id });
        const key = ({ silenced: 'resident.silenced', already: 'resident.silenced.already', not_resident: 'resident.silenced.notResident', not_allowed: 'resident.silenced.notAllowed' } as const)[outcome];
        return t(key, { number, kind: t(`resident.kind.${kind}`) });
      },
    });

  const restore = define({
    id: 'residentRestore',
    name: '解除无效',
    aliases: ['解除骚扰'],
    access: 'grid_head',
    args: { number: arg.eventNumber() },
    async run(ctx, { number }) {
      const member = ctx.requireMember();
      const event = await ctx.repos.events.byNumber(number);
      if (!event) throw new SessionError('event.notFound', { number });
      const outcome = await service.unsilence(ctx.tx, member, event, { channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id });
      if (outcome === 'not_resident') return t('resident.silenced.notResident', { number });
      return t(({ done: 'resident.restored', not_silenced: 'resident.restored.none', not_allowed: 'resident.restored.notAllowed' } as const)[outcome], { number });
    },
  });

  const publish = define({
    id: 'publicAccount',
    name: '公开',
    aliases: ['工作公开'],
    access: 'gridworker',
    args: { unit: arg.maybe(arg.unit()), period: arg.optional(period()) },
    async run(ctx, args) {
      const unit = unitOr(ctx, args.unit, 'public.unknownUnit');
      if (unit.level !== 'grid' && unit.level !== 'community') return t('public.unknownUnit');
      ctx.authorize(unit, 'gridworker');
      const p = args.period ?? parsePeriod('上月', ctx.now, ctx.tx.calendar.timeZone)!;
      const account = await service.publicAccount(ctx.repos, unit, p, ctx.now);
      const message = publicAccountMessage(unit, p, account, publicPageUrl(baseUrl(), unit.code), ctx.tx.calendar.timeZone);
      const targets = await groups.of(ctx.tx, unit);
      for (const g of targets) ctx.notify.conversation(g.channel, g.conversationId, message);
      if (!targets.length) return message;
      const posted = t('public.posted', { count: String(targets.length) });
      return { ...message, text: `${message.text}\n${posted}`, ...(message.card ? { card: { ...message.card, lines: [...(message.card.lines ?? []), posted] } } : {}) };
    },
  });

  return [card, silence('residentInvalid', '无效', 'invalid'), silence('residentHarassment', '骚扰', 'harassment'), restore, publish];
}
