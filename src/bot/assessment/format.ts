/** Cards and lines of assessment: a score's breakdown, a ranking, a period summary. */
import { INDICATORS, type AssessmentPeriod, type AssessmentRules, type AssessmentScore, type Grade, type IndicatorScore, type Ranked, type Ratio } from '../../domain/assessment';
import { cardToText, type BotMessage, type Card } from '../message';
import { t, type TextKey } from '../texts';
import type { AssessmentFacts } from '../../domain/assessment';
import type { UnitResult } from './service';

const num = (n: number) => (Math.round(n * 10) / 10).toFixed(1).replace(/\.0$/, '');

export const gradeName = (g: Grade) => t(`assess.grade.${g}` as TextKey);
export const indicatorName = (i: IndicatorScore['indicator']) => t(`assess.indicator.${i}` as TextKey);

export function ratioText(r: Ratio | null): string {
  if (!r || r.of === 0) return t('stats.rateNone');
  return t('assess.ratio', { done: String(r.done), of: String(r.of), percent: num((r.done / r.of) * 100) });
}

/** One indicator: its points, and what it counted (numerator / denominator); 无数据 when nothing was measured. */
function indicatorLine(i: IndicatorScore, rules: AssessmentRules): string {
  const target = rules.targets[i.indicator];
  const params = { name: indicatorName(i.indicator), points: num(i.points), weight: num(i.weight), target: target < 1 ? t('assess.line.target', { target: num(target * 100) }) : '' };
  if (i.ratio === null) return t('assess.line.indicatorExcluded', params);
  const parts = t(`assess.parts.${i.indicator}` as TextKey, { done: String(i.ratio.done), of: String(i.ratio.of) });
  if (i.rate === null) return t('assess.line.indicatorNoData', { ...params, parts, policy: i.counted ? t('assess.noData.full', params) : t('assess.noData.excluded') });
  return t('assess.line.indicator', { ...params, parts, percent: num(i.rate * 100) });
}

/** The rules in force (from the settings): each indicator's formula, weight and target, deductions, grades. */
export function rulesLines(rules: AssessmentRules): string[] {
  return [
    t('assess.rules.title'),
    ...INDICATORS.filter((i) => rules.weights[i] > 0).map((i) =>
      t('assess.rules.indicator', {
        formula: t(`assess.formula.${i}` as TextKey, { hours: String(rules.verificationHours) }),
        weight: num(rules.weights[i]),
        target: num(rules.targets[i] * 100),
      }),
    ),
    t('assess.rules.deductions', { perSupervision: num(rules.deductions.perSupervision), perOverdue: num(rules.deductions.perOverdue), max: num(rules.deductions.max) }),
    t('assess.rules.manual', { maxAdd: num(rules.manual.maxAdd), maxDeduct: num(rules.manual.maxDeduct) }),
    t(rules.noData === 'full' ? 'assess.rules.noData.full' : 'assess.rules.noData.excluded'),
    t('assess.rules.grades', { excellent: num(rules.grades.excellent), pass: num(rules.grades.pass) }),
  ];
}

export function trendText(delta: number | null): string {
  if (delta === null) return '';
  if (delta > 0) return t('assess.trend.up', { delta: num(delta) });
  if (delta < 0) return t('assess.trend.down', { delta: num(-delta) });
  return t('assess.trend.flat');
}

/** The breakdown of one score: every indicator, the deductions, the manual entries. */
export function breakdownLines(score: AssessmentScore, facts: AssessmentFacts, rules: AssessmentRules): string[] {
  // An indicator without points in this deployment (培训学时 by default) is not shown.
  const lines = score.indicators.filter((i) => i.weight > 0).map((i) => indicatorLine(i, rules));
  lines.push(t('assess.line.memberRatings', { done: String(facts.memberRatings?.done ?? 0), of: String(facts.memberRatings?.of ?? 0) }));
  if (score.supervisionDeduction) lines.push(t('assess.line.supervision', { points: num(score.supervisionDeduction), count: String(facts.supervisions) }));
  if (score.overdueDeduction) lines.push(t('assess.line.overdue', { points: num(score.overdueDeduction), count: String(facts.overdue) }));
  if (facts.adjustments.length) {
    const signed = score.manual >= 0 ? `+${num(score.manual)}` : num(score.manual);
    lines.push(t('assess.line.manual', { points: signed, reasons: facts.adjustments.map((a) => a.reason).join('；') }));
  }
  return lines;
}

export function scoreCard(title: string, score: AssessmentScore, facts: AssessmentFacts, rules: AssessmentRules, rank?: { rank: number; of: number; unit: string }): BotMessage {
  const card: Card = {
    title,
    fields: [
      { label: t('assess.field.total'), value: t('assess.field.totalValue', { total: num(score.total), grade: gradeName(score.grade) }) },
      ...(rank ? [{ label: t('assess.field.rank'), value: t('assess.field.rankValue', { rank: String(rank.rank), of: String(rank.of), unit: rank.unit }) }] : []),
    ],
    lines: [
      ...breakdownLines(score, facts, rules),
      t('assess.footer.deductions', { perSupervision: num(rules.deductions.perSupervision), perOverdue: num(rules.deductions.perOverdue), max: num(rules.deductions.max) }),
      t('assess.footer', { excellent: num(rules.grades.excellent), pass: num(rules.grades.pass) }),
    ],
  };
  return { text: cardToText(card), card };
}

export function rankingLines(ranked: readonly Ranked<UnitResult>[], rules: AssessmentRules): string[] {
  return ranked.map((r) =>
    t('assess.line.rank', {
      rank: String(r.rank),
      code: r.item.unit.code,
      name: r.item.unit.name,
      total: num(r.total),
      grade: gradeName(r.total >= rules.grades.excellent ? 'excellent' : r.total >= rules.grades.pass ? 'pass' : 'fail'),
      trend: trendText(r.item.trend),
    }),
  );
}

export function rankingCard(unitName: string, period: AssessmentPeriod, ranked: readonly Ranked<UnitResult>[], rules: AssessmentRules, imageUrl?: string): BotMessage {
  const card: Card = {
    title: t('assess.title.ranking', { name: unitName, period: period.label }),
    lines: [...rankingLines(ranked, rules), t('assess.footer', { excellent: num(rules.grades.excellent), pass: num(rules.grades.pass) })],
    ...(imageUrl ? { imageUrl } : {}),
  };
  return { text: cardToText(card), card };
}

export { num as formatPoints };
