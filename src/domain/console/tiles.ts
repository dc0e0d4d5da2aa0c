/**
 * The console map's optional base-map tiles: an address template with {z}, {x} and {y} (a
 * Web-Mercator "slippy map" server). Only https, or http on this machine; no credentials, no other
 * placeholders. The page's Content-Security-Policy lets images come from the template's origin.
 */
export type TileTemplateCheck = { ok: true; template: string; origin: string } | { ok: false; reason: 'scheme' | 'placeholders' | 'invalid' };

const MAX_LENGTH = 500;
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function parseTileTemplate(input: string): TileTemplateCheck {
  const template = input.trim();
  if (!template || template.length > MAX_LENGTH || /[\s"'<>\\;,`]/.test(template)) return { ok: false, reason: 'invalid' };
  const placeholders = template.match(/\{[^{}]*\}/g) ?? [];
  const sorted = [...placeholders].sort().join('');
  if (sorted !== '{x}{y}{z}' || /[{}]/.test(template.replace(/\{[xyz]\}/g, ''))) return { ok: false, reason: 'placeholders' };
  let url: URL;
  try {
    url = new URL(template.replace(/\{[xyz]\}/g, '0'));
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (url.username || url.password || !url.hostname) return { ok: false, reason: 'invalid' };
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname)))) return { ok: false, reason: 'scheme' };
  // The placeholders must lie in the path or query, never in the host (the origin is fixed).
  if (/[{}]/.test(template.slice(0, template.indexOf(url.host) + url.host.length))) return { ok: false, reason: 'placeholders' };
  return { ok: true, template, origin: url.origin };
}
