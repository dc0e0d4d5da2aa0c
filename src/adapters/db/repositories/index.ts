/** Builds every repository for one EntityManager (one transaction). Each area adds its own. */
import type { EntityManager } from 'typeorm';
import type { Repos } from '../../../bot/ports';
import { TypeOrmOrgRepo } from './org-repository';
import { TypeOrmAuditRepo, TypeOrmDialogRepo, TypeOrmSequenceRepo, TypeOrmSettingsRepo } from './support-repositories';
import { TypeOrmEventRepo } from './event-repository';
import { TypeOrmTaskRepo } from './task-repository';
import { TypeOrmMeetingRepo } from './meeting-repository';
import { TypeOrmAttendanceRepo } from './attendance-repository';
import { TypeOrmAssessmentRepo } from './assessment-repository';

export function createRepos(em: EntityManager): Repos {
  return {
    org: new TypeOrmOrgRepo(em),
    dialogs: new TypeOrmDialogRepo(em),
    settings: new TypeOrmSettingsRepo(em),
    audit: new TypeOrmAuditRepo(em),
    sequences: new TypeOrmSequenceRepo(em),
    events: new TypeOrmEventRepo(em),
    tasks: new TypeOrmTaskRepo(em),
    meetings: new TypeOrmMeetingRepo(em),
    attendance: new TypeOrmAttendanceRepo(em),
    assessment: new TypeOrmAssessmentRepo(em),
  };
}
