/**
 * What an admin types to change a schedule, and how a cron pattern reads in Chinese:
 * `15:30` (same days, new time), `周二,周五 09:00`, `每天 16:00`, `默认`, or a raw cron
 * expression (5 fields, or 6 with seconds — handy for trying a schedule out).
 */
import { listWords } from '../commands/understand';
import { lookup } from '../../domain/lookup';

export type PatternInput = { ok: true; pattern: string | null } | { ok: false };

const DAY_WORDS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 0, 天: 0, '1': 1, '2': 2, '3': 3, '4': 4, '5': 5, '6': 6, '7': 0 };
const DAY_NAMES = ['日', '一', '二', '三', '四', '五', '六'];
const CRON_FIELD = /^[0-9*?/,LW#-]+$|^[A-Za-z0-9*?/,LW#-]+$/;

function clock(word: string): { h: number; m: number } | null {
  const match = /^([01]?\d|2[0-3])[:：]([0-5]\d)$/.exec(word);
  return match ? { h: Number(match[1]), m: Number(match[2]) } : null;
}

function days(word: string): string | null {
  if (listWords('input.everyDay').includes(word)) return '*';
  if (listWords('input.workdays').includes(word)) return '1-5';
  if (!/^每?(周|星期)/.test(word)) return null;
  const parts = word.replace(/^每/, '').split(/[,，、]/).map((p) => p.replace(/^(周|星期)/, '')).filter(Boolean);
  const nums: number[] = [];
  for (const p of parts) {
    const day = lookup(DAY_WORDS, p);
    if (day === undefined) return null;
    nums.push(day);
  }
  return nums.length ? [...new Set(nums)].sort().join(',') : null;
}

export function parsePatternInput(input: string, current: string): PatternInput {
  const text = input.trim();
  if (listWords('input.default').includes(text)) return { ok: true, pattern: null };
  const words = text.split(/\s+/);
  if (words.length === 1) {
    const c = clock(words[0]);
    if (!c) return { ok: false };
    const dow = current.trim().split(/\s+/)[5] ?? '*';
    return { ok: true, pattern: `0 ${c.m} ${c.h} * * ${dow}` };
  }
  if (words.length === 2) {
    const d = days(words[0]);
    const c = clock(words[1]);
    if (!d || !c) return { ok: false };
    return { ok: true, pattern: `0 ${c.m} ${c.h} * * ${d}` };
  }
  if ((words.length === 5 || words.length === 6) && words.every((w) => CRON_FIELD.test(w))) {
    return { ok: true, pattern: words.length === 5 ? `0 ${text}` : words.join(' ') };
  }
  return { ok: false };
}

/** `0 0 9 * * 2,5` → 每周二、五 09:00; anything unusual is shown as the cron itself. */
export function describePattern(pattern: string): string {
  const f = pattern.trim().split(/\s+/);
  if (f.length !== 6 || f[0] !== '0' || !/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2]) || f[3] !== '*' || f[4] !== '*') return `cron ${pattern}`;
  const time = `${f[2].padStart(2, '0')}:${f[1].padStart(2, '0')}`;
  if (f[5] === '*') return `每天 ${time}`;
  if (f[5] === '1-5') return `每周一至周五 ${time}`;
  if (!/^[0-7](,[0-7])*$/.test(f[5])) return `cron ${pattern}`;
  return `每周${f[5].split(',').map((d) => DAY_NAMES[Number(d) % 7]).join('、')} ${time}`;
}
