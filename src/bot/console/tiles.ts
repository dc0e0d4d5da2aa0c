/** The console map's optional base-map tile template (设置地图底图), one setting for the deployment. */
import { parseTileTemplate } from '../../domain/console/tiles';
import type { SettingsRepo } from '../ports';

export const TILE_SETTING = 'console.tiles';

/** The stored template and its origin, or null when none is set (the offline map). */
export async function consoleTiles(settings: SettingsRepo): Promise<{ template: string; origin: string } | null> {
  const stored = await settings.get<{ template?: unknown } | null>(TILE_SETTING);
  if (!stored || typeof stored.template !== 'string') return null;
  const parsed = parseTileTemplate(stored.template);
  return parsed.ok ? { template: parsed.template, origin: parsed.origin } : null;
}
