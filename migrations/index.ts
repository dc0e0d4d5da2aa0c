/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import { Core1764000000000 } from './1764000000000-core';

export const migrations = [Core1764000000000];
