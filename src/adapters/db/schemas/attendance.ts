/** Table mappings of attendance (签到/签退, 巡查 民情日志, 请假) and the info report (信息报送, 特殊信息). */
import { EntitySchema } from 'typeorm';
import { dateColumn, idColumn } from './columns';

export interface AttendanceCheckRow {
  id: number;
  memberId: number;
  unitId: number;
  kind: string;
  at: Date;
  localDate: string;
  latitude: number | null;
  longitude: number | null;
  locationText: string | null;
  /** 1 outside, 0 inside, null unknown. */
  outside: boolean | null;
}

export const AttendanceCheckSchema = new EntitySchema<AttendanceCheckRow>({
  name: 'AttendanceCheck',
  tableName: 'attendance_check',
  columns: {
    id: idColumn,
    memberId: { name: 'member_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    kind: { type: 'varchar', length: 8 },
    at: dateColumn('at'),
    localDate: { name: 'local_date', type: 'varchar', length: 10 },
    latitude: { type: 'double', nullable: true },
    longitude: { type: 'double', nullable: true },
    locationText: { name: 'location_text', type: 'varchar', length: 200, nullable: true },
    outside: { type: 'boolean', nullable: true },
  },
});

export interface PatrolLogRow {
  id: number;
  memberId: number;
  unitId: number;
  localDate: string;
  at: Date;
  notes: string;
  /** JSON array of image URLs / media ids. */
  photos: string;
  location: string | null;
  comment: string | null;
  commentedBy: number | null;
  commentedAt: Date | null;
}

export const PatrolLogSchema = new EntitySchema<PatrolLogRow>({
  name: 'PatrolLog',
  tableName: 'patrol_log',
  columns: {
    id: idColumn,
    memberId: { name: 'member_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    localDate: { name: 'local_date', type: 'varchar', length: 10 },
    at: dateColumn('at'),
    notes: { type: 'text' },
    photos: { type: 'text' },
    location: { type: 'varchar', length: 200, nullable: true },
    comment: { type: 'text', nullable: true },
    commentedBy: { name: 'commented_by', type: 'int', nullable: true },
    commentedAt: dateColumn('commented_at', true),
  },
});

export interface LeaveRequestRow {
  id: number;
  memberId: number;
  unitId: number;
  startDate: string;
  endDate: string;
  reason: string;
  status: string;
  decidedBy: number | null;
  decidedAt: Date | null;
  coverMemberId: number | null;
  createdAt: Date;
}

export const LeaveRequestSchema = new EntitySchema<LeaveRequestRow>({
  name: 'LeaveRequest',
  tableName: 'leave_request',
  columns: {
    id: idColumn,
    memberId: { name: 'member_id', type: 'int' },
    unitId: { name: 'unit_id', type: 'int' },
    startDate: { name: 'start_date', type: 'varchar', length: 10 },
    endDate: { name: 'end_date', type: 'varchar', length: 10 },
    reason: { type: 'varchar', length: 500 },
    status: { type: 'varchar', length: 16 },
    decidedBy: { name: 'decided_by', type: 'int', nullable: true },
    decidedAt: dateColumn('decided_at', true),
    coverMemberId: { name: 'cover_member_id', type: 'int', nullable: true },
    createdAt: dateColumn('created_at'),
  },
});

export interface InfoReportRow {
  id: number;
  unitId: number;
  memberId: number;
  period: string;
  unchanged: boolean;
  /** JSON array of {category, detail}. */
  items: string;
  reportedAt: Date;
  revisions: number;
}

export const InfoReportSchema = new EntitySchema<InfoReportRow>({
  name: 'InfoReport',
  tableName: 'info_report',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
    period: { type: 'varchar', length: 10 },
    unchanged: { type: 'boolean' },
    items: { type: 'text' },
    reportedAt: dateColumn('reported_at'),
    revisions: { type: 'int' },
  },
  uniques: [{ name: 'uq_info_report_member_period', columns: ['memberId', 'period'] }],
});

export interface SpecialInfoRow {
  id: number;
  unitId: number;
  memberId: number;
  text: string;
  at: Date;
}

export const SpecialInfoSchema = new EntitySchema<SpecialInfoRow>({
  name: 'SpecialInfo',
  tableName: 'special_info',
  columns: {
    id: idColumn,
    unitId: { name: 'unit_id', type: 'int' },
    memberId: { name: 'member_id', type: 'int' },
    text: { type: 'text' },
    at: dateColumn('at'),
  },
});

export const attendanceSchemas = [AttendanceCheckSchema, PatrolLogSchema, LeaveRequestSchema, InfoReportSchema, SpecialInfoSchema];
