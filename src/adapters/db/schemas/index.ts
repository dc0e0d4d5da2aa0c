/** Every table mapping the data source knows. Each area adds its own list here. */
import { coreSchemas } from './core';
import { eventSchemas } from './events';
import { taskSchemas } from './tasks';
import { meetingSchemas } from './meetings';
import { attendanceSchemas } from './attendance';
import { assessmentSchemas } from './assessment';
import { fileLinkSchemas } from './file-links';
import { noticeSchemas } from './notices';
import { dutySchemas } from './duty';
import { trainingSchemas } from './training';
import { consoleSchemas } from './console';
import { registerSchemas } from './register';
import { residentSchemas } from './residents';
import { residentWebSchemas } from './resident-web';
import { intakeSchemas } from './intake';
import { daibanSchemas } from './daiban';

export const allSchemas = [...coreSchemas, ...eventSchemas, ...taskSchemas, ...meetingSchemas, ...attendanceSchemas, ...assessmentSchemas, ...fileLinkSchemas, ...noticeSchemas, ...dutySchemas, ...trainingSchemas, ...registerSchemas, ...consoleSchemas, ...intakeSchemas, ...daibanSchemas, ...residentSchemas, ...residentWebSchemas];
