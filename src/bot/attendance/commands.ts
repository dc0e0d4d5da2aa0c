/**
 * The attendance commands (考勤): 签到/签退 with an optional location checked against the grid
 * boundary, 巡查 into the 民情日志 that the grid head reads and comments on (点评), and 请假
 * approved by the grid head with AB岗 cover.
 */
import { containsPoint, parseBoundary, parseCoordinates, type GeoPoint } from '../../domain/attendance/boundary';
import { blocksNewLeave, overlaps, parseLeaveDates } from '../../domain/attendance/leave';
import type { OrgUnit } from '../../domain/org/org';
import type { BotModule } from '../bot';
import { arg, commandsOf, type CommandContext } from '../commands/framework';
import { listWords } from '../commands/understand';
import { imageRefs } from '../inbound';
import { SessionError } from '../errors';
import type { Tx } from '../ports';
import { t, type TextKey } from '../texts';
import type { CheckKind, LeaveRecord } from './ports';
import { communityOf, dutyGrid, gridHeads, namesOf } from './grid';
import { leaveCard, locationLine } from './cards';
import type { AttendanceRepos } from './ports';

const defineCommand = commandsOf<AttendanceRepos>();

export const backupSettingKey = (memberId: number) => `attendance.backup.${memberId}`;
/** A bare location or photo this soon after 签到 / 巡查 belongs to it. */
const FOLLOW_UP_MS = 10 * 60 * 1000;
const LOG_DAYS = 7;
const LOG_LIMIT = 20;


/** The attendance commands and the follow-ups (a bare location or photos) that complete a record. */
export function attendanceCommands(): Pick<BotModule<AttendanceRepos>, 'commands' | 'attachmentHandlers'> {

  async function outsideOf(tx: Tx<AttendanceRepos>, grid: OrgUnit, point: GeoPoint | null): Promise<boolean | null> {
    if (!point) return null;
    const raw = await tx.repos.org.boundary(grid.id);
    if (!raw) return null;
    const parsed = parseBoundary(raw);
    return parsed.ok ? !containsPoint(parsed.boundary, point) : null;
  }

  async function alertOutside(ctx: CommandContext<AttendanceRepos>, grid: OrgUnit, kind: CheckKind, where: string): Promise<void> {
    const text = t('attendance.outside.alert', { name: ctx.member!.name, grid: grid.name, kind: t(`attendance.kind.${kind}` as TextKey), time: ctx.tx.calendar.clockOf(ctx.now), where });
    await ctx.notify.members(await gridHeads(ctx.tx, grid), { text });
  }


  function checkCommand(kind: CheckKind): ReturnType<typeof defineCommand> {
    return defineCommand({
      id: kind === 'in' ? 'checkIn' : 'checkOut',
      name: kind === 'in' ? '签到' : '签退',
      aliases: kind === 'in' ? ['上班打卡'] : ['下班打卡'],
      access: 'gridworker',
      args: { where: arg.optional(arg.text('arg.location')) },
      async run(ctx, { where }) {
        const member = ctx.requireMember();
        const grid = await dutyGrid(ctx);
        const attached = ctx.inbound.attachments.find((a) => a.kind === 'location');
        const point = attached?.kind === 'location' ? { latitude: attached.latitude, longitude: attached.longitude } : where ? parseCoordinates(where) : null;
        const label = (attached?.kind === 'location' ? attached.label : undefined) ?? where ?? null;
        const outside = await outsideOf(ctx.tx, grid, point);
        await ctx.repos.attendance.recordCheck({ memberId: member.id, unitId: grid.id, kind, at: ctx.now, localDate: ctx.tx.calendar.localDate(ctx.now), latitude: point?.latitude ?? null, longitude: point?.longitude ?? null, locationText: label?.slice(0, 200) ?? null, outside });
        if (outside) await alertOutside(ctx, grid, kind, label ?? '');
        return t(kind === 'in' ? 'attendance.checkedIn' : 'attendance.checkedOut', { name: member.name, grid: grid.name, time: ctx.tx.calendar.clockOf(ctx.now), where: locationLine(outside, label) });
      },
    });
  }

  const patrol = defineCommand({
    id: 'patrol',
    name: '巡查',
    aliases: ['巡查记录', '民情'],
    access: 'gridworker',
    args: { notes: arg.text('arg.patrolNotes') },
    async run(ctx, { notes }) {
      const member = ctx.requireMember();
      const grid = await dutyGrid(ctx);
      const photos = imageRefs(ctx.inbound.attachments);
      const place = ctx.inbound.attachments.find((a) => a.kind === 'location');
      const location = place?.kind === 'location' ? (place.label ?? `${place.latitude},${place.longitude}`) : null;
      const entry = await ctx.repos.attendance.addPatrol({ memberId: member.id, unitId: grid.id, localDate: ctx.tx.calendar.localDate(ctx.now), at: ctx.now, notes: notes.slice(0, 2000), photos, location });
      return t('patrol.logged', { id: `P${entry.id}`, grid: grid.name, photos: photos.length });
    },
  });

  async function headGrid(ctx: CommandContext<AttendanceRepos>, unit: OrgUnit | undefined): Promise<OrgUnit> {
    const member = ctx.requireMember();
    let grid = unit ?? (ctx.conversationUnit?.level === 'grid' ? ctx.conversationUnit : undefined);
    if (!grid) {
      const grant = member.roles.find((g) => g.role === 'grid_head');
      grid = grant ? ((await ctx.repos.org.unit(grant.unitId)) ?? undefined) : undefined;
    }
    if (!grid) throw new SessionError('error.missingArg', { arg: t('arg.unitCode') });
    if (grid.level !== 'grid') throw new SessionError('attendance.notGrid', { name: grid.name });
    ctx.authorize(grid, 'grid_head');
    return grid;
  }

  const patrolLog = defineCommand({
    id: 'patrolLog',
    name: '民情日志',
    aliases: ['巡查日志'],
    access: 'grid_head',
    args: { grid: arg.optional(arg.unit()) },
    async run(ctx, { grid: given }) {
      const grid = await headGrid(ctx, given);
      const today = ctx.tx.calendar.localDate(ctx.now);
      const entries = await ctx.repos.attendance.patrolsOf(grid.id, ctx.tx.calendar.addCalendarDays(today, -(LOG_DAYS - 1)), today, LOG_LIMIT);
      if (!entries.length) return t('patrol.log.empty', { grid: grid.name, days: LOG_DAYS });
      const names = await namesOf(ctx.tx, [...new Set(entries.map((e) => e.memberId))]);
      const lines = entries.map((e) => {
        const line = t('patrol.log.line', { id: `P${e.id}`, date: e.localDate.slice(5), time: ctx.tx.calendar.clockOf(e.at), name: names.get(e.memberId) ?? '', notes: e.notes, photos: e.photos.length ? t('patrol.log.photos', { count: e.photos.length }) : '' });
        return e.comment ? `${line}\n　${t('patrol.log.comment', { comment: e.comment })}` : line;
      });
      const title = t('patrol.log.title', { grid: grid.name, days: LOG_DAYS });
      return { text: [title, ...lines, t('patrol.log.footer')].join('\n'), card: { title, lines: [...lines, t('patrol.log.footer')] } };
    },
  });

  const comment = defineCommand({
    id: 'patrolComment',
    name: '点评',
    aliases: [],
    access: 'grid_head',
    args: { id: arg.word('arg.patrolId'), text: arg.text('arg.text') },
    async run(ctx, { id, text }) {
      const number = /^[Pp]?(\d+)$/.exec(id)?.[1];
      const entry = number ? await ctx.repos.attendance.patrol(Number(number)) : null;
      if (!entry) throw new SessionError('patrol.notFound', { id });
      const grid = await ctx.repos.org.unit(entry.unitId);
      if (!grid) throw new SessionError('patrol.notFound', { id });
      ctx.authorize(grid, 'grid_head');
      await ctx.repos.attendance.commentPatrol(entry.id, { text: text.slice(0, 1000), by: ctx.member!.id, at: ctx.now });
      await ctx.notify.member(entry.memberId, { text: t('patrol.commented.notice', { id: `P${entry.id}`, name: ctx.member!.name, comment: text }) });
      return t('patrol.commented', { id: `P${entry.id}` });
    },
  });

  const askLeave = defineCommand({
    id: 'leave',
    name: '请假',
    aliases: [],
    access: 'gridworker',
    args: { dates: arg.word('arg.leaveDates'), reason: arg.text('arg.leaveReason') },
    async run(ctx, { dates, reason }) {
      const member = ctx.requireMember();
      const grid = await dutyGrid(ctx);
      const parsed = parseLeaveDates(dates, ctx.tx.calendar.localDate(ctx.now));
      if (!parsed.ok) throw new SessionError(`leave.error.${parsed.reason}` as TextKey, { dates });
      const clash = (await ctx.repos.attendance.standingLeavesOf(member.id, parsed.span.start)).find((l) => blocksNewLeave(l.status) && overlaps(l, parsed.span));
      if (clash) throw new SessionError('leave.error.overlap', { id: `L${clash.id}`, start: clash.start, end: clash.end });
      const leave = await ctx.repos.attendance.createLeave({ memberId: member.id, unitId: grid.id, start: parsed.span.start, end: parsed.span.end, reason: reason.slice(0, 500), at: ctx.now });
      const heads = await gridHeads(ctx.tx, grid);
      const card = leaveCard(leave, member.name, grid.name);
      if (heads.length) await ctx.notify.members(heads, card);
      else {
        const community = await communityOf(ctx.tx, grid);
        if (community) await ctx.notify.unit(community, card);
      }
      return t('leave.asked', { id: `L${leave.id}`, start: leave.start, end: leave.end });
    },
  });


  async function decidable(ctx: CommandContext<AttendanceRepos>, id: string): Promise<{ leave: LeaveRecord; grid: OrgUnit }> {
    const number = /^[Ll]?(\d+)$/.exec(id)?.[1];
    const leave = number ? await ctx.repos.attendance.leave(Number(number)) : null;
    const grid = leave ? await ctx.repos.org.unit(leave.unitId) : null;
    if (!leave || !grid) throw new SessionError('leave.notFound', { id });
    ctx.authorize(grid, 'grid_head');
    if (leave.status !== 'pending') throw new SessionError('leave.alreadyDecided', { id: `L${leave.id}`, status: t(`leave.status.${leave.status}` as TextKey) });
    return { leave, grid };
  }

  const approve = defineCommand({
    id: 'approveLeave',
    name: '准假',
    aliases: ['批准请假'],
    access: 'grid_head',
    args: { id: arg.word('arg.leaveId') },
    async run(ctx, { id }) {
      const { leave } = await decidable(ctx, id);
      const head = ctx.requireMember();
      const backup = await ctx.repos.settings.get<number>(backupSettingKey(leave.memberId));
      const cover = backup && backup !== leave.memberId && (await ctx.repos.org.memberSummary(backup)) ? backup : head.id;
      await ctx.repos.attendance.decideLeave(leave.id, { status: 'approved', by: head.id, at: ctx.now, coverMemberId: cover });
      const names = await namesOf(ctx.tx, [leave.memberId, cover]);
      const span = leave.start === leave.end ? leave.start : `${leave.start} 至 ${leave.end}`;
      await ctx.notify.member(leave.memberId, { text: t('leave.approved.notice', { id: `L${leave.id}`, span, cover: names.get(cover)! }) });
      if (cover !== head.id) await ctx.notify.member(cover, { text: t('leave.cover.notice', { name: names.get(leave.memberId)!, span }) });
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: head.id, action: 'leave.approve', target: `leave#${leave.id}` });
      return t('leave.approved', { id: `L${leave.id}`, name: names.get(leave.memberId)!, span, cover: names.get(cover)! });
    },
  });

  const refuse = defineCommand({
    id: 'refuseLeave',
    name: '驳回请假',
    aliases: ['不准假'],
    access: 'grid_head',
    args: { id: arg.word('arg.leaveId'), reason: arg.optional(arg.text('arg.text')) },
    async run(ctx, { id, reason }) {
      const { leave } = await decidable(ctx, id);
      const head = ctx.requireMember();
      await ctx.repos.attendance.decideLeave(leave.id, { status: 'refused', by: head.id, at: ctx.now, coverMemberId: null });
      await ctx.notify.member(leave.memberId, { text: t('leave.refused.notice', { id: `L${leave.id}`, reason: reason ?? t('leave.noReason') }) });
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: head.id, action: 'leave.refuse', target: `leave#${leave.id}` });
      return t('leave.refused', { id: `L${leave.id}` });
    },
  });

  const setBackup = defineCommand({
    id: 'setBackup',
    name: '设置AB岗',
    aliases: ['AB岗'],
    access: 'grid_head',
    args: { worker: arg.member(), backup: arg.member('arg.backup') },
    async run(ctx, { worker, backup }) {
      const full = await ctx.repos.org.member(worker.id);
      const grant = full?.roles.find((g) => g.role === 'gridworker');
      const grid = grant ? await ctx.repos.org.unit(grant.unitId) : null;
      if (!grid) throw new SessionError('attendance.notGridworker', { name: worker.name });
      ctx.authorize(grid, 'grid_head');
      if (backup.id === worker.id) throw new SessionError('attendance.backupSelf');
      await ctx.repos.settings.put(backupSettingKey(worker.id), backup.id, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'attendance.backup', target: `member#${worker.id}`, detail: { backup: backup.id } });
      return t('attendance.backupSet', { name: worker.name, backup: backup.name });
    },
  });

  const setBoundary = defineCommand({
    id: 'setBoundary',
    name: '设置边界',
    aliases: ['网格边界'],
    access: 'admin',
    args: { grid: arg.unit(), geojson: arg.text('arg.geojson') },
    async run(ctx, { grid, geojson }) {
      ctx.authorize(grid, 'admin');
      if (grid.level !== 'grid') throw new SessionError('attendance.notGrid', { name: grid.name });
      if (listWords('input.clear').includes(geojson)) {
        await ctx.repos.org.setBoundary(grid.id, null, ctx.now);
        return t('attendance.boundaryCleared', { grid: grid.name });
      }
      const parsed = parseBoundary(geojson);
      if (!parsed.ok) throw new SessionError(`attendance.boundary.${parsed.reason}` as TextKey);
      await ctx.repos.org.setBoundary(grid.id, geojson, ctx.now);
      await ctx.repos.audit.record({ at: ctx.now, actorMemberId: ctx.member!.id, action: 'unit.boundary', target: grid.code, detail: { polygons: parsed.boundary.polygons.length } });
      return t('attendance.boundarySet', { grid: grid.name, polygons: parsed.boundary.polygons.length });
    },
  });

  const attendanceList = defineCommand({
    id: 'attendance',
    name: '考勤',
    aliases: ['签到记录'],
    access: 'grid_head',
    args: { grid: arg.optional(arg.unit()) },
    async run(ctx, { grid: given }) {
      const grid = await headGrid(ctx, given);
      const today = ctx.tx.calendar.localDate(ctx.now);
      const checks = await ctx.repos.attendance.checksOn(grid.id, today);
      if (!checks.length) return t('attendance.list.empty', { grid: grid.name, date: today });
      const names = await namesOf(ctx.tx, [...new Set(checks.map((c) => c.memberId))]);
      const lines = checks.map((c) => t('attendance.list.line', { name: names.get(c.memberId) ?? '', kind: t(`attendance.kind.${c.kind}` as TextKey), time: ctx.tx.calendar.clockOf(c.at), where: locationLine(c.outside, c.locationText) }));
      const title = t('attendance.list.title', { grid: grid.name, date: today });
      return { text: [title, ...lines].join('\n'), card: { title, lines } };
    },
  });

  /** A bare location after 签到/签退, or bare photos after 巡查, complete that record. */
  async function followUp(ctx: CommandContext<AttendanceRepos>): Promise<boolean> {
    if (!ctx.member) return false;
    const since = new Date(ctx.now.getTime() - FOLLOW_UP_MS);
    const place = ctx.inbound.attachments.find((a) => a.kind === 'location');
    if (place?.kind === 'location') {
      const checks = await Promise.all((['in', 'out'] as const).map((k) => ctx.repos.attendance.lastCheck(ctx.member!.id, k, since)));
      const last = checks.filter((c) => c !== null).sort((a, b) => b.at.getTime() - a.at.getTime())[0];
      if (!last || last.latitude !== null) return false;
      const grid = await ctx.repos.org.unit(last.unitId);
      if (!grid) return false;
      const outside = await outsideOf(ctx.tx, grid, place);
      await ctx.repos.attendance.updateCheckLocation(last.id, { latitude: place.latitude, longitude: place.longitude, locationText: place.label?.slice(0, 200) ?? last.locationText, outside });
      if (outside) await alertOutside(ctx, grid, last.kind, place.label ?? '');
      ctx.reply(t('attendance.locationAdded', { kind: t(`attendance.kind.${last.kind}` as TextKey), where: locationLine(outside, place.label ?? null) }));
      return true;
    }
    const photos = imageRefs(ctx.inbound.attachments);
    if (!photos.length) return false;
    const entry = await ctx.repos.attendance.latestPatrolOf(ctx.member.id, since);
    if (!entry) return false;
    await ctx.repos.attendance.addPatrolPhotos(entry.id, photos);
    ctx.reply(t('patrol.photosAdded', { id: `P${entry.id}`, count: photos.length }));
    return true;
  }



  return {
    commands: [checkCommand('in'), checkCommand('out'), patrol, patrolLog, comment, askLeave, approve, refuse, setBackup, setBoundary, attendanceList],
    attachmentHandlers: [followUp],
  };
}

