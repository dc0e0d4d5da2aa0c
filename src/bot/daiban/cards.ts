/** How 代办 reads: the request's card with its checklist, lists, the catalogue and the reminder. */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { CatalogueItem } from '../../domain/daiban/catalogue';
import { isDaibanOverdue } from '../../domain/daiban/daiban';
import type { RungKind } from '../../domain/task/reminders';
import { householdCode } from '../../domain/register/resident';
import type { Household } from '../../domain/register/resident';
import type { BotMessage, CardButton, CardField } from '../message';
import { snoozeButton } from '../snooze/button';
import { t, type TextKey } from '../texts';
import type { DaibanRecord, DaibanStep } from './ports';
import { DaibanRefusedError } from './refusals';

export const stateName = (state: string): string => t(`daiban.state.${state}` as TextKey);

/** The checklist: ☑ ticked, ☐ still missing, numbered as 代办勾选 takes them. */
export function checklist(d: Pick<DaibanRecord, 'materials' | 'ticked'>): string[] {
  if (!d.materials.length) return [t('daiban.checklist.none')];
  return d.materials.map((m, i) => `${d.ticked.includes(i) ? '☑' : '☐'} ${i + 1}. ${m}`);
}

function fields(d: DaibanRecord, calendar: WorkingCalendar, now: Date, household?: Household | null): CardField[] {
  const out: CardField[] = [
    { label: t('daiban.field.number'), value: d.number },
    { label: t('daiban.field.item'), value: d.item },
    { label: t('daiban.field.household'), value: household ? `${householdCode(household.id)} ${household.address}` : householdCode(d.householdId) },
    { label: t('daiban.field.origin'), value: t(`daiban.origin.${d.origin}` as TextKey) },
    { label: t('daiban.field.state'), value: stateName(d.state) + (isDaibanOverdue(d, now) ? t('daiban.overdueMark') : '') },
    { label: t('daiban.field.office'), value: d.submittedOffice ?? d.office },
    { label: t('daiban.field.limit'), value: d.deadline ? `${calendar.formatMoment(d.deadline, now)}（${t('daiban.limitDays', { days: d.limitDays })}）` : t('daiban.limitFromAccept', { days: d.limitDays }) },
  ];
  if (d.submittedOn) out.push({ label: t('daiban.field.submitted'), value: calendar.formatDay(d.submittedOn) });
  if (d.returnReason) out.push({ label: t('daiban.field.reason'), value: d.returnReason });
  return out;
}

/** What the handler can do next, as buttons. */
function nextButtons(d: DaibanRecord): CardButton[] {
  switch (d.state) {
    case 'registered':
      return [{ label: t('daiban.button.accept'), command: `代办受理 ${d.number}`, style: 'primary' }];
    case 'complete':
      return [{ label: t('daiban.button.submit'), command: `代办递交 ${d.number}`, style: 'primary' }];
    case 'submitted':
      return [{ label: t('daiban.button.finish'), command: `代办办结 ${d.number}`, style: 'primary' }];
    default:
      return [];
  }
}

function message(title: string, flds: CardField[], lines: string[], buttons: CardButton[]): BotMessage {
  const text = [`【${title}】`, ...flds.map((f) => `${f.label}：${f.value}`), ...lines].join('\n');
  return { text, card: { title, fields: flds, lines, buttons } };
}

/** The request as it stands: fields, the checklist and what to do next. */
export function daibanCard(d: DaibanRecord, calendar: WorkingCalendar, now: Date, extra: { household?: Household | null; steps?: DaibanStep[]; photos?: number; lead?: string } = {}): BotMessage {
  const lines = [...(extra.lead ? [extra.lead] : []), t('daiban.checklist.head'), ...checklist(d)];
  if (extra.photos) lines.push(t('daiban.photos.count', { count: extra.photos, number: d.number }));
  if (extra.steps?.length) {
    lines.push(t('daiban.steps.head'));
    for (const s of extra.steps) lines.push(`· ${calendar.formatMoment(s.at, now)} ${t(`daiban.step.${s.action.startsWith('rung.') ? 'rung' : s.action}` as TextKey)}${s.note ? `：${s.note}` : ''}`);
  }
  const hint = d.state === 'accepted' ? [t('daiban.hint.tick', { number: d.number })] : [];
  return message(t('daiban.card.title', { number: d.number }), fields(d, calendar, now, extra.household), [...lines, ...hint], nextButtons(d));
}

/** A rung of the time limit's ladder: the request again, with the lead line of the rung. */
export function reminderCard(d: DaibanRecord, kind: RungKind, calendar: WorkingCalendar, now: Date): BotMessage {
  const lead = t(`daiban.remind.${kind}` as TextKey, { number: d.number, item: d.item, deadline: d.deadline ? calendar.formatMoment(d.deadline, now) : '' });
  const card = daibanCard(d, calendar, now, { lead });
  return card.card ? { ...card, card: { ...card.card, buttons: [...(card.card.buttons ?? []), snoozeButton(d.number)] } } : card;
}

/** One line per request, for 我的代办 and 代办列表. */
export function listText(head: string, rows: DaibanRecord[], calendar: WorkingCalendar, now: Date): string {
  if (!rows.length) return `${head}\n${t('daiban.list.empty')}`;
  const lines = rows.map((d) => {
    const limit = d.deadline ? t('daiban.list.limit', { deadline: calendar.formatMoment(d.deadline, now) }) : '';
    const overdue = isDaibanOverdue(d, now) ? t('daiban.overdueMark') : '';
    return `· ${d.number} ${d.item} ${householdCode(d.householdId)} ${stateName(d.state)}${overdue}${limit}`;
  });
  return [head, ...lines].join('\n');
}

export function catalogueText(items: readonly CatalogueItem[]): string {
  return [t('daiban.catalogue.head'), ...items.map((i) => t('daiban.catalogue.item', { name: i.name, materials: i.materials.join('、') || t('common.none'), office: i.office, days: i.limitDays }))].join('\n');
}

export function daibanRefusals(err: unknown): string | null {
  if (!(err instanceof DaibanRefusedError)) return null;
  return t(`daiban.refused.${err.code}` as TextKey, err.facts);
}
