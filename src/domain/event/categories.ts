/**
 * Two-level event categories (类别 | 事项), the default catalogue an admin starts from, and a
 * keyword suggestion for a report typed without one.
 */
import type { CategoryRef } from './event';

export interface CategoryItem {
  /** 事项, e.g. 消防通道堵塞 */
  name: string;
  keywords: readonly string[];
}

export interface EventCategory {
  /** 类别, e.g. 安全隐患 */
  name: string;
  keywords: readonly string[];
  items: readonly CategoryItem[];
}

/** A deployment's catalogue; admins edit it, so it is data. */
export type EventCatalogue = readonly EventCategory[];

/** The catch-all category a report falls into when nothing matches. */
export const OTHER_CATEGORY = '其他';

export const DEFAULT_EVENT_CATALOGUE: EventCatalogue = [
  {
    name: '环境卫生',
    keywords: ['卫生', '环境', '脏'],
    items: [
      { name: '垃圾堆放', keywords: ['垃圾', '堆放', '乱扔', '垃圾桶', '清运', '建筑垃圾'] },
      { name: '污水排放', keywords: ['污水', '排污', '臭水', '下水道', '化粪池', '堵塞外溢'] },
      { name: '卫生死角', keywords: ['死角', '蚊蝇', '老鼠', '异味', '臭味'] },
    ],
  },
  {
    name: '安全隐患',
    keywords: ['隐患', '安全', '危险'],
    items: [
      { name: '消防通道堵塞', keywords: ['消防通道', '通道堵塞', '占用通道', '楼道堆物', '消防栓', '灭火器'] },
      { name: '电动车违规充电', keywords: ['电动车', '充电', '飞线', '电瓶', '楼道充电'] },
      { name: '燃气隐患', keywords: ['燃气', '煤气', '漏气', '液化气', '天然气'] },
      { name: '房屋安全', keywords: ['危房', '墙体开裂', '倒塌', '裂缝', '坍塌', '高空坠物'] },
    ],
  },
  {
    name: '矛盾纠纷',
    keywords: ['纠纷', '矛盾', '吵架', '争吵'],
    items: [
      { name: '邻里纠纷', keywords: ['邻居', '邻里', '噪音', '漏水', '扰民'] },
      { name: '家庭纠纷', keywords: ['家庭', '夫妻', '婚姻', '赡养', '家暴'] },
      { name: '物业纠纷', keywords: ['物业', '物业费', '业委会'] },
      { name: '劳资纠纷', keywords: ['工资', '欠薪', '拖欠', '讨薪', '工钱'] },
    ],
  },
  {
    name: '市容环境',
    keywords: ['市容', '乱'],
    items: [
      { name: '占道经营', keywords: ['占道', '摆摊', '流动摊贩', '出店经营'] },
      { name: '违章搭建', keywords: ['违建', '违章搭建', '私搭乱建', '搭棚'] },
      { name: '乱张贴', keywords: ['小广告', '张贴', '涂鸦', '乱贴'] },
      { name: '道路设施损坏', keywords: ['井盖', '路灯', '路面', '坑洼', '护栏', '破损'] },
      { name: '乱停车', keywords: ['乱停', '停车', '堵路', '僵尸车'] },
    ],
  },
  {
    name: '治安',
    keywords: ['治安', '报警', '警察'],
    items: [
      { name: '可疑人员', keywords: ['可疑', '陌生人', '形迹可疑'] },
      { name: '盗窃', keywords: ['偷', '盗窃', '被盗', '失窃', '丢失'] },
      { name: '打架斗殴', keywords: ['打架', '斗殴', '打人', '动手'] },
      { name: '诈骗', keywords: ['诈骗', '骗子', '骗钱', '传销'] },
    ],
  },
  {
    name: '民生服务',
    keywords: ['民生', '服务', '求助', '帮助'],
    items: [
      { name: '困难帮扶', keywords: ['困难', '低保', '救助', '残疾', '生活困难'] },
      { name: '独居老人', keywords: ['独居', '老人', '空巢', '高龄'] },
      { name: '供水供电', keywords: ['停水', '停电', '水管', '爆管', '水压'] },
      { name: '就业社保', keywords: ['就业', '社保', '医保', '失业'] },
    ],
  },
  { name: OTHER_CATEGORY, keywords: [], items: [] },
];

export interface CategorySuggestion extends CategoryRef {
  /** Sum of the lengths of the matched keywords: longer, more specific matches weigh more. */
  score: number;
}

/**
 * The best-matching category (and item, when an item's keyword matched) for a report's text,
 * or null when nothing matched. Ties go to the catalogue's order.
 */
export function suggestCategory(text: string, catalogue: EventCatalogue = DEFAULT_EVENT_CATALOGUE): CategorySuggestion | null {
  let best: CategorySuggestion | null = null;
  for (const category of catalogue) {
    const categoryScore = matchScore(text, category.keywords) + (text.includes(category.name) ? category.name.length : 0);
    let item: string | null = null;
    let itemScore = 0;
    for (const candidate of category.items) {
      const score = matchScore(text, candidate.keywords) + (text.includes(candidate.name) ? candidate.name.length : 0);
      if (score > itemScore) {
        item = candidate.name;
        itemScore = score;
      }
    }
    const score = categoryScore + itemScore;
    if (score > 0 && (!best || score > best.score)) best = { category: category.name, item, score };
  }
  return best;
}

function matchScore(text: string, keywords: readonly string[]): number {
  return keywords.reduce((sum, keyword) => (keyword !== '' && text.includes(keyword) ? sum + keyword.length : sum), 0);
}

/**
 * Reads a category as a user names it: `安全隐患|消防通道堵塞` (also `｜`, `/`, `-`),
 * `安全隐患`, or an item alone (`消防通道堵塞`). Null when the catalogue has no such name.
 */
export function resolveCategory(input: string, catalogue: EventCatalogue = DEFAULT_EVENT_CATALOGUE): CategoryRef | null {
  const [first, second] = input.trim().split(/\s*[|｜/／-]\s*/);
  if (!first) return null;
  const category = catalogue.find((c) => c.name === first);
  if (category) {
    if (second === undefined || second === '') return { category: category.name, item: null };
    const item = category.items.find((i) => i.name === second);
    return item ? { category: category.name, item: item.name } : null;
  }
  if (second !== undefined) return null;
  for (const c of catalogue) {
    const item = c.items.find((i) => i.name === first);
    if (item) return { category: c.name, item: item.name };
  }
  return null;
}

/** `安全隐患|消防通道堵塞`, or the category alone. */
export function formatCategory(ref: CategoryRef): string {
  return ref.item ? `${ref.category}|${ref.item}` : ref.category;
}
