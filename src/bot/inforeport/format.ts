/** The info report's texts: the prompt card, a stored answer in one line, the period summary. */
import { INFO_CATEGORIES, type InfoAnswer } from '../../domain/inforeport/categories';
import type { BotMessage } from '../message';
import { t } from '../texts';

export function promptCard(period: string, names: string[]): BotMessage {
  const lines = [t('report.prompt.intro', { names: names.join('、') }), ...INFO_CATEGORIES.map((c, i) => `${i + 1}. ${c}`), t('report.prompt.howto')];
  const card = {
    title: t('report.prompt.title', { date: period }),
    lines,
    buttons: [
      { label: t('report.button.unchanged'), command: '报送 无变化', style: 'primary' as const },
      { label: t('report.button.guided'), command: '报送' },
    ],
  };
  return { text: [card.title, ...lines].join('\n'), card };
}

export function answerLine(answer: InfoAnswer): string {
  if (answer.unchanged) return t('report.unchanged');
  return answer.items.map((i) => `${i.category}：${i.detail}`).join('；');
}

export function categoryMenu(): string {
  return INFO_CATEGORIES.map((c, i) => `${i + 1}. ${c}`).join('\n');
}
