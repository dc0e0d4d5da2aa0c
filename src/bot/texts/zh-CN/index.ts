/**
 * The one zh-CN catalogue of every user-visible text, assembled from one section per area.
 * A deployer can override any key with TEXTS_FILE (a JSON object of key → text).
 */
import { core } from './core';
import { events } from './events';
import { tasks } from './tasks';
import { meetings } from './meetings';
import { attendance } from './attendance';
import { assessment } from './assessment';
import { register } from './register';
import { input } from './input';
import { calendar } from './calendar';
import { notices } from './notices';
import { duty } from './duty';
import { training } from './training';
import { consoleTexts } from './console';
import { intake } from './intake';

export const zhCN = {
  ...core,
  ...events,
  ...tasks,
  ...meetings,
  ...attendance,
  ...assessment,
  ...register,
  ...input,
  ...calendar,
  ...notices,
  ...duty,
  ...training,
  ...consoleTexts,
  ...intake,
} as const;
