/**
 * The register in chat (一户一档). Anything that shows residents' data answers 1:1: asked in a
 * group, the bot says there that it replies privately and sends the answer to the asker alone.
 * Commands whose words carry personal data (登记, 更正) are taken 1:1 only.
 */
import { normaliseIdNumber, normalisePhone, householdCode, placeCode, residentCode } from '../../domain/register/resident';
import type { ChangeKind } from '../../domain/register/changes';
import { splitTags, type TagTarget } from '../../domain/register/tags';
import { arg, commandsOf, type ArgSpec, type Command, type CommandContext } from '../commands/framework';
import { imageRefs } from '../inbound';
import type { BotMessage } from '../message';
import { t, type TextKey } from '../texts';
import type { DialogHandler } from '../dialogs/dialog';
import { z } from 'zod';
import { RegisterRefusedError } from './refusals';
import type { RegisterAreaRepos } from './ports';
import type { RegisterActor, RegisterService } from './service';
import { accessLogText, card, changeName, householdCard, householdList, personCard, placeList, registerRefusals, tagList } from './cards';
import { fileLinkUrl, issueFileLink } from '../files';
import { ACCESS_LOG_FILE, REGISTER_EXPORT_FILE, REGISTER_IMPORT_LINK } from './sheets';
import { auditScopes } from '../../domain/register/access';

/** The upload page of 导入住户 and the empty template (served by adapters/xlsx/register-import-route.ts). */
export const REGISTER_TEMPLATE_PATH = `/files/xlsx/residents-template/${encodeURIComponent('住户导入模板.xlsx')}`;
/** `/1/3/7/` → 7 (a unit's materialised path ends with its own id). */
/** The unit a scope path ends in; none for the whole tree ('/', a global admin's scope). */
const unitIdOfPath = (path: string): number | null => {
  const id = Number(path.split('/').filter(Boolean).pop());
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

export const registerUploadPath = (token: string) => `/files/xlsx/residents/${token}`;

const define = commandsOf<RegisterAreaRepos>();

const CHANGE_WORDS: Record<string, ChangeKind> = {
  迁入: 'move_in',
  迁出: 'move_out',
  新生: 'birth',
  出生: 'birth',
  死亡: 'death',
  去世: 'death',
  出租: 'rent_out',
  房屋出租: 'rent_out',
  退租: 'rent_end',
  其他: 'other',
};

const FIELD_WORDS = { 姓名: 'name', 关系: 'relation', 身份证号: 'idNumber', 身份证: 'idNumber', 手机: 'phone', 电话: 'phone', 标签: 'tags' } as const;

export interface ResidentDetails {
  idNumber?: string;
  phone?: string;
  tags: string[];
}

/** 「330102… 138… 独居老人,低保户」 read by shape: an ID number, a phone, tags. */
const residentDetails: ArgSpec<ResidentDetails> = {
  label: 'arg.residentDetails',
  optional: true,
  rest: true,
  parse: (raw) => {
    const out: ResidentDetails = { tags: [] };
    for (const word of raw.split(/\s+/).filter(Boolean)) {
      if (/^\d{17}[\dXx]$/.test(word)) {
        if (!normaliseIdNumber(word)) return { ok: false, reason: t('register.refused.bad_id_number') };
        out.idNumber = word;
      } else if (/^[\d-]+$/.test(word)) {
        if (!normalisePhone(word)) return { ok: false, reason: t('register.refused.bad_phone') };
        out.phone = word;
      } else out.tags.push(...splitTags(word));
    }
    return { ok: true, value: out };
  },
};

function actorOf(ctx: CommandContext<RegisterAreaRepos>): RegisterActor {
  return { tx: ctx.tx, member: ctx.requireMember(), channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id };
}

/** Residents' data goes to the asker 1:1; in a group the group only hears that it did. */
async function privately(ctx: CommandContext<RegisterAreaRepos>, message: BotMessage | string): Promise<BotMessage | string> {
  if (ctx.inbound.conversation.kind !== 'group') return message;
  await ctx.notify.member(ctx.requireMember().id, typeof message === 'string' ? { text: message } : message);
  return t('register.privately');
}

export const CONVERT_DIALOG = 'register-convert';

/** 「确认」 after 转登记: the report is read again (the dialog keeps no personal data) and applied. */
export function convertDialog(service: RegisterService): DialogHandler<RegisterAreaRepos> {
  return {
    kind: CONVERT_DIALOG,
    async step(ctx, state) {
      const data = z.object({ unitId: z.number(), period: z.string() }).parse(state.data);
      if (!/^(确认|确定|是|好)$/.test(ctx.inbound.text.trim())) return t('register.convert.confirmOrCancel');
      await ctx.dialog.clear();
      const actor = actorOf(ctx);
      const grid = await ctx.repos.org.unit(data.unitId);
      if (!grid) return t('register.convert.none');
      const { understood } = await service.reportChanges(actor, grid, data.period);
      const lines: string[] = [];
      for (const p of understood) {
        try {
          const { resident } = await service.change(actor, householdCode(p.householdId), p.kind, p.name ?? undefined, t('register.convert.note'));
          lines.push(t('register.changed', { household: householdCode(p.householdId), kind: changeName(p.kind), who: resident ? ` ${residentCode(resident.id)}` : '' }));
        } catch (err) {
          if (!(err instanceof RegisterRefusedError)) throw err;
          lines.push(`${householdCode(p.householdId)}：${registerRefusals(err)}`);
        }
      }
      return privately(ctx, lines.join('\n'));
    },
  };
}

/** How long an upload or download link of the register works. */
export const REGISTER_LINK_MINUTES = 30;

export function registerCommands(service: RegisterService, baseUrl: () => string | null): Command<RegisterAreaRepos>[] {
  const newHousehold = define({
    id: 'newHousehold',
    name: '建户',
    aliases: ['新建户'],
    access: 'gridworker',
    args: { address: arg.word('arg.address'), grid: arg.optional(arg.unit()) },
    async run(ctx, { address, grid }) {
      const { household, created } = await service.createHousehold(actorOf(ctx), address, grid);
      const params = { code: householdCode(household.id), address: household.address, grid: grid?.name ?? '' };
      if (!created) return t('register.householdExists', params);
      const unit = await ctx.repos.org.unit(household.unitId);
      return t('register.householdCreated', { ...params, grid: unit?.name ?? '' });
    },
  });

  const addResident = define({
    id: 'addResident',
    name: '登记',
    aliases: ['登记住户', '登记人员'],
    access: 'gridworker',
    where: 'direct',
    args: { household: arg.word('arg.householdRef'), name: arg.word('arg.residentName'), relation: arg.word('arg.relation'), details: residentDetails },
    async run(ctx, { household: ref, name, relation, details }) {
      const actor = actorOf(ctx);
      const household = await service.household(actor, ref, 'change');
      const resident = await service.addResident(actor, household, { name: name.slice(0, 64), relation: relation.slice(0, 16), ...(details ?? { tags: [] }) }, 'registered');
      return t('register.residentAdded', { code: residentCode(resident.id), name: resident.name, relation: resident.relation, household: householdCode(household.id) });
    },
  });

  const findHousehold = define({
    id: 'findHousehold',
    name: '查户',
    aliases: ['查住户', '查找住户'],
    access: 'member',
    args: { words: arg.text('arg.searchWords') },
    async run(ctx, { words }) {
      const actor = actorOf(ctx);
      const result = await service.search(actor, words.trim());
      if (result.kind === 'places') return privately(ctx, result.places.length ? placeList(result.places) : t('register.searchNone', { words }));
      if (!result.households.length) return privately(ctx, t('register.searchNone', { words }));
      if (result.households.length === 1) {
        const file = await service.householdFile(actor, result.households[0]);
        return privately(ctx, householdCard(file, ctx.tx.calendar, ctx.now));
      }
      return privately(ctx, householdList(result.households));
    },
  });

  const householdFile = define({
    id: 'householdFile',
    name: '户档',
    aliases: ['一户一档', '查看户档'],
    access: 'member',
    args: { household: arg.text('arg.householdRef') },
    async run(ctx, { household: ref }) {
      const actor = actorOf(ctx);
      const file = await service.householdFile(actor, await service.household(actor, ref.trim()));
      return privately(ctx, householdCard(file, ctx.tx.calendar, ctx.now));
    },
  });

  const findPerson = define({
    id: 'findPerson',
    name: '查人',
    aliases: ['查住户信息'],
    access: 'member',
    args: { ref: arg.word('arg.residentRef') },
    async run(ctx, { ref }) {
      const { resident, household } = await service.readResident(actorOf(ctx), ref);
      return privately(ctx, personCard(resident, household));
    },
  });

  const householdChange = define({
    id: 'householdChange',
    name: '变动',
    aliases: ['住户变动'],
    access: 'gridworker',
    args: { household: arg.word('arg.householdRef'), kind: arg.oneOf('arg.changeKind', Object.keys(CHANGE_WORDS)), rest: arg.optional(arg.text('arg.changeNote')) },
    async run(ctx, { household: ref, kind: word, rest }) {
      const kind = CHANGE_WORDS[word];
      const words = (rest ?? '').trim();
      const needsName = kind === 'move_in' || kind === 'birth' || kind === 'move_out' || kind === 'death';
      const [name, ...note] = needsName ? words.split(/\s+/) : ['', words];
      const { household, resident } = await service.change(actorOf(ctx), ref, kind, needsName ? name || undefined : undefined, note.join(' ') || undefined);
      return privately(ctx, t('register.changed', { household: householdCode(household.id), kind: changeName(kind), who: resident ? ` ${residentCode(resident.id)}` : '' }));
    },
  });

  const visit = define({
    id: 'visit',
    name: '走访',
    aliases: ['入户走访'],
    access: 'gridworker',
    args: { target: arg.word('arg.visitTarget'), notes: arg.text('arg.visitNotes') },
    async run(ctx, { target, notes }) {
      const photos = imageRefs(ctx.inbound.attachments);
      const place = ctx.inbound.attachments.find((a) => a.kind === 'location');
      const location = place?.kind === 'location' ? (place.label ?? `${place.latitude},${place.longitude}`) : null;
      const { label } = await service.visit(actorOf(ctx), target, notes, photos, location);
      return t('register.visited', { target: label, photos: photos.length ? t('register.visitPhotos', { count: photos.length }) : '' });
    },
  });

  const correct = define({
    id: 'correctResident',
    name: '更正',
    aliases: ['更正信息'],
    access: 'gridworker',
    where: 'direct',
    args: { ref: arg.word('arg.residentRef'), field: arg.oneOf('arg.correctField', Object.keys(FIELD_WORDS)), value: arg.text('arg.correctValue') },
    async run(ctx, { ref, field, value }) {
      const key = FIELD_WORDS[field as keyof typeof FIELD_WORDS];
      const updated = await service.correct(actorOf(ctx), ref, key, value.trim());
      return t('register.corrected', { code: residentCode(updated.id), field });
    },
  });

  const erase = define({
    id: 'eraseResident',
    name: '删除人员',
    aliases: ['删除住户信息'],
    access: 'gridworker',
    where: 'direct',
    args: { ref: arg.word('arg.residentRef') },
    async run(ctx, { ref }) {
      const { residentId } = await service.erase(actorOf(ctx), ref);
      return t('register.erased', { code: residentCode(residentId) });
    },
  });

  const newPlace = define({
    id: 'newPlace',
    name: '登记场所',
    aliases: ['新建场所'],
    access: 'gridworker',
    args: { name: arg.word('arg.placeName'), kind: arg.word('arg.placeKind'), address: arg.word('arg.address'), tags: arg.optional(arg.text('arg.placeTags')) },
    async run(ctx, { name, kind, address, tags }) {
      const { place, created } = await service.createPlace(actorOf(ctx), { name, kind, address, tags: tags ? splitTags(tags) : [] });
      return t(created ? 'register.placeCreated' : 'register.placeExists', { code: placeCode(place.id), name: place.name, kind: place.kind });
    },
  });

  const tags = define({
    id: 'tags',
    name: '标签',
    aliases: ['标签目录'],
    access: 'member',
    args: {},
    async run(ctx) {
      return tagList(await service.vocabulary(ctx.tx));
    },
  });

  const TARGET_WORDS: Record<string, TagTarget> = { 住户: 'resident', 人员: 'resident', 场所: 'place' };
  const setTag = define({
    id: 'setTag',
    name: '设置标签',
    aliases: ['修改标签'],
    access: 'county_center',
    args: {
      name: arg.word('arg.tagName'),
      target: arg.oneOf('arg.tagTarget', Object.keys(TARGET_WORDS)),
      cadence: {
        label: 'arg.cadence',
        optional: false,
        rest: false,
        parse: (raw: string) => (raw === '不走访' || raw === '无' ? { ok: true, value: null } : /^\d{1,3}$/.test(raw) ? { ok: true, value: Number(raw) } : { ok: false, reason: t('register.refused.bad_cadence') }),
      } as ArgSpec<number | null>,
    },
    async run(ctx, { name, target, cadence }) {
      const tag = await service.setTag(actorOf(ctx), { name, target: TARGET_WORDS[target], cadenceDays: cadence });
      return t('register.tagSet', { name: tag.name, target, cadence: tag.cadenceDays === null ? t('register.noCadence') : t('register.cadence', { days: tag.cadenceDays }) });
    },
  });

  const shareCommand = (on: boolean) =>
    define({
      id: on ? 'shareRegister' : 'unshareRegister',
      name: on ? '共享住户' : '取消共享',
      aliases: on ? ['共享住户信息'] : ['取消共享住户'],
      access: 'community_secretary',
      args: { member: arg.member(), unit: arg.unit() },
      async run(ctx, { member, unit }) {
        const changed = await service.share(actorOf(ctx), member.id, unit, on);
        const params = { unit: unit.name, member: member.name };
        if (on) return t(changed ? 'register.shared' : 'register.shareExists', params);
        return t(changed ? 'register.unshared' : 'register.notShared', params);
      },
    });

  const accessLog = define({
    id: 'accessLog',
    name: '访问日志',
    aliases: ['审计日志'],
    access: 'auditor',
    where: 'direct',
    args: { days: arg.optional(arg.int('arg.days')), member: arg.optional(arg.member()) },
    async run(ctx, { days, member }) {
      const span = Math.min(Math.max(days ?? 7, 1), 366);
      const entries = await service.accessLog(ctx.tx, ctx.requireMember(), { days: span, memberId: member?.id, limit: 50 });
      const names = new Map<number, string>();
      for (const e of entries) if (e.memberId !== null && !names.has(e.memberId)) names.set(e.memberId, (await ctx.repos.org.memberSummary(e.memberId))?.name ?? `#${e.memberId}`);
      return accessLogText(
        entries.map((e) => ({ ...e, memberName: e.memberId === null ? '-' : `${names.get(e.memberId)}(#${e.memberId})` })),
        span,
        ctx.tx.calendar,
        ctx.now,
      );
    },
  });

  const convert = define({
    id: 'convertReport',
    name: '转登记',
    aliases: ['住户变动转登记'],
    access: 'gridworker',
    args: {},
    async run(ctx) {
      const actor = actorOf(ctx);
      const grid = await service.gridFor(actor, undefined);
      const period = ctx.tx.calendar.localDate(ctx.now);
      const { understood, notUnderstood } = await service.reportChanges(actor, grid, period);
      if (!understood.length && !notUnderstood.length) return privately(ctx, t('register.convert.none'));
      const lines = understood.map((p, i) => t('register.convert.line', { n: i + 1, code: householdCode(p.householdId), address: p.address, kind: changeName(p.kind), name: p.name ? ` ${p.name}` : '' }));
      for (const n of notUnderstood) lines.push(t('register.convert.unread', { line: n.line, reason: t(`register.convert.reason.${n.reason}` as TextKey) }));
      if (!understood.length) return privately(ctx, [t('register.convert.title', { count: 0 }), ...lines].join('\n'));
      await ctx.dialog.start(CONVERT_DIALOG, { unitId: grid.id, period });
      return privately(ctx, card({ title: t('register.convert.title', { count: understood.length }), lines, buttons: [{ label: t('register.convert.confirm'), command: '确认', style: 'primary' }, { label: '取消', command: '取消' }] }));
    },
  });

  const importRegister = define({
    id: 'importRegister',
    name: '导入住户',
    aliases: ['住户导入'],
    access: 'gridworker',
    args: {},
    async run(ctx) {
      const member = ctx.requireMember();
      const link = await issueFileLink(ctx.tx, { kind: REGISTER_IMPORT_LINK, spec: { channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id }, memberId: member.id, lifetimeMs: REGISTER_LINK_MINUTES * 60_000, once: true });
      const base = (baseUrl() ?? '').replace(/\/$/, '');
      return privately(ctx, t('register.import.link', { minutes: REGISTER_LINK_MINUTES, url: `${base}${registerUploadPath(link.token)}`, template: `${base}${REGISTER_TEMPLATE_PATH}` }));
    },
  });

  const exportRegister = define({
    id: 'exportRegister',
    name: '导出住户',
    aliases: ['导出住户台账'],
    // Bulk copies of residents' data leave with the people responsible for a grid, as ledgers do.
    access: 'grid_head',
    args: { unit: arg.optional(arg.unit()) },
    async run(ctx, { unit }) {
      const actor = actorOf(ctx);
      const scopes = await service.scopes(actor);
      const scopeUnit = scopes.length === 1 ? unitIdOfPath(scopes[0]) : null;
      const target = unit ?? (scopeUnit === null ? null : await ctx.repos.org.unit(scopeUnit));
      if (!target) throw new RegisterRefusedError('need_grid');
      if (!(await service.mayExport(actor, target))) throw new RegisterRefusedError('not_found', { ref: target.code });
      const link = await issueFileLink(ctx.tx, { kind: REGISTER_EXPORT_FILE, spec: { unitId: target.id, channel: ctx.inbound.channel, conversationId: ctx.inbound.conversation.id }, memberId: actor.member.id, lifetimeMs: REGISTER_LINK_MINUTES * 60_000, once: true });
      return privately(ctx, t('register.export.link', { unit: target.name, minutes: REGISTER_LINK_MINUTES, url: fileLinkUrl(baseUrl(), link.token, `住户台账-${target.name}.xlsx`) }));
    },
  });

  const link = define({
    id: 'linkWork',
    name: '关联',
    aliases: ['关联住户'],
    access: 'gridworker',
    args: { work: arg.word('arg.workNumber'), target: arg.word('arg.linkTarget') },
    async run(ctx, { work, target }) {
      const { item, target: label, added } = await service.link(actorOf(ctx), work, target);
      return t(added ? 'register.linked' : 'register.linkedAlready', { number: item.number, target: label });
    },
  });

  const exportLog = define({
    id: 'exportAccessLog',
    name: '导出访问日志',
    aliases: ['导出审计日志'],
    access: 'auditor',
    where: 'direct',
    args: { days: arg.optional(arg.int('arg.days')) },
    async run(ctx, { days }) {
      const member = ctx.requireMember();
      if (!auditScopes(member).length) throw new RegisterRefusedError('not_allowed');
      const span = Math.min(Math.max(days ?? 180, 1), 3660);
      const link = await issueFileLink(ctx.tx, { kind: ACCESS_LOG_FILE, spec: { days: span }, memberId: member.id, lifetimeMs: REGISTER_LINK_MINUTES * 60_000, once: true });
      return t('register.logExport', { days: span, minutes: REGISTER_LINK_MINUTES, url: fileLinkUrl(baseUrl(), link.token, `住户信息访问日志-近${span}天.xlsx`) });
    },
  });

  return [convert, importRegister, link, exportLog, exportRegister, newHousehold, addResident, findHousehold, householdFile, findPerson, householdChange, visit, correct, erase, newPlace, tags, setTag, shareCommand(true), shareCommand(false), accessLog];
}

