/** Builds every repository for one EntityManager (one transaction). Each area adds its own. */
import type { EntityManager } from 'typeorm';
import type { Repos } from '../../../bot/ports';
import type { WorkingCalendar } from '../../../domain/calendar/working-calendar';
import { TypeOrmOrgRepo } from './org-repository';
import { TypeOrmAuditRepo, TypeOrmDialogRepo, TypeOrmSequenceRepo, TypeOrmSettingsRepo } from './support-repositories';
import { TypeOrmEventRepo } from './event-repository';
import { TypeOrmTaskRepo } from './task-repository';
import { TypeOrmMeetingRepo } from './meeting-repository';
import { TypeOrmAttendanceRepo } from './attendance-repository';
import { TypeOrmAssessmentRepo } from './assessment-repository';

/** `calendar` is the transaction's calendar (the agenda's attendance figures count its working days). */
export function createRepos(em: EntityManager, calendar: WorkingCalendar): Repos {
  return {
    org: new TypeOrmOrgRepo(em),
    dialogs: new TypeOrmDialogRepo(em),
    settings: new TypeOrmSettingsRepo(em),
    audit: new TypeOrmAuditRepo(em),
    sequences: new TypeOrmSequenceRepo(em),
    events: new TypeOrmEventRepo(em),
    tasks: new TypeOrmTaskRepo(em),
    meetings: new TypeOrmMeetingRepo(em, calendar),
    attendance: new TypeOrmAttendanceRepo(em),
    assessment: new TypeOrmAssessmentRepo(em),
  };
}
