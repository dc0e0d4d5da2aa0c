/** What the attendance and info-report areas need from storage (implemented in adapters/db). */
import type { LocalDate } from '../../domain/calendar/working-calendar';
import type { LeaveStatus } from '../../domain/attendance/leave';
import type { InfoItem } from '../../domain/inforeport/categories';
import type { CoreRepos } from '../ports';

export type CheckKind = 'in' | 'out';

export interface CheckRecord {
  id: number;
  memberId: number;
  unitId: number;
  kind: CheckKind;
  at: Date;
  localDate: LocalDate;
  latitude: number | null;
  longitude: number | null;
  locationText: string | null;
  /** true outside the grid boundary, false inside, null when unknown (no boundary or no coordinates). */
  outside: boolean | null;
}

export interface PatrolRecord {
  id: number;
  memberId: number;
  unitId: number;
  localDate: LocalDate;
  at: Date;
  notes: string;
  /** Image URLs or platform media ids. */
  photos: string[];
  location: string | null;
  comment: string | null;
  commentedBy: number | null;
  commentedAt: Date | null;
}

export interface LeaveRecord {
  id: number;
  memberId: number;
  unitId: number;
  start: LocalDate;
  end: LocalDate;
  reason: string;
  status: LeaveStatus;
  decidedBy: number | null;
  decidedAt: Date | null;
  coverMemberId: number | null;
  createdAt: Date;
}

export interface InfoReportRecord {
  id: number;
  unitId: number;
  memberId: number;
  period: LocalDate;
  unchanged: boolean;
  items: InfoItem[];
  reportedAt: Date;
  revisions: number;
}

export interface AttendanceRepo {
  recordCheck(input: Omit<CheckRecord, 'id'>): Promise<CheckRecord>;
  /** The member's latest check of a kind at or after `since`. */
  lastCheck(memberId: number, kind: CheckKind, since: Date): Promise<CheckRecord | null>;
  updateCheckLocation(id: number, location: Pick<CheckRecord, 'latitude' | 'longitude' | 'locationText' | 'outside'>): Promise<void>;
  checksOn(unitId: number, day: LocalDate): Promise<CheckRecord[]>;

  addPatrol(input: Omit<PatrolRecord, 'id' | 'comment' | 'commentedBy' | 'commentedAt'>): Promise<PatrolRecord>;
  patrol(id: number): Promise<PatrolRecord | null>;
  latestPatrolOf(memberId: number, since: Date): Promise<PatrolRecord | null>;
  addPatrolPhotos(id: number, photos: string[]): Promise<void>;
  /** Newest first, days `from`..`to` inclusive. */
  patrolsOf(unitId: number, from: LocalDate, to: LocalDate, limit: number): Promise<PatrolRecord[]>;
  patrolledMembers(unitId: number, day: LocalDate): Promise<number[]>;
  commentPatrol(id: number, comment: { text: string; by: number; at: Date }): Promise<void>;

  createLeave(input: { memberId: number; unitId: number; start: LocalDate; end: LocalDate; reason: string; at: Date }): Promise<LeaveRecord>;
  leave(id: number): Promise<LeaveRecord | null>;
  /** Pending and approved leaves of a member ending on or after `from`. */
  standingLeavesOf(memberId: number, from: LocalDate): Promise<LeaveRecord[]>;
  decideLeave(id: number, decision: { status: LeaveStatus; by: number; at: Date; coverMemberId: number | null }): Promise<void>;
  /** Of `memberIds`, those on approved leave on `day`. */
  onLeave(memberIds: number[], day: LocalDate): Promise<number[]>;

  /** Stores a member's report of a period; a second one the same period replaces the first. */
  saveInfoReport(input: { unitId: number; memberId: number; period: LocalDate; unchanged: boolean; items: InfoItem[]; at: Date }): Promise<{ corrected: boolean }>;
  infoReportsOf(unitId: number, period: LocalDate): Promise<InfoReportRecord[]>;
  addSpecialInfo(input: { unitId: number; memberId: number; text: string; at: Date }): Promise<number>;
}

/** The repositories the attendance and info-report areas work with. */
export interface AttendanceRepos extends CoreRepos {
  attendance: AttendanceRepo;
}
