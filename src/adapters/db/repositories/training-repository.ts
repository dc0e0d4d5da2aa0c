/** Trainings and attendances on TypeORM: rows ↔ TrainingRecord, and the hours summed per member. */
import { Between, In, type EntityManager } from 'typeorm';
import type { LocalDate } from '../../../domain/calendar/local-date';
import type { Training } from '../../../domain/training/training';
import type { TrainingAttendance, TrainingRecord, TrainingRepo } from '../../../bot/training/ports';
import { TrainingAttendanceSchema, TrainingSchema, type TrainingRow } from '../schemas/training';

const toRecord = (r: TrainingRow): TrainingRecord => ({ id: r.id, name: r.name, day: r.day, hours: Number(r.hours) });

export class TypeOrmTrainingRepo implements TrainingRepo {
  constructor(private readonly em: EntityManager) {}

  async record(training: Training, memberIds: number[], actorId: number, now: Date): Promise<TrainingRecord> {
    const result = await this.em.getRepository(TrainingSchema).insert({ ...training, recordedBy: actorId, createdAt: now });
    const id = Number(result.identifiers[0].id);
    const unique = [...new Set(memberIds)];
    if (unique.length) await this.em.getRepository(TrainingAttendanceSchema).insert(unique.map((memberId) => ({ trainingId: id, memberId })));
    return { ...training, id };
  }

  async attendances(memberIds: number[], from: LocalDate, to: LocalDate): Promise<TrainingAttendance[]> {
    if (!memberIds.length) return [];
    const trainings = await this.em.getRepository(TrainingSchema).find({ where: { day: Between(from, to) }, order: { day: 'ASC', id: 'ASC' } });
    if (!trainings.length) return [];
    const byId = new Map(trainings.map((t) => [t.id, toRecord(t)]));
    const rows = await this.em.getRepository(TrainingAttendanceSchema).find({ where: { trainingId: In([...byId.keys()]), memberId: In(memberIds) } });
    return rows
      .map((r) => ({ memberId: r.memberId, training: byId.get(r.trainingId)! }))
      .sort((a, b) => a.training.day.localeCompare(b.training.day) || a.training.id - b.training.id || a.memberId - b.memberId);
  }

  async hoursByMember(memberIds: number[], from: LocalDate, to: LocalDate): Promise<Map<number, number>> {
    const out = new Map<number, number>();
    for (const a of await this.attendances(memberIds, from, to)) out.set(a.memberId, (out.get(a.memberId) ?? 0) + a.training.hours);
    return out;
  }
}
