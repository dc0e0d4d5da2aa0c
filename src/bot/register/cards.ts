/** How the register reads in a 1:1 chat: household files, a resident, search results, the access log. */
import { maskIdNumber, maskPhoneNumber, householdCode, placeCode, residentCode, type Household, type Place, type Resident } from '../../domain/register/resident';
import type { ChangeKind } from '../../domain/register/changes';
import type { RegisterTag } from '../../domain/register/tags';
import type { BotMessage, Card } from '../message';
import { cardToText } from '../message';
import { t, type TextKey } from '../texts';
import { formatTime } from '../tasks/format';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import type { AccessEntry } from './ports';
import type { HouseholdFile } from './service';
import { RegisterRefusedError } from './refusals';

export function card(c: Card): BotMessage {
  return { text: cardToText(c), card: c };
}

export const changeName = (kind: ChangeKind) => t(`register.change.${kind}` as TextKey);

function residentLine(r: Resident): string {
  return t('register.residentLine', {
    code: residentCode(r.id),
    name: r.name,
    relation: r.relation,
    id: r.idNumber ? maskIdNumber(r.idNumber) : '',
    phone: r.phone ? maskPhoneNumber(r.phone) : '',
    tags: r.tags.length ? ` [${r.tags.join('、')}]` : '',
    status: t(`register.status.${r.status}` as TextKey),
  }).replace(/\s+/g, ' ');
}

export function householdCard(file: HouseholdFile, calendar: WorkingCalendar, now: Date): BotMessage {
  const h = file.household;
  const lines: string[] = [t('register.residentsHeader')];
  lines.push(...(file.residents.length ? file.residents.map(residentLine) : [t('register.none')]));
  lines.push(t('register.changesHeader'));
  lines.push(
    ...(file.changes.length
      ? file.changes.map((c) => t('register.changeLine', { at: formatTime(c.at, calendar, now), kind: changeName(c.kind), who: c.residentName ? ` ${c.residentName}` : '', note: c.note ? ` ${c.note}` : '' }))
      : [t('register.none')]),
  );
  lines.push(t('register.visitsHeader'));
  lines.push(
    ...(file.visits.length
      ? file.visits.map((v) => t('register.visitLine', { at: formatTime(v.at, calendar, now), notes: v.notes, photos: v.photos.length ? t('register.visitPhotos', { count: v.photos.length }) : '' }))
      : [t('register.none')]),
  );
  lines.push(t('register.linksHeader'));
  lines.push(...(file.work.length ? file.work.map((w) => t('register.workLine', { number: w.number, title: w.title, state: w.stateName })) : [t('register.none')]));
  return card({
    title: t('register.fileTitle', { code: householdCode(h.id) }),
    fields: [
      { label: t('register.field.address'), value: h.address },
      { label: t('register.field.grid'), value: file.unit?.name ?? '' },
      { label: t('register.field.rented'), value: t(h.rented ? 'register.yes' : 'register.no') },
      { label: t('register.field.lastVisit'), value: h.lastVisitAt ? formatTime(h.lastVisitAt, calendar, now) : t('register.never') },
    ],
    lines,
    buttons: [{ label: '走访', command: `走访 ${householdCode(h.id)} ` }],
  });
}

export function personCard(r: Resident, household: Household): BotMessage {
  return card({
    title: t('register.personTitle', { code: residentCode(r.id) }),
    fields: [
      { label: t('register.field.name'), value: r.name },
      { label: t('register.field.relation'), value: r.relation },
      { label: t('register.field.idNumber'), value: r.idNumber ?? '' },
      { label: t('register.field.phone'), value: r.phone ?? '' },
      { label: t('register.field.tags'), value: r.tags.join('、') },
      { label: t('register.field.status'), value: t(`register.statusWord.${r.status}` as TextKey) },
      { label: t('register.field.household'), value: `${householdCode(household.id)} ${household.address}` },
    ],
    buttons: [{ label: '户档', command: `户档 ${householdCode(household.id)}` }],
  });
}

export function householdList(households: Household[]): string {
  return [
    t('register.searchHouseholds', { count: households.length }),
    ...households.map((h) => t('register.searchLine', { code: householdCode(h.id), address: h.address, rented: h.rented ? t('register.rentedMark') : '' })),
  ].join('\n');
}

export function placeList(places: Place[]): string {
  return [
    t('register.searchPlaces', { count: places.length }),
    ...places.map((p) => t('register.placeLine', { code: placeCode(p.id), name: p.name, kind: p.kind, address: p.address, tags: p.tags.length ? ` [${p.tags.join('、')}]` : '' })),
  ].join('\n');
}

export function tagList(tags: RegisterTag[]): string {
  return [
    `【${t('register.tagsTitle')}】`,
    ...tags.map((tag) =>
      t('register.tagLine', { name: tag.name, target: t(`register.target.${tag.target}` as TextKey), cadence: tag.cadenceDays === null ? t('register.noCadence') : t('register.cadence', { days: tag.cadenceDays }) }),
    ),
  ].join('\n');
}

export function accessLogText(entries: (AccessEntry & { id: number; memberName: string })[], days: number, calendar: WorkingCalendar, now: Date): string {
  if (!entries.length) return t('register.logEmpty', { days });
  return [
    t('register.logTitle', { days, count: entries.length }),
    ...entries.map((e) =>
      t('register.logLine', {
        at: formatTime(e.at, calendar, now),
        member: e.memberName,
        action: t(`register.action.${e.action}` as TextKey),
        subject: subjectCode(e),
        conversation: e.conversationId ? `${e.channel ?? ''}:${e.conversationId}` : '',
        detail: e.detail ? ` ${e.detail}` : '',
      }),
    ),
  ].join('\n');
}

export function subjectCode(e: Pick<AccessEntry, 'subject' | 'subjectId'>): string {
  if (e.subjectId === null) return e.subject;
  if (e.subject === 'household') return householdCode(e.subjectId);
  if (e.subject === 'resident') return residentCode(e.subjectId);
  if (e.subject === 'place') return placeCode(e.subjectId);
  return `#${e.subjectId}`;
}

/** Words the service's typed refusals. */
export function registerRefusals(err: unknown): string | null {
  if (!(err instanceof RegisterRefusedError)) return null;
  return t(`register.refused.${err.code}` as TextKey, err.facts);
}
