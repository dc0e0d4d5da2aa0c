/**
 * The one zh-CN catalogue of every user-visible text, assembled from one section per area.
 * A deployer can override any key with TEXTS_FILE (a JSON object of key → text).
 */
import { core } from './core';

export const zhCN = {
  ...core,
} as const;
