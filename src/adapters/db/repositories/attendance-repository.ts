/** Attendance and info reports on TypeORM, with explicit row ↔ record mappers. */
import { In, LessThanOrEqual, MoreThanOrEqual, Between, type EntityManager } from 'typeorm';
import type { AttendanceRepo, CheckKind, CheckRecord, InfoReportRecord, LeaveRecord, PatrolRecord } from '../../../bot/attendance/ports';
import type { LeaveStatus } from '../../../domain/attendance/leave';
import type { InfoItem } from '../../../domain/inforeport/categories';
import {
  AttendanceCheckSchema,
  InfoReportSchema,
  LeaveRequestSchema,
  PatrolLogSchema,
  SpecialInfoSchema,
  type AttendanceCheckRow,
  type InfoReportRow,
  type LeaveRequestRow,
  type PatrolLogRow,
} from '../schemas/attendance';

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(Number(v)));

function checkToDomain(r: AttendanceCheckRow): CheckRecord {
  return {
    id: r.id,
    memberId: r.memberId,
    unitId: r.unitId,
    kind: r.kind as CheckKind,
    at: r.at,
    localDate: r.localDate,
    latitude: r.latitude,
    longitude: r.longitude,
    locationText: r.locationText,
    outside: bool(r.outside),
  };
}

function patrolToDomain(r: PatrolLogRow): PatrolRecord {
  return {
    id: r.id,
    memberId: r.memberId,
    unitId: r.unitId,
    localDate: r.localDate,
    at: r.at,
    notes: r.notes,
    photos: JSON.parse(r.photos) as string[],
    location: r.location,
    comment: r.comment,
    commentedBy: r.commentedBy,
    commentedAt: r.commentedAt,
  };
}

function leaveToDomain(r: LeaveRequestRow): LeaveRecord {
  return {
    id: r.id,
    memberId: r.memberId,
    unitId: r.unitId,
    start: r.startDate,
    end: r.endDate,
    reason: r.reason,
    status: r.status as LeaveStatus,
    decidedBy: r.decidedBy,
    decidedAt: r.decidedAt,
    coverMemberId: r.coverMemberId,
    createdAt: r.createdAt,
  };
}

function reportToDomain(r: InfoReportRow): InfoReportRecord {
  return { id: r.id, unitId: r.unitId, memberId: r.memberId, period: r.period, unchanged: Boolean(Number(r.unchanged)), items: JSON.parse(r.items) as InfoItem[], reportedAt: r.reportedAt, revisions: r.revisions };
}

export class TypeOrmAttendanceRepo implements AttendanceRepo {
  constructor(private readonly em: EntityManager) {}

  private checks = () => this.em.getRepository(AttendanceCheckSchema);
  private patrols = () => this.em.getRepository(PatrolLogSchema);
  private leaves = () => this.em.getRepository(LeaveRequestSchema);
  private reports = () => this.em.getRepository(InfoReportSchema);

  async recordCheck(input: Omit<CheckRecord, 'id'>): Promise<CheckRecord> {
    const row = { ...input };
    const saved = await this.checks().save(row);
    return checkToDomain({ ...row, id: saved.id });
  }

  async lastCheck(memberId: number, kind: CheckKind, since: Date): Promise<CheckRecord | null> {
    const r = await this.checks().findOne({ where: { memberId, kind, at: MoreThanOrEqual(since) }, order: { at: 'DESC', id: 'DESC' } });
    return r ? checkToDomain(r) : null;
  }

  async updateCheckLocation(id: number, location: Pick<CheckRecord, 'latitude' | 'longitude' | 'locationText' | 'outside'>): Promise<void> {
    await this.checks().update({ id }, location);
  }

  async checksOn(unitId: number, day: string): Promise<CheckRecord[]> {
    return (await this.checks().find({ where: { unitId, localDate: day }, order: { at: 'ASC', id: 'ASC' } })).map(checkToDomain);
  }

  async addPatrol(input: Omit<PatrolRecord, 'id' | 'comment' | 'commentedBy' | 'commentedAt'>): Promise<PatrolRecord> {
    const row = { ...input, photos: JSON.stringify(input.photos), comment: null, commentedBy: null, commentedAt: null };
    const saved = await this.patrols().save(row);
    return patrolToDomain({ ...row, id: saved.id });
  }

  async patrol(id: number): Promise<PatrolRecord | null> {
    const r = await this.patrols().findOne({ where: { id } });
    return r ? patrolToDomain(r) : null;
  }

  async latestPatrolOf(memberId: number, since: Date): Promise<PatrolRecord | null> {
    const r = await this.patrols().findOne({ where: { memberId, at: MoreThanOrEqual(since) }, order: { at: 'DESC', id: 'DESC' } });
    return r ? patrolToDomain(r) : null;
  }

  async addPatrolPhotos(id: number, photos: string[]): Promise<void> {
    const r = await this.patrols().findOneOrFail({ where: { id } });
    await this.patrols().update({ id }, { photos: JSON.stringify([...(JSON.parse(r.photos) as string[]), ...photos]) });
  }

  async patrolsOf(unitId: number, from: string, to: string, limit: number): Promise<PatrolRecord[]> {
    const rows = await this.patrols().find({ where: { unitId, localDate: Between(from, to) }, order: { at: 'DESC', id: 'DESC' }, take: limit });
    return rows.map(patrolToDomain);
  }

  async patrolledMembers(unitId: number, day: string): Promise<number[]> {
    const rows = await this.patrols().createQueryBuilder('p').select('DISTINCT p.memberId', 'memberId').where('p.unitId = :unitId AND p.localDate = :day', { unitId, day }).getRawMany<{ memberId: number | string }>();
    return rows.map((r) => Number(r.memberId));
  }

  async commentPatrol(id: number, comment: { text: string; by: number; at: Date }): Promise<void> {
    await this.patrols().update({ id }, { comment: comment.text, commentedBy: comment.by, commentedAt: comment.at });
  }

  async createLeave(input: { memberId: number; unitId: number; start: string; end: string; reason: string; at: Date }): Promise<LeaveRecord> {
    const row = { memberId: input.memberId, unitId: input.unitId, startDate: input.start, endDate: input.end, reason: input.reason, status: 'pending', decidedBy: null, decidedAt: null, coverMemberId: null, createdAt: input.at };
    const saved = await this.leaves().save(row);
    return leaveToDomain({ ...row, id: saved.id });
  }

  async leave(id: number): Promise<LeaveRecord | null> {
    const r = await this.leaves().findOne({ where: { id } });
    return r ? leaveToDomain(r) : null;
  }

  async standingLeavesOf(memberId: number, from: string): Promise<LeaveRecord[]> {
    const rows = await this.leaves().find({ where: { memberId, status: In(['pending', 'approved']), endDate: MoreThanOrEqual(from) }, order: { startDate: 'ASC' } });
    return rows.map(leaveToDomain);
  }

  async decideLeave(id: number, decision: { status: LeaveStatus; by: number; at: Date; coverMemberId: number | null }): Promise<void> {
    await this.leaves().update({ id }, { status: decision.status, decidedBy: decision.by, decidedAt: decision.at, coverMemberId: decision.coverMemberId });
  }

  async onLeave(memberIds: number[], day: string): Promise<number[]> {
    if (!memberIds.length) return [];
    const rows = await this.leaves().find({ where: { memberId: In(memberIds), status: 'approved', startDate: LessThanOrEqual(day), endDate: MoreThanOrEqual(day) } });
    return [...new Set(rows.map((r) => r.memberId))];
  }

  async saveInfoReport(input: { unitId: number; memberId: number; period: string; unchanged: boolean; items: InfoItem[]; at: Date }): Promise<{ corrected: boolean }> {
    const mysql = this.em.connection.options.type === 'mysql';
    const existing = await this.reports().findOne({ where: { memberId: input.memberId, period: input.period }, ...(mysql ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    const values = { unitId: input.unitId, unchanged: input.unchanged, items: JSON.stringify(input.items), reportedAt: input.at };
    if (existing) {
      await this.reports().update({ id: existing.id }, { ...values, revisions: existing.revisions + 1 });
      return { corrected: true };
    }
    await this.reports().insert({ ...values, memberId: input.memberId, period: input.period, revisions: 0 });
    return { corrected: false };
  }

  async infoReportsOf(unitId: number, period: string): Promise<InfoReportRecord[]> {
    return (await this.reports().find({ where: { unitId, period }, order: { reportedAt: 'ASC', id: 'ASC' } })).map(reportToDomain);
  }

  async addSpecialInfo(input: { unitId: number; memberId: number; text: string; at: Date }): Promise<number> {
    const saved = await this.em.getRepository(SpecialInfoSchema).save({ ...input });
    return saved.id;
  }
}
