/**
 * The one zh-CN catalogue of every user-visible text, assembled from one section per area.
 * A deployer can override any key with TEXTS_FILE (a JSON object of key → text).
 */
import { core } from './core';
import { events } from './events';
import { tasks } from './tasks';

export const zhCN = {
  ...core,
  ...events,
  ...tasks,
} as const;
