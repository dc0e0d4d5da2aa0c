/**
 * The info report's commands: answers (`报送 无变化`, one line per changed category, or a guided
 * dialog), same-day correction, 特殊信息 at any time, and the holiday setting.
 */
import { z } from 'zod';
import { categoryOf, parseInfoAnswer, type InfoAnswer, type InfoCategory, type InfoItem } from '../../domain/inforeport/categories';
import { HOLIDAY_MODES, type HolidayMode } from '../../domain/inforeport/period';
import type { OrgUnit } from '../../domain/org/org';
import type { BotModule } from '../bot';
import { arg, commandsOf, type CommandContext } from '../commands/framework';
import type { DialogHandler } from '../dialogs/dialog';
import { SessionError } from '../errors';
import type { Tx } from '../ports';
import { t, type TextKey } from '../texts';
import { communityOf, dutyGrid, gridHeads } from '../attendance/grid';
import { answerLine, categoryMenu } from './format';
import type { InfoReportRepos } from './ports';

const defineCommand = commandsOf<InfoReportRepos>();

export const HOLIDAY_SETTING = 'inforeport.holiday';
const DIALOG = 'inforeport';

export async function holidayMode(tx: Tx<InfoReportRepos>): Promise<HolidayMode> {
  const stored = await tx.repos.settings.get<string>(HOLIDAY_SETTING);
  return (HOLIDAY_MODES as readonly string[]).includes(stored ?? '') ? (stored as HolidayMode) : 'shift';
}

function describeAnswer(answer: InfoAnswer): string {
  return answerLine(answer);
}

async function saveAnswer(ctx: CommandContext<InfoReportRepos>, grid: OrgUnit, answer: InfoAnswer): Promise<string> {
  const member = ctx.requireMember();
  const period = ctx.tx.calendar.localDate(ctx.now);
  const items: InfoItem[] = answer.unchanged ? [] : answer.items;
  const { corrected } = await ctx.repos.attendance.saveInfoReport({ unitId: grid.id, memberId: member.id, period, unchanged: answer.unchanged, items, at: ctx.now });
  const saved = t(corrected ? 'report.corrected' : 'report.saved', { date: period, grid: grid.name, answer: describeAnswer(answer) });
  // The register can take these lines over (转登记, src/bot/register).
  return items.some((i) => i.category === '住户变动') ? `${saved}\n${t('register.reportHint')}` : saved;
}

function readError(reason: string, line?: string): SessionError {
  return new SessionError(`report.error.${reason}` as TextKey, { line: line ?? '', menu: categoryMenu() });
}

/** 报送, 特殊信息, 报送节假日 and the guided dialog. */
export function infoReportCommands(): Pick<BotModule<InfoReportRepos>, 'commands' | 'dialogs'> {

  const report = defineCommand({
    id: 'infoReport',
    name: '报送',
    aliases: ['信息报送'],
    access: 'gridworker',
    args: { content: arg.optional(arg.text('arg.reportContent')) },
    async run(ctx, { content }) {
      const grid = await dutyGrid(ctx);
      if (!content) {
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'pick' });
        return [t('report.dialog.pick'), categoryMenu()].join('\n');
      }
      const parsed = parseInfoAnswer(content);
      if (!parsed.ok) throw readError(parsed.reason, parsed.line);
      return saveAnswer(ctx, grid, parsed.answer);
    },
  });

  const guided: DialogHandler<InfoReportRepos> = {
    kind: DIALOG,
    async step(ctx, state) {
      const data = z.object({ unitId: z.number(), step: z.enum(['pick', 'detail']), pending: z.array(z.string()).default([]), items: z.array(z.object({ category: z.string(), detail: z.string() })).default([]) }).parse(state.data);
      const grid = await ctx.repos.org.unit(data.unitId);
      const text = ctx.inbound.text.trim();
      if (!grid || !text) return t('report.dialog.needText');
      if (data.step === 'pick') {
        const direct = parseInfoAnswer(text);
        if (direct.ok && direct.answer.unchanged) {
          await ctx.dialog.clear();
          return saveAnswer(ctx, grid, { unchanged: true });
        }
        const picked = text.split(/[\s,，、]+/).filter(Boolean).map(categoryOf);
        if (!picked.length || picked.some((c) => c === null)) return [t('report.dialog.badPick'), categoryMenu()].join('\n');
        const pending = [...new Set(picked as InfoCategory[])];
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'detail', pending, items: [] });
        return t('report.dialog.detail', { category: pending[0] });
      }
      const [current, ...rest] = data.pending;
      const items = [...data.items, { category: current, detail: text.slice(0, 500) }] as InfoItem[];
      if (rest.length) {
        await ctx.dialog.start(DIALOG, { unitId: grid.id, step: 'detail', pending: rest, items });
        return t('report.dialog.detail', { category: rest[0] });
      }
      await ctx.dialog.clear();
      return saveAnswer(ctx, grid, { unchanged: false, items });
    },
  };

  const special = defineCommand({
    id: 'specialInfo',
    name: '特殊信息',
    aliases: ['紧急信息'],
    access: 'gridworker',
    args: { content: arg.text('arg.reportContent') },
    async run(ctx, { content }) {
      const member = ctx.requireMember();
      const grid = await dutyGrid(ctx);
      const id = await ctx.repos.attendance.addSpecialInfo({ unitId: grid.id, memberId: member.id, text: content, at: ctx.now });
      const body = t('report.special.body', { grid: grid.name, name: member.name, text: content, time: ctx.now.toISOString() });
      const flagged = { text: body, card: { title: t('report.special.title'), fields: [{ label: t('report.special.grid'), value: grid.name }, { label: t('report.special.from'), value: member.name }], lines: [content] } };
      await ctx.notify.members(await gridHeads(ctx.tx, grid), flagged);
      const community = await communityOf(ctx.tx, grid);
      if (community) {
        await ctx.notify.unit(community, flagged);
      }
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: member.id, action: 'inforeport.special', target: `special#${id}` });
      return t('report.special.sent', { community: community?.name ?? '' });
    },
  });

  const holidays = defineCommand({
    id: 'reportHolidays',
    name: '报送节假日',
    aliases: [],
    access: 'admin',
    args: { mode: arg.optional(arg.oneOf('arg.holidayMode', ['顺延', '跳过'] as const)) },
    async run(ctx, { mode }) {
      if (!mode) return t('report.holiday.current', { mode: (await holidayMode(ctx.tx)) === 'shift' ? '顺延' : '跳过' });
      await ctx.repos.settings.put(HOLIDAY_SETTING, mode === '顺延' ? 'shift' : 'skip', ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'inforeport.holiday', detail: { mode } });
      return t('report.holiday.set', { mode });
    },
  });



  return {
    commands: [report, special, holidays],
    dialogs: [guided],
  };
}

