/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import { Core1764000000000 } from './1764000000000-core';
import { Events1764000100000 } from './1764000100000-events';
import { Tasks1764000200000 } from './1764000200000-tasks';
import { Attendance1764000300000 } from './1764000300000-attendance';
import { Meetings1764000400000 } from './1764000400000-meetings';
import { Assessment1764000500000 } from './1764000500000-assessment';
import { FileLinks1764000600000 } from './1764000600000-file-links';
import { Notices1764000700000 } from './1764000700000-notices';
import { Duty1764000800000 } from './1764000800000-duty';
import { Training1764000900000 } from './1764000900000-training';

export const migrations = [Core1764000000000, Events1764000100000, Tasks1764000200000, Attendance1764000300000, Meetings1764000400000, Assessment1764000500000, FileLinks1764000600000, Notices1764000700000, Duty1764000800000, Training1764000900000];
