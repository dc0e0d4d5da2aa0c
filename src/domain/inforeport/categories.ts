/**
 * The twice-weekly general information report (每周二、五报送): its categories and how a
 * gridworker's answer is read — `无变化`, or one line per category that changed.
 */
import { lookup } from '../lookup';

/** The categories of the regulation, in the order the prompt card lists them. */
export const INFO_CATEGORIES = ['住户变动', '婚丧嫁娶', '怀孕出生', '人员流动', '住(商)户搬迁', '市容环境', '安全隐患', '矛盾纠纷', '其他'] as const;
export type InfoCategory = (typeof INFO_CATEGORIES)[number];

/** Other ways people write a category (full-width brackets, short forms). */
const ALIASES: Record<string, InfoCategory> = {
  '住（商）户搬迁': '住(商)户搬迁',
  住商户搬迁: '住(商)户搬迁',
  搬迁: '住(商)户搬迁',
  住户: '住户变动',
  婚丧: '婚丧嫁娶',
  出生: '怀孕出生',
  流动: '人员流动',
  市容: '市容环境',
  隐患: '安全隐患',
  纠纷: '矛盾纠纷',
};

export interface InfoItem {
  category: InfoCategory;
  detail: string;
}

export type InfoAnswer = { unchanged: true } | { unchanged: false; items: InfoItem[] };

export type InfoParse = { ok: true; answer: InfoAnswer } | { ok: false; reason: 'empty' | 'unknown_category' | 'missing_detail' | 'duplicate_category'; line?: string };

export const MAX_DETAIL_LENGTH = 500;

/** A category by its name, an alias, or its number on the card (1–9). */
export function categoryOf(word: string): InfoCategory | null {
  const w = word.trim();
  if (/^[1-9]$/.test(w)) return INFO_CATEGORIES[Number(w) - 1] ?? null;
  if ((INFO_CATEGORIES as readonly string[]).includes(w)) return w as InfoCategory;
  return lookup(ALIASES, w) ?? null;
}

const UNCHANGED = new Set(['无变化', '无', '没有变化', '无异常', '正常']);

/** Reads `无变化`, or lines like `住户变动：3号楼新迁入一户` / `安全隐患 楼道堆放杂物`. */
export function parseInfoAnswer(text: string): InfoParse {
  const lines = text.split(/\n|；|;/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return { ok: false, reason: 'empty' };
  if (lines.length === 1 && UNCHANGED.has(lines[0])) return { ok: true, answer: { unchanged: true } };
  const items: InfoItem[] = [];
  for (const line of lines) {
    const m = /^([^\s:：,，]+)[\s:：,，]*([\s\S]*)$/.exec(line)!;
    const category = categoryOf(m[1]);
    if (!category) return { ok: false, reason: 'unknown_category', line };
    const detail = m[2].trim().slice(0, MAX_DETAIL_LENGTH);
    if (!detail) return { ok: false, reason: 'missing_detail', line };
    if (items.some((i) => i.category === category)) return { ok: false, reason: 'duplicate_category', line };
    items.push({ category, detail });
  }
  return { ok: true, answer: { unchanged: false, items } };
}

