/**
 * Privacy on the way out (DESIGN §3 step 5): everything addressed to a group conversation passes
 * this one step, whatever feature made it. Features do not mask for themselves.
 */
import { containsPersonalData, maskPersonalData } from '../domain/privacy/personal-data';
import type { BotMessage, Card, CardButton } from './message';

export interface Audience {
  kind: 'conversation' | 'user';
  /** Set only on a conversation known to be 1:1; anything else counts as a group. */
  direct?: boolean;
}

/** Only a message to a person, or into a conversation known to be 1:1, stays complete. */
export function isGroupAudience(target: Audience): boolean {
  return target.kind !== 'user' && target.direct !== true;
}

/** A message as it may be delivered to `target`: masked for a group, untouched 1:1. */
export function forAudience(target: Audience, message: BotMessage): BotMessage {
  return isGroupAudience(target) ? maskForGroup(message) : message;
}

export function maskForGroup(message: BotMessage): BotMessage {
  const masked: BotMessage = { ...message, text: maskPersonalData(message.text) };
  if (message.card) masked.card = maskCard(message.card);
  if (message.file) masked.file = { ...message.file, name: maskPersonalData(message.file.name), url: maskPersonalData(message.file.url) };
  return masked;
}

function maskCard(card: Card): Card {
  const out: Card = { ...card, title: maskPersonalData(card.title) };
  if (card.fields) out.fields = card.fields.map((f) => ({ label: maskPersonalData(f.label), value: maskPersonalData(f.value) }));
  if (card.lines) out.lines = card.lines.map(maskPersonalData);
  if (card.buttons) out.buttons = card.buttons.flatMap(maskButton);
  if (card.imageUrl && !card.imageUrl.startsWith('data:')) out.imageUrl = maskPersonalData(card.imageUrl);
  return out;
}

/**
 * The label is masked; the command never is, because a masked command would no longer do what
 * the button says. A button whose command itself carries personal data cannot be shown in a
 * group at all (platforms show the command as its link or its text fallback): it is left out,
 * and the same action stays available 1:1.
 */
function maskButton(button: CardButton): CardButton[] {
  if (containsPersonalData(button.command)) return [];
  return [{ ...button, label: maskPersonalData(button.label) }];
}
