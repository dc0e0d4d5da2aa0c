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
import { TypeOrmConsoleRepo } from './console-repository';
import { TypeOrmAccessLogRepo, TypeOrmRegisterRepo } from './register-repository';
import { TypeOrmResidentWebRepo } from './resident-web-repository';
import { TypeOrmIntakeRepo } from './intake-repository';
import { TypeOrmDaibanRepo } from './daiban-repository';
import { NO_VAULT, type PiiVault } from '../pii/vault';
import { TypeOrmResidentRepo } from './resident-repository';
import { readThrough, type TxReads } from '../read-cache';

/**
 * The repositories of one transaction, each built the first time the work asks for it: a message
 * that reads the sender and replies builds two, not thirteen. `vault` seals residents' personal
 * data; without one, touching it refuses (PiiKeyMissingError). `reads` is what the process keeps
 * between transactions (read-cache.ts); without it every lookup reads through.
 */
export function createRepos(em: EntityManager, vault: PiiVault = NO_VAULT, reads: TxReads = readThrough(em)): BotRepos {
  const factories: { [K in keyof BotRepos]: () => BotRepos[K] } = {
    org: () => new TypeOrmOrgRepo(em, reads),
    dialogs: () => new TypeOrmDialogRepo(em, reads),
    settings: () => new TypeOrmSettingsRepo(em, reads),
    audit: () => new TypeOrmAuditRepo(em),
    sequences: () => new TypeOrmSequenceRepo(em),
    files: () => new TypeOrmFileLinkRepo(em),
    events: () => new TypeOrmEventRepo(em),
    tasks: () => new TypeOrmTaskRepo(em),
    meetings: () => new TypeOrmMeetingRepo(em),
    attendance: () => new TypeOrmAttendanceRepo(em),
    assessment: () => new TypeOrmAssessmentRepo(em),
    notices: () => new TypeOrmNoticeRepo(em),
    duty: () => new TypeOrmDutyRepo(em),
    training: () => new TypeOrmTrainingRepo(em),
    console: () => new TypeOrmConsoleRepo(em),
    register: () => new TypeOrmRegisterRepo(em, vault),
    accessLog: () => new TypeOrmAccessLogRepo(em),
    intake: () => new TypeOrmIntakeRepo(em, vault),
    daiban: () => new TypeOrmDaibanRepo(em, vault),
    residents: () => new TypeOrmResidentRepo(em, vault, reads),
    residentWeb: () => new TypeOrmResidentWebRepo(em, vault),
  };
  const repos = {} as BotRepos;
  for (const name of Object.keys(factories) as (keyof BotRepos)[]) {
    Object.defineProperty(repos, name, {
      enumerable: true,
      configurable: true,
      get() {
        const built = factories[name]();
        Object.defineProperty(repos, name, { value: built, enumerable: true });
        return built;
      },
    });
  }
  return repos;
}
