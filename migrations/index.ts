/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
import { Core1764000000000 } from './1764000000000-core';
import { Events1764000100000 } from './1764000100000-events';
import { Tasks1764000200000 } from './1764000200000-tasks';
import { Attendance1764000300000 } from './1764000300000-attendance';
import { Meetings1764000400000 } from './1764000400000-meetings';
import { Assessment1764000500000 } from './1764000500000-assessment';
import { FileLinks1764000600000 } from './1764000600000-file-links';
import { PeriodIndexes1764002000000 } from './1764002000000-period-indexes';
import { Notices1764002100000 } from './1764002100000-notices';
import { Duty1764002200000 } from './1764002200000-duty';
import { Training1764002300000 } from './1764002300000-training';
import { Register1764002400000 } from './1764002400000-register';
import { Console1764002900000 } from './1764002900000-console';
import { EventOrigin1764003000000 } from './1764003000000-event-origin';
import { Residents1764003050000 } from './1764003050000-residents';
import { ResidentWeb1764003100000 } from './1764003100000-resident-web';
import { Intake1764003200000 } from './1764003200000-intake';
import { Daiban1764003300000 } from './1764003300000-daiban';
import { FigureIndexes1764003400000 } from './1764003400000-figure-indexes';
import { FigureOwners1764003450000 } from './1764003450000-figure-owners';
import { CoveringFigures1764004000000 } from './1764004000000-covering-figures';
import { ReadVersion1764004100000 } from './1764004100000-read-version';
import { DialogReadVersion1764004200000 } from './1764004200000-dialog-read-version';

export const migrations = [Core1764000000000, Events1764000100000, Tasks1764000200000, Attendance1764000300000, Meetings1764000400000, Assessment1764000500000, FileLinks1764000600000, PeriodIndexes1764002000000, Notices1764002100000, Duty1764002200000, Training1764002300000, Register1764002400000, Console1764002900000, EventOrigin1764003000000, Residents1764003050000, ResidentWeb1764003100000, Intake1764003200000, Daiban1764003300000, FigureIndexes1764003400000, FigureOwners1764003450000, CoveringFigures1764004000000, ReadVersion1764004100000, DialogReadVersion1764004200000];
