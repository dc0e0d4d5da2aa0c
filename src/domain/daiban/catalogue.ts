/**
 * The catalogue of 代办 service items the county maintains (by chat or .xlsx): name, the materials
 * a household brings, the office that decides, and the time limit in working days. Until the county
 * changes anything, the defaults below stand: the common items gridworkers help with.
 */
import { MAX_LIMIT_DAYS, MAX_MATERIAL, MAX_MATERIALS, MAX_OFFICE } from './daiban';

export interface CatalogueItem {
  name: string;
  materials: string[];
  office: string;
  limitDays: number;
}

export const MAX_ITEM_NAME = 32;

/** Plausible defaults (the materials commonly asked for); a county corrects them with 代办事项. */
export const DEFAULT_CATALOGUE: readonly CatalogueItem[] = [
  { name: '低保申请', materials: ['身份证', '户口簿', '家庭收入证明', '家庭财产申报表', '低保申请书'], office: '乡镇（街道）社会救助经办窗口', limitDays: 30 },
  { name: '残疾人证办理', materials: ['身份证', '户口簿', '近期一寸免冠照片', '残疾评定申请表'], office: '县残联', limitDays: 20 },
  { name: '医保参保登记', materials: ['身份证', '户口簿', '参保登记表'], office: '县医疗保障局', limitDays: 5 },
  { name: '社保卡办理', materials: ['身份证', '近期一寸免冠照片', '社保卡申领表'], office: '县人力资源和社会保障局', limitDays: 10 },
  { name: '居民身份证办理', materials: ['户口簿', '近期证件照回执'], office: '派出所户籍窗口', limitDays: 20 },
  { name: '临时救助申请', materials: ['身份证', '户口簿', '困难情况说明', '临时救助申请书'], office: '乡镇（街道）社会救助经办窗口', limitDays: 10 },
  { name: '流动人口居住登记', materials: ['身份证', '租房合同或住所证明', '近期一寸免冠照片'], office: '派出所', limitDays: 5 },
];

export type ItemCheck = { ok: true; item: CatalogueItem } | { ok: false; reason: 'bad_name' | 'bad_materials' | 'bad_office' | 'bad_limit' };

/** Splits a typed materials list: 「身份证、户口簿，收入证明」. */
export function splitMaterials(text: string): string[] {
  return text
    .split(/[、,，;；/]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Whether an item (typed or imported) is one the catalogue can hold. */
export function checkItem(raw: { name: string; materials: string[]; office: string; limitDays: number }): ItemCheck {
  const name = raw.name.trim();
  if (!name || [...name].length > MAX_ITEM_NAME || /\s/.test(name)) return { ok: false, reason: 'bad_name' };
  const materials = [...new Set(raw.materials.map((m) => m.trim()).filter(Boolean))];
  if (materials.length > MAX_MATERIALS || materials.some((m) => [...m].length > MAX_MATERIAL)) return { ok: false, reason: 'bad_materials' };
  const office = raw.office.trim();
  if (!office || [...office].length > MAX_OFFICE) return { ok: false, reason: 'bad_office' };
  if (!Number.isInteger(raw.limitDays) || raw.limitDays < 1 || raw.limitDays > MAX_LIMIT_DAYS) return { ok: false, reason: 'bad_limit' };
  return { ok: true, item: { name, materials, office, limitDays: raw.limitDays } };
}

/** An item by its name, or by a word of it when only one item has that word (「低保」→ 低保申请). */
export function findItem(catalogue: readonly CatalogueItem[], word: string): CatalogueItem | { ambiguous: string[] } | null {
  const w = word.trim();
  if (!w) return null;
  const exact = catalogue.find((i) => i.name === w);
  if (exact) return exact;
  const partial = catalogue.filter((i) => i.name.includes(w));
  if (partial.length === 1) return partial[0];
  return partial.length ? { ambiguous: partial.map((i) => i.name) } : null;
}
