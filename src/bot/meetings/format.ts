/**
 * Words and layout of agendas and minutes: the card people see in the group, the document
 * sections of the export, and the chart spec. Reads only the composed agenda; no storage.
 */
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { eventStanding } from '../../domain/figures';
import type { EventState } from '../../domain/event/event';
import { percent, type Agenda, type AgendaItem, type MonthlyAgenda, type NextStep, type Ratio, type WeeklyAgenda } from '../../domain/meeting';
import type { Card } from '../message';
import { t, type TextKey } from '../texts';
import type { MinuteEntry, StoredMeeting } from './ports';
import type { ChartSpec, DocumentSection, MeetingDocument } from './render-port';

/** When a meeting is held: `12月1日 09:00`. */
export function when(calendar: WorkingCalendar, d: Date): string {
  return calendar.toLocal(d).toFormat('M月d日 HH:mm');
}

function day(calendar: WorkingCalendar, d: Date): string {
  return calendar.formatDay(d);
}

/** `，退回 1` when events were sent back, so the parts add up to 上报; nothing otherwise. */
function returnedPart(n: number): string {
  return n ? t('meeting.returnedPart', { returned: n }) : '';
}

export function rate(r: Ratio | null): string {
  const p = percent(r);
  return r && p !== null ? t('meeting.rate', { percent: p, done: r.done, of: r.of }) : t('meeting.rate.unknown');
}

function step(s: NextStep | null): string {
  return t(s ? (`meeting.step.${s}` as TextKey) : 'meeting.step.none');
}

function kindName(a: Pick<Agenda, 'kind'>): string {
  return t(`meeting.kind.${a.kind}` as TextKey);
}

function carriedLine(i: AgendaItem): string {
  const mark =
    i.supervisedSince !== null
      ? i.supervisor
        ? t('meeting.carried.supervised', { leader: i.supervisor.name })
        : t('meeting.carried.supervisedNoLeader')
      : i.appearances === 2
        ? t('meeting.carried.second')
        : '';
  return t('meeting.carried.line', { mark, title: i.title, n: i.appearances, step: step(i.nextStep) });
}

function carriedLines(a: Agenda): string[] {
  const lines = a.carried.length ? a.carried.map(carriedLine) : [t('meeting.none')];
  if (a.solvedSinceLast.length) lines.push(t('meeting.carried.solved', { items: a.solvedSinceLast.map((i) => i.title).join('；') }));
  return lines;
}

function weeklySections(a: WeeklyAgenda): DocumentSection[] {
  const grids = a.grids.map((g) =>
    t('meeting.grid.line', {
      code: g.grid.code,
      name: g.grid.name,
      reported: g.events.reported,
      solved: g.events.solved,
      open: g.events.open,
      returned: returnedPart(g.events.returned),
      info: rate(g.infoReports),
      patrol: rate(g.patrols),
    }) +
      (g.overdueVisits ? t('meeting.grid.overdueVisits', { count: g.overdueVisits }) : '') +
      (g.notable.length ? `\n${t('meeting.grid.notable', { items: g.notable.join('；') })}` : ''),
  );
  const problems = a.problems.map((p) =>
    p.open
      ? t('meeting.problem.open', { number: p.number, title: p.title, step: step(p.nextStep) })
      : t(eventStanding(p.state as EventState) === 'returned' ? 'meeting.problem.returned' : 'meeting.problem.solved', { number: p.number, title: p.title }),
  );
  return [
    { heading: t('meeting.section.grids'), paragraphs: grids.length ? grids : [t('meeting.none')] },
    { heading: t('meeting.section.problems'), paragraphs: problems.length ? problems : [t('meeting.none')] },
    { heading: t('meeting.section.carried'), paragraphs: carriedLines(a) },
  ];
}

function monthlySections(a: MonthlyAgenda): DocumentSection[] {
  const communities = a.communities.map((c) =>
    t('meeting.community.line', {
      name: c.community.name,
      reported: c.events.reported,
      categories:
        Object.entries(c.events.byCategory)
          .sort((x, y) => y[1] - x[1])
          .map(([k, v]) => `${k}${v}`)
          .join('、') || t('meeting.none'),
      solved: c.events.solved,
      open: c.events.open,
      returned: returnedPart(c.events.returned),
      escalated: c.events.escalated,
      tasks: rate(c.tasks),
      info: rate(c.infoReports),
      patrol: rate(c.patrols),
      daiban: c.daiban ? t('meeting.community.daiban', { rate: rate(c.daiban) }) : '',
    }),
  );
  const plans = a.communities.filter((c) => c.plan).map((c) => t('meeting.plan.line', { name: c.community.name, text: c.plan!.text, by: c.plan!.submittedBy }));
  plans.push(a.missingPlans.length ? t('meeting.plan.missing', { names: a.missingPlans.map((u) => u.name).join('、') }) : t('meeting.plan.allIn'));
  const hard = a.hardCases.map((h) =>
    t('meeting.hardCase.line', { number: h.number, title: h.title, reasons: h.reasons.map((r) => t(`meeting.hardCase.${r}` as TextKey)).join('，'), step: step(h.nextStep) }),
  );
  return [
    { heading: t('meeting.section.communities'), paragraphs: communities.length ? communities : [t('meeting.none')] },
    { heading: t('meeting.section.plans', { month: a.planMonth }), paragraphs: plans },
    { heading: t('meeting.section.problemsMonthly'), paragraphs: carriedLines(a) },
    { heading: t('meeting.section.hardCases'), paragraphs: hard.length ? hard : [t('meeting.none')] },
  ];
}

/** What is stored with the meeting and shown again without recomposing. */
export interface AgendaSnapshot {
  title: string;
  subtitle: string;
  fields: { label: string; value: string }[];
  sections: DocumentSection[];
  chart: ChartSpec;
}

export function agendaSnapshot(calendar: WorkingCalendar, a: Agenda): AgendaSnapshot {
  const kind = kindName(a);
  const title = t('meeting.agenda.title', { kind, unit: a.unit.name, when: when(calendar, a.at) });
  const subtitle = t('meeting.agenda.subtitle', { kind, unit: a.unit.name, when: when(calendar, a.at), from: day(calendar, a.reviews.from), to: day(calendar, new Date(a.reviews.to.getTime() - 1)) });
  const supervised = a.carried.filter((i) => i.supervisedSince !== null).length;
  const fields = [{ label: t('meeting.field.events'), value: t('meeting.field.eventsValue', { reported: a.totals.reported, solved: a.totals.solved, open: a.totals.open, returned: a.totals.returned ? t('meeting.field.returnedPart', { returned: a.totals.returned }) : '' }) }];
  if (a.kind === 'monthly') fields.push({ label: t('meeting.field.tasks'), value: rate(a.totals.tasks) });
  fields.push({ label: t('meeting.field.infoReports'), value: rate(a.totals.infoReports) }, { label: t('meeting.field.patrols'), value: rate(a.totals.patrols) });
  fields.push({ label: t('meeting.field.carried'), value: t('meeting.field.carriedValue', { count: a.carried.length, supervised }) });
  if (a.kind === 'monthly') {
    fields.push({ label: t('meeting.field.hardCases'), value: String(a.hardCases.length) });
    fields.push({ label: t('meeting.field.missingPlans'), value: a.missingPlans.map((u) => u.name).join('、') || t('meeting.none') });
  }
  const chartTitle = t(`meeting.chart.${a.chart.measure}` as TextKey, { unit: a.unit.name });
  const asciiTitle = a.chart.measure === 'events_per_grid' ? `Events per grid, week before ${a.key}` : `Events by category, ${a.key}`;
  return {
    title,
    subtitle,
    fields,
    sections: a.kind === 'weekly' ? weeklySections(a) : monthlySections(a),
    chart: { title: chartTitle, asciiTitle, bars: a.chart.bars },
  };
}

/** Lines per agenda section on the card; the exported document has them all. */
export const CARD_LINES_PER_SECTION = 10;

export function agendaCard(s: AgendaSnapshot, imageUrl: string | null): Card {
  const lines: string[] = [];
  for (const section of s.sections) {
    lines.push(section.heading, ...section.paragraphs.slice(0, CARD_LINES_PER_SECTION));
    const more = section.paragraphs.length - CARD_LINES_PER_SECTION;
    if (more > 0) lines.push(t('meeting.card.more', { count: more }));
  }
  return {
    title: s.title,
    fields: s.fields,
    lines,
    buttons: [
      { label: t('meeting.button.minutes'), command: '纪要' },
      { label: t('meeting.button.export'), command: '导出纪要' },
    ],
    ...(imageUrl ? { imageUrl } : {}),
  };
}

export function minuteLines(calendar: WorkingCalendar, minutes: MinuteEntry[]): string[] {
  if (!minutes.length) return [t('meeting.minutes.empty')];
  return minutes.map((m, i) =>
    m.kind === 'decision'
      ? t('meeting.decision.line', { n: i + 1, text: m.text, name: m.responsibleName ?? '', deadline: m.deadline ? calendar.formatMoment(m.deadline) : '', task: m.taskNumber ?? '' })
      : t('meeting.note.line', { n: i + 1, text: m.text }),
  );
}

export function meetingName(calendar: WorkingCalendar, m: Pick<StoredMeeting, 'kind' | 'heldAt'>): string {
  return `${day(calendar, m.heldAt)}${t(`meeting.kind.${m.kind}` as TextKey)}`;
}

export function minutesCard(calendar: WorkingCalendar, m: StoredMeeting, minutes: MinuteEntry[]): Card {
  return { title: t('meeting.minutes.title', { meeting: meetingName(calendar, m) }), lines: minuteLines(calendar, minutes) };
}

/** The export: the agenda as posted, then the minutes. */
export function meetingDocument(calendar: WorkingCalendar, m: StoredMeeting, s: AgendaSnapshot, minutes: MinuteEntry[]): MeetingDocument {
  const figures = { heading: s.title, paragraphs: [], table: { header: ['项目', '数值'], rows: s.fields.map((f) => [f.label, f.value]) } };
  return {
    title: t('meeting.minutes.title', { meeting: meetingName(calendar, m) }),
    subtitle: s.subtitle,
    sections: [figures, ...s.sections, { heading: t('meeting.section.minutes'), paragraphs: minuteLines(calendar, minutes) }],
  };
}
