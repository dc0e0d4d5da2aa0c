/** Looks up and fills texts: `t('bind.ok', { name })`. Placeholders are `{name}`. */
import fs from 'node:fs';
import { zhCN } from './zh-CN';
import { hasEntry, lookup } from '../../domain/lookup';

export type TextKey = keyof typeof zhCN;
export type TextParams = Record<string, string | number>;

let overrides: Partial<Record<string, string>> = {};

/** Loads deployer overrides once at start; unknown keys are refused so typos are noticed. */
export function loadTextOverrides(file: string | undefined): void {
  if (!file) {
    overrides = {};
    return;
  }
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: expected a JSON object of text key → text`);
  for (const [key, value] of Object.entries(parsed)) {
    if (!hasEntry(zhCN, key)) throw new Error(`${file}: unknown text key "${key}"`);
    if (typeof value !== 'string') throw new Error(`${file}: text "${key}" must be a string`);
  }
  overrides = parsed as Record<string, string>;
}

export function t(key: TextKey, params: TextParams = {}): string {
  const template = lookup(overrides as Record<string, string>, key) ?? zhCN[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (hasEntry(params, name) ? String(params[name]) : whole));
}
