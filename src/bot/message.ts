/**
 * What the bot says, in a platform-neutral form. Each channel's render.ts turns it into
 * markdown, a template card or plain text; a card button is always a command the user could type.
 */
export interface CardButton {
  /** What the button shows, e.g. 办结. */
  label: string;
  /** The command it stands for, e.g. `办结 T20261122-0007`: pressing it is the same as typing it. */
  command: string;
  style?: 'primary' | 'danger' | 'default';
}

export interface CardField {
  label: string;
  value: string;
}

export interface Card {
  title: string;
  /** Short key/value lines shown first (编号, 状态, 时限 …). */
  fields?: CardField[];
  /** Free lines below the fields (a timeline, a list). */
  lines?: string[];
  buttons?: CardButton[];
  /** An image (chart) to show with the card, as a URL path served by this bot or a data URL. */
  imageUrl?: string;
}

export interface BotMessage {
  /** The whole message as plain text; channels without cards show only this. */
  text: string;
  card?: Card;
  /** Platform user ids (of the same channel) to @-mention where the channel supports it. */
  mentionUserIds?: string[];
  /** A file to attach (ledger export, document); channels that cannot send files show `url`. */
  file?: { name: string; url: string; mimeType: string };
}

/** Plain text fallback of a card: what a channel without buttons shows, commands included. */
export function cardToText(card: Card): string {
  const out = [`【${card.title}】`];
  for (const f of card.fields ?? []) out.push(`${f.label}：${f.value}`);
  for (const l of card.lines ?? []) out.push(l);
  if (card.buttons?.length) {
    out.push('');
    out.push('可回复：' + card.buttons.map((b) => `「${b.command}」`).join(' '));
  }
  return out.join('\n');
}
