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
import { daiban } from './daiban';
import { residents } from './residents';
import { residentWebTexts } from './resident-web';

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
  ...residents,
  ...training,
  ...consoleTexts,
  ...residentWebTexts,
  ...intake,
  ...daiban,
} as const;
