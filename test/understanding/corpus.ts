/**
 * The understanding corpora (utterances.txt, chatter.txt) and how one utterance is judged. Shared by
 * the jest tests and `npm run bench:understanding`, which writes bench/results/understanding.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { Bot } from '../../src/bot/bot';
import { createBotModules } from '../../src/bot/modules';
import { understand, type Understanding } from '../../src/bot/commands/understand';
import type { CommandRegistry } from '../../src/bot/commands/framework';
import { parseDeadline } from '../../src/domain/calendar/deadline-parser';
import { WorkingCalendar } from '../../src/domain/calendar/working-calendar';
import { silentLogger } from '../../src/log';

export type Where = 'dm' | '@' | 'group' | 'deadline';
export interface Utterance {
  line: number;
  where: Where;
  text: string;
  expected: string;
}

const DIR = __dirname;
/** The default calendar (the deployment's zone, the statutory arrangement): deadlines are read in it. */
const calendar = new WorkingCalendar();
/** Tuesday 2026-11-24 10:00 in the calendar's zone: the moment deadline utterances are read at. */
export const CORPUS_NOW = DateTime.fromISO('2026-11-24T10:00', { zone: calendar.timeZone }).toJSDate();

export function loadUtterances(): Utterance[] {
  return fs
    .readFileSync(path.join(DIR, 'utterances.txt'), 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() && !raw.startsWith('#'))
    .map(({ raw, line }) => {
      const [where, text, expected] = raw.split(' | ');
      if (!['dm', '@', 'group', 'deadline'].includes(where) || text === undefined || expected === undefined) throw new Error(`utterances.txt:${line}: expected "where | text | expected"`);
      return { line, where: where as Where, text, expected: expected.trim() };
    });
}

export function loadChatter(): string[] {
  return fs
    .readFileSync(path.join(DIR, 'chatter.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
}

export function registry(): CommandRegistry {
  return new Bot(createBotModules().modules, silentLogger).commands;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** What the bot made of an utterance, in the corpus's notation. */
export function interpret(u: Utterance, commands: CommandRegistry): string {
  if (u.where === 'deadline') {
    const result = parseDeadline(u.text, CORPUS_NOW, calendar);
    return result.ok ? DateTime.fromJSDate(result.deadline, { zone: calendar.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm") : 'error';
  }
  const understood: Understanding = understand(u.text, commands, { addressed: u.where !== 'group', inDialog: false, mayUse: () => true });
  switch (understood.kind) {
    case 'ignore':
      return '-';
    case 'offerReport':
      return '!offer';
    case 'unknown':
      return understood.suggestions.map((s) => `?${s.command.name}`).join(' ') || '?';
    case 'command':
      return squash(`${understood.match.command.name} ${understood.match.rest}`);
  }
}

/** The bot's reading of what a channel queued for an utterance (its text and whether it was addressed). */
export function interpretInbound(u: Utterance, inbound: { text: string; mentionedBot?: boolean; conversation: { kind: string } }, commands: CommandRegistry): string {
  const addressed = inbound.conversation.kind === 'direct' || inbound.mentionedBot === true;
  return interpret({ ...u, text: inbound.text, where: addressed ? '@' : 'group' }, commands);
}

/** Whether the interpretation is the expected one (a command may be expected by any of its words). */
export function judge(u: Utterance, got: string, commands: CommandRegistry): boolean {
  const expected = u.expected;
  if (u.where === 'deadline' || expected === '-' || expected === '!offer') return got === expected;
  if (expected.startsWith('?')) {
    const wanted = commands.find(expected.slice(1));
    return got.split(' ').some((s) => s.startsWith('?') && commands.find(s.slice(1)) === wanted);
  }
  const [word, ...rest] = expected.split(' ');
  const [gotWord, ...gotRest] = got.split(' ');
  return commands.find(word) !== undefined && commands.find(word) === commands.find(gotWord) && squash(rest.join(' ')) === squash(gotRest.join(' '));
}

/**
 * Whether the bot's answers (plain text, as a channel without cards shows them) to an utterance
 * are the expected reading: nothing, a report offer, suggestions naming the command, or the command
 * itself run (an answer that is neither of those; its own refusals included).
 */
export function judgeReplies(u: Utterance, replies: string[]): boolean {
  const all = replies.join('\n');
  const suggested = [...all.matchAll(/「([^」]+)」/g)].map((m) => m[1].split(' ')[0]);
  const isOffer = all.includes('要上报为事件吗');
  const isSuggestion = all.includes('这个命令');
  if (u.expected === '-') return replies.length === 0;
  if (u.expected === '!offer') return isOffer;
  if (u.expected.startsWith('?')) return isSuggestion && suggested.includes(u.expected.slice(1));
  return replies.length > 0 && !isOffer && !isSuggestion;
}
