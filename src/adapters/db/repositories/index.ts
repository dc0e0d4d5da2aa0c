/** Builds every repository for one EntityManager (one transaction): the set the composition names. */
import type { EntityManager } from 'typeorm';
import type { BotRepos } from '../../../bot/modules';
import { TypeOrmOrgRepo } from './org-repository';
import { TypeOrmAuditRepo, TypeOrmDialogRepo, TypeOrmSequenceRepo, TypeOrmSettingsRepo } from './support-repositories';
import { TypeOrmEventRepo } from './event-repository';
import { TypeOrmTaskRepo } from './task-repository';
import { TypeOrmMeetingRepo } from './meeting-repository';
import { TypeOrmAttendanceRepo } from './attendance-repository';
import { TypeOrmAssessmentRepo } from './assessment-repository';
import { TypeOrmFileLinkRepo } from './file-link-repository';
import { TypeOrmNoticeRepo } from './notice-repository';
import { TypeOrmDutyRepo } from './duty-repository';
import { TypeOrmTrainingRepo } from './training-repository';

export function createRepos(em: EntityManager): BotRepos {
  return {
    org: new TypeOrmOrgRepo(em),
    dialogs: new TypeOrmDialogRepo(em),
    settings: new TypeOrmSettingsRepo(em),
    audit: new TypeOrmAuditRepo(em),
    sequences: new TypeOrmSequenceRepo(em),
    files: new TypeOrmFileLinkRepo(em),
    events: new TypeOrmEventRepo(em),
    tasks: new TypeOrmTaskRepo(em),
    meetings: new TypeOrmMeetingRepo(em),
    attendance: new TypeOrmAttendanceRepo(em),
    assessment: new TypeOrmAssessmentRepo(em),
    notices: new TypeOrmNoticeRepo(em),
    duty: new TypeOrmDutyRepo(em),
    training: new TypeOrmTrainingRepo(em),
  };
}
