/**
 * 代办 / 帮办 in chat. A gridworker records a request for a household (代办 H12 低保), takes it on
 * (代办受理), ticks the checklist (代办勾选), sends photos of the documents (代办材料), hands it in
 * (代办递交), and ends it (代办办结 / 代办退回). Anything naming a household answers 1:1.
 */
import { parsePeriod } from '../../domain/assessment/period';
import { splitMaterials } from '../../domain/daiban/catalogue';
import { parseDaibanNumber } from '../../domain/daiban/daiban';
import { lookup } from '../../domain/lookup';
import { toLocalDate } from '../../domain/calendar/local-date';
import { arg, commandsOf, narrow, type ArgSpec, type Command, type CommandContext } from '../commands/framework';
import { SessionError } from '../errors';
import { imageRefs } from '../inbound';
import type { BotMessage } from '../message';
import { fileLinkUrl, issueFileLink } from '../files';
import { t } from '../texts';
import { catalogueText, daibanCard, listText } from './cards';
import type { DaibanRepos } from './ports';
import type { DaibanActor, DaibanService } from './service';
import { DAIBAN_LEDGER_FILE } from './sheets';

const define = commandsOf<DaibanRepos>();

/** How long a ledger link works. */
export const DAIBAN_LINK_MINUTES = 30;

function actorOf(ctx: CommandContext<DaibanRepos>): DaibanActor {
  return { tx: ctx.tx, member: ctx.requireMember(), channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id };
}

/** A household's request goes to the asker 1:1; in a group the group only hears that it did. */
async function privately(ctx: CommandContext<DaibanRepos>, message: BotMessage | string): Promise<BotMessage | string> {
  if (ctx.inbound.conversation.kind !== 'group') return message;
  await ctx.notify.member(ctx.requireMember().id, typeof message === 'string' ? { text: message } : message);
  return t('daiban.privately');
}

function numberArg(): ArgSpec<string> {
  return {
    label: 'arg.daibanNumber',
    optional: false,
    rest: false,
    parse: (raw) => {
      const n = parseDaibanNumber(narrow(raw));
      return n ? { ok: true, value: n } : { ok: false, reason: t('arg.daibanNumberBad') };
    },
  };
}

/** 「1 3」「1、3」「1,2,3」「全部」: the checklist numbers. */
function materialNumbersArg(): ArgSpec<number[] | 'all'> {
  return {
    label: 'arg.daibanMaterials',
    optional: false,
    rest: true,
    parse: (raw) => {
      const text = narrow(raw).trim();
      if (/^(全部|所有|all)$/i.test(text)) return { ok: true, value: 'all' };
      const parts = text.split(/[\s、,，;；]+/).filter(Boolean);
      const numbers = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
      if (!parts.length || numbers.some((n) => !Number.isInteger(n))) return { ok: false, reason: t('arg.daibanMaterialsBad') };
      return { ok: true, value: numbers };
    },
  };
}

/** 递交's day: 今天, 昨天, 前天, 3月2日, 2027-03-02 (never in the future). */
function submitDay(ctx: CommandContext<DaibanRepos>, word: string): Date | null {
  const cal = ctx.tx.calendar;
  const today = cal.localDate(ctx.now);
  const back = lookup({ 今天: 0, 今日: 0, 昨天: -1, 昨日: -1, 前天: -2 } as Record<string, number>, word);
  if (back !== undefined) return cal.at(cal.addCalendarDays(today, back), '00:00');
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(word);
  const year = m ? Number(m[1]) : Number(today.slice(0, 4));
  if (!m) m = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$/.exec(word);
  if (!m) return null;
  const y = m[1] ? Number(m[1]) : year;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const local = toLocalDate(y, month, day);
  try {
    const at = cal.at(local, '00:00');
    return cal.localDate(at) === local ? at : null;
  } catch {
    return null;
  }
}

export function daibanCommands(service: DaibanService, baseUrl: () => string | null): Command<DaibanRepos>[] {
  const card = async (ctx: CommandContext<DaibanRepos>, number: string, lead: string) => {
    const { daiban, household, steps, photos } = await service.detail(actorOf(ctx), number);
    return privately(ctx, daibanCard(daiban, ctx.tx.calendar, ctx.now, { household, photos, lead, steps: lead ? undefined : steps }));
  };

  return [
    define({
      id: 'daibanCatalogue',
      name: '代办目录',
      aliases: ['代办事项目录'],
      access: 'member',
      args: {},
      async run(ctx) {
        return catalogueText(await service.catalogue(ctx.tx));
      },
    }),
    define({
      id: 'daibanSetItem',
      name: '设置代办事项',
      aliases: ['修改代办事项'],
      access: 'county_center',
      args: { name: arg.word('arg.daibanItem'), materials: arg.word('arg.daibanItemMaterials'), office: arg.word('arg.daibanOffice'), days: arg.word('arg.daibanLimit') },
      async run(ctx, { name, materials, office, days }) {
        const limit = Number(narrow(days).replace(/个?工作日$|天$/, ''));
        const [item] = await service.putItems(actorOf(ctx), [{ name, materials: materials === '无' ? [] : splitMaterials(materials), office, limitDays: limit }]);
        return t('daiban.itemSet', { name: item.name, materials: item.materials.join('、') || t('common.none'), office: item.office, days: item.limitDays });
      },
    }),
    define({
      id: 'daibanRemoveItem',
      name: '删除代办事项',
      access: 'county_center',
      args: { name: arg.word('arg.daibanItem') },
      async run(ctx, { name }) {
        await service.removeItem(actorOf(ctx), name);
        return t('daiban.itemRemoved', { name });
      },
    }),
    define({
      id: 'daibanImport',
      name: '导入代办事项',
      access: 'county_center',
      args: {},
      async run(ctx) {
        const member = ctx.requireMember();
        // The same authority as the upload itself (checked again when the file arrives).
        await service.assertKeeper(actorOf(ctx));
        const link = await issueFileLink(ctx.tx, { kind: DAIBAN_IMPORT_LINK, spec: {}, memberId: member.id, lifetimeMs: DAIBAN_LINK_MINUTES * 60_000, once: true });
        return t('daiban.import.link', { url: `${(baseUrl() ?? '').replace(/\/$/, '')}${daibanUploadPath(link.token)}`, template: `${(baseUrl() ?? '').replace(/\/$/, '')}${DAIBAN_TEMPLATE_PATH}`, minutes: DAIBAN_LINK_MINUTES });
      },
    }),
    define({
      id: 'daibanRequest',
      name: '代办',
      aliases: ['帮办', '代办登记'],
      access: 'gridworker',
      args: { household: arg.word('arg.householdRef'), item: arg.word('arg.daibanItem'), note: arg.optional(arg.text('arg.daibanNote')) },
      async run(ctx, { household, item, note }) {
        const d = await service.request(actorOf(ctx), household, item, note ?? '');
        return card(ctx, d.number, t('daiban.recorded', { number: d.number, item: d.item }));
      },
    }),
    define({
      id: 'daibanAccept',
      name: '代办受理',
      access: 'gridworker',
      args: { number: numberArg() },
      async run(ctx, { number }) {
        const d = await service.accept(actorOf(ctx), number);
        return card(ctx, d.number, t('daiban.accepted', { number: d.number, deadline: ctx.tx.calendar.formatMoment(d.deadline!, ctx.now), days: d.limitDays }));
      },
    }),
    define({
      id: 'daibanTick',
      name: '代办勾选',
      aliases: ['材料勾选'],
      access: 'gridworker',
      args: { number: numberArg(), items: materialNumbersArg() },
      async run(ctx, { number, items }) {
        const current = await service.find(actorOf(ctx), number);
        const numbers = items === 'all' ? current.materials.map((_, i) => i + 1) : items;
        const d = await service.tick(actorOf(ctx), number, numbers);
        return card(ctx, d.number, d.state === 'complete' ? t('daiban.complete', { number: d.number }) : t('daiban.ticked', { number: d.number, done: d.ticked.length, total: d.materials.length }));
      },
    }),
    define({
      id: 'daibanUntick',
      name: '代办取消勾选',
      access: 'gridworker',
      args: { number: numberArg(), items: materialNumbersArg() },
      async run(ctx, { number, items }) {
        const current = await service.find(actorOf(ctx), number);
        const numbers = items === 'all' ? current.materials.map((_, i) => i + 1) : items;
        const d = await service.tick(actorOf(ctx), number, numbers, true);
        return card(ctx, d.number, t('daiban.ticked', { number: d.number, done: d.ticked.length, total: d.materials.length }));
      },
    }),
    define({
      id: 'daibanPhotos',
      name: '代办材料',
      aliases: ['材料照片'],
      access: 'gridworker',
      args: { number: numberArg() },
      async run(ctx, { number }) {
        const refs = imageRefs(ctx.inbound.attachments);
        if (refs.length) {
          const { count } = await service.attach(actorOf(ctx), number, refs);
          return t('daiban.photos.stored', { number, added: refs.length, count });
        }
        const { photos } = await service.photos(actorOf(ctx), number);
        if (!photos.length) return t('daiban.photos.none', { number });
        return privately(ctx, [t('daiban.photos.head', { number, count: photos.length }), ...photos.map((p, i) => `${i + 1}. ${ctx.tx.calendar.formatMoment(p.at, ctx.now)} ${p.ref}`)].join('\n'));
      },
    }),
    define({
      id: 'daibanSubmit',
      name: '代办递交',
      access: 'gridworker',
      args: { number: numberArg(), rest: arg.optional(arg.text('arg.daibanSubmit')) },
      async run(ctx, { number, rest }) {
        const words = (rest ?? '').trim().split(/\s+/).filter(Boolean);
        let on: Date | null = null;
        const last = words[words.length - 1];
        if (last) on = submitDay(ctx, narrow(last));
        if (on) words.pop();
        const d = await service.submit(actorOf(ctx), number, words.join(' '), on ?? ctx.now);
        return card(ctx, d.number, t('daiban.submitted', { number: d.number, office: d.submittedOffice ?? '', day: ctx.tx.calendar.formatDay(d.submittedOn!) }));
      },
    }),
    define({
      id: 'daibanFinish',
      name: '代办办结',
      access: 'gridworker',
      args: { number: numberArg(), note: arg.optional(arg.text('arg.daibanNote')) },
      async run(ctx, { number, note }) {
        const d = await service.finish(actorOf(ctx), number, note ?? '');
        return t('daiban.done', { number: d.number, item: d.item });
      },
    }),
    define({
      id: 'daibanReturn',
      name: '代办退回',
      access: 'gridworker',
      args: { number: numberArg(), reason: arg.optional(arg.text('arg.daibanReason')) },
      async run(ctx, { number, reason }) {
        const d = await service.giveBack(actorOf(ctx), number, reason ?? '');
        return t('daiban.returned', { number: d.number, reason: d.returnReason ?? '' });
      },
    }),
    define({
      id: 'daibanDetail',
      name: '代办详情',
      aliases: ['查看代办'],
      access: 'member',
      args: { number: numberArg() },
      async run(ctx, { number }) {
        return card(ctx, number, '');
      },
    }),
    define({
      id: 'myDaiban',
      name: '我的代办',
      access: 'gridworker',
      args: {},
      async run(ctx) {
        const rows = await service.mine(actorOf(ctx));
        return privately(ctx, listText(t('daiban.list.mine', { count: rows.length }), rows, ctx.tx.calendar, ctx.now));
      },
    }),
    define({
      id: 'daibanList',
      name: '代办列表',
      access: 'gridworker',
      args: { unit: arg.optional(arg.unit()) },
      async run(ctx, { unit }) {
        const rows = await service.list(actorOf(ctx), unit, false);
        return privately(ctx, listText(t('daiban.list.open', { unit: unit?.name ?? t('daiban.list.yours'), count: rows.length }), rows, ctx.tx.calendar, ctx.now));
      },
    }),
    define({
      id: 'daibanLedger',
      name: '代办台账',
      access: 'grid_head',
      args: { unit: arg.maybe(arg.unit()), period: arg.optional(arg.text('arg.period')) },
      async run(ctx, { unit, period: periodText }) {
        const member = ctx.requireMember();
        const target = unit ?? ctx.conversationUnit ?? (await ctx.repos.org.unit(member.roles.find((g) => g.role !== 'gridworker' && g.role !== 'auditor')?.unitId ?? member.roles[0]?.unitId ?? 0));
        if (!target) throw new SessionError('daiban.ledger.needUnit');
        ctx.authorize(target, 'grid_head');
        const period = parsePeriod(periodText ?? '本月', ctx.now, ctx.tx.calendar.timeZone);
        if (!period) throw new SessionError('daiban.ledger.badPeriod', { value: periodText ?? '' });
        const link = await issueFileLink(ctx.tx, { kind: DAIBAN_LEDGER_FILE, spec: { unitId: target.id, period: period.key, channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id }, memberId: member.id, lifetimeMs: DAIBAN_LINK_MINUTES * 60_000, once: true });
        const fileName = t('daiban.ledger.fileName', { unit: target.name, period: period.label });
        const url = fileLinkUrl(baseUrl(), link.token, fileName);
        return { text: t('daiban.ledger.link', { unit: target.name, period: period.label, url, minutes: DAIBAN_LINK_MINUTES }), file: { name: fileName, url, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } };
      },
    }),
  ];
}

/** The upload page of 导入代办事项 and its template (served by adapters/xlsx/daiban-import-route.ts). */
export const DAIBAN_IMPORT_LINK = 'daiban-import';
export const DAIBAN_TEMPLATE_PATH = `/files/xlsx/daiban-template/${encodeURIComponent('代办事项导入模板.xlsx')}`;
export const daibanUploadPath = (token: string) => `/files/xlsx/daiban/${token}`;
