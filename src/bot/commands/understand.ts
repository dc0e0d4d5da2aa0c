/**
 * How a message is read before anything runs: a command (by its declared word at the start, with
 * or without a separator), chatter the bot was not addressed with (ignored), a problem worth
 * offering as a report, or an unknown command with at most three likely ones. Pure: no I/O.
 */
import { t, type TextKey } from '../texts';
import { inputWords, type Command, type CommandMatch, type CommandRegistry } from './framework';

export const MAX_SUGGESTIONS = 3;

export type Understanding =
  | { kind: 'command'; match: CommandMatch }
  /** A group message not addressed to the bot that is not unmistakably a command. */
  | { kind: 'ignore' }
  /** Addressed, not a command, and it describes a problem: offer to file it. */
  | { kind: 'offerReport'; text: string }
  /** Addressed, not a command: the likely commands, each with the line its button would send. */
  | { kind: 'unknown'; word: string; suggestions: Suggestion[] };

export interface Suggestion {
  command: Command;
  /** What pressing the button sends (`上报 路灯坏了`). */
  line: string;
  /** Found by a synonym or within an edit or two of the first word (not merely shared characters). */
  close: boolean;
}

export interface Situation {
  /** 1:1, or a group message that @-mentions the bot. */
  addressed: boolean;
  /** A dialog is waiting for this sender's answer: only an unmistakable command interrupts it. */
  inDialog: boolean;
  /** Whether the sender may use a command (suggestions offer only those). */
  mayUse(command: Command): boolean;
}

/**
 * A command word that could not be ordinary talk: it stands alone or is followed by a separator,
 * and it is a real word (two or more characters), not `?`.
 */
export function isUnmistakable(match: CommandMatch): boolean {
  return match.separated && [...match.word].length >= 2;
}

export function understand(text: string, registry: CommandRegistry, situation: Situation): Understanding {
  const match = registry.match(text);
  if (match && isUnmistakable(match)) return { kind: 'command', match };
  if (match && situation.addressed && !situation.inDialog) return { kind: 'command', match };
  if (!situation.addressed || situation.inDialog) return { kind: 'ignore' };
  // `报个事 路灯坏了` or `上保 …` names a command (by a synonym, or misspelt): suggest it rather than offer a report.
  const suggestions = suggest(text, registry, situation.mayUse);
  if (!suggestions.some((s) => s.close) && describesProblem(text)) return { kind: 'offerReport', text: text.trim() };
  return { kind: 'unknown', word: firstWord(text), suggestions };
}

/** The longest synonym from the catalogue that the text starts with, and the command name it stands for. */
function synonymAt(text: string): [string, string] | undefined {
  const trimmed = text.trim();
  return [...inputWords('input.synonyms')].sort((a, b) => b[0].length - a[0].length).find(([phrase]) => trimmed.startsWith(phrase));
}

/** Whether the text names something wrong in the grid (a word from `input.problemWords`). */
export function describesProblem(text: string): boolean {
  return listWords('input.problemWords').some((w) => text.includes(w));
}

/** The first word as the user typed it, for "没有「…」这个命令" (at most 12 characters). */
export function firstWord(text: string): string {
  const head = text.trim().split(/[\s\u3000:：,，、。;；!！?？]+/, 1)[0] ?? '';
  return [...head].slice(0, 12).join('');
}

/** A list from the catalogue: `坏了、漏水、…`. */
export function listWords(key: TextKey): string[] {
  return t(key)
    .split(/[、,，;；\s]+/)
    .map((w) => w.trim())
    .filter(Boolean);
}

const SEPARATOR = /^[\s\u3000:：,，、。;；!！~～]+/;

/**
 * Likely commands for an unknown first word: a synonym the catalogue lists (`报个事` → 上报, the
 * rest of the line carried over), then declared words within one edit (`签倒` → 签到), then
 * words sharing most of their characters (`看考勤` → 考勤).
 */
export function suggest(text: string, registry: CommandRegistry, mayUse: (c: Command) => boolean): Suggestion[] {
  const trimmed = text.trim();
  const scored: { command: Command; line: string; score: number }[] = [];
  const add = (command: Command | undefined, line: string, score: number) => {
    if (command && mayUse(command)) scored.push({ command, line, score });
  };
  const CLOSE = 30;

  const synonym = synonymAt(trimmed);
  if (synonym) {
    const command = registry.find(synonym[1]);
    const rest = trimmed.slice(synonym[0].length).replace(SEPARATOR, '').trim();
    add(command, rest ? `${command?.name} ${rest}` : (command?.name ?? ''), 100);
  }

  const head = firstWord(trimmed);
  for (const [word, command] of registry.words()) {
    const length = [...word].length;
    if (length < 2 || !/[\u4e00-\u9fff]/.test(word)) continue;
    // Compare the word with the start of the message of about the same length.
    let best = Infinity;
    let used = 0;
    // A two-character word is compared with two characters only: `办` is within one edit of every `…办`.
    const shortest = length >= 3 ? length - 1 : length;
    for (let n = length; n >= shortest && n >= 1; n--) {
      const d = editDistance(word, [...head].slice(0, n).join(''));
      if (d < best) {
        best = d;
        used = n;
      }
    }
    const allowed = length >= 4 ? 2 : 1;
    // A misspelt command word still stands as a word: alone, or followed by a separator (`签倒`, `上保 幸福路`).
    const after = [...trimmed].slice(used).join('');
    if (best <= allowed && (after === '' || SEPARATOR.test(after))) {
      const rest = after.replace(SEPARATOR, '').trim();
      add(command, rest ? `${command.name} ${rest}` : command.name, 50 - best * 10);
      continue;
    }
    const shared = [...new Set(word)].filter((c) => head.includes(c)).length;
    if (shared >= 2 || (shared === 1 && length === 2 && head.length <= 4)) add(command, command.name, (10 * shared) / length);
  }

  const seen = new Set<string>();
  return scored
    .sort((a, b) => b.score - a.score)
    .filter((s) => (seen.has(s.command.id) ? false : (seen.add(s.command.id), true)))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ command, line, score }) => ({ command, line, close: score >= CLOSE }));
}

/** Levenshtein distance over characters (code points). */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}
