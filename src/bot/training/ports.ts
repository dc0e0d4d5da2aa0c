/** What the training area (培训) needs from storage; implemented in adapters/db/repositories/training-repository.ts. */
import type { LocalDate } from '../../domain/calendar/local-date';
import type { Training } from '../../domain/training/training';
import type { CoreRepos } from '../ports';

export interface TrainingRecord extends Training {
  id: number;
}

/** One attendance: a member at a training (a line of the 培训台账). */
export interface TrainingAttendance {
  memberId: number;
  training: TrainingRecord;
}

export interface TrainingRepo {
  /** Records a training and who attended (each member once). */
  record(training: Training, memberIds: number[], actorId: number, now: Date): Promise<TrainingRecord>;
  /** Hours per member of trainings held from `from` to `to` (local days, inclusive); members without any are absent. */
  hoursByMember(memberIds: number[], from: LocalDate, to: LocalDate): Promise<Map<number, number>>;
  /** Attendances of members from `from` to `to`, by day. */
  attendances(memberIds: number[], from: LocalDate, to: LocalDate): Promise<TrainingAttendance[]>;
}

export interface TrainingRepos extends CoreRepos {
  training: TrainingRepo;
}
