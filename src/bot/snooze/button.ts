/** The 稍后提醒 button every reminder card carries: pressing it offers the three times. */
import type { CardButton } from '../message';
import { t } from '../texts';

export function snoozeButton(number: string): CardButton {
  return { label: t('snooze.button'), command: `${t('snooze.command')} ${number}` };
}
