/**
 * 一户一档: the register of a grid — addresses, households at an address, residents in a
 * household, places — and the shapes of the personal data in it (ID numbers, phones), read,
 * checked and masked here, pure.
 */

/** Whether a resident still lives in the household (迁出 and 死亡 keep the record in its history). */
export const RESIDENT_STATUSES = ['present', 'moved_out', 'deceased'] as const;
export type ResidentStatus = (typeof RESIDENT_STATUSES)[number];

export interface Resident {
  id: number;
  householdId: number;
  unitId: number;
  name: string;
  /** 与户主关系: 户主, 配偶, 子女 … */
  relation: string;
  /** 公民身份号码, 18 characters, upper-case X; null when not known. */
  idNumber: string | null;
  phone: string | null;
  /** Tag names from the vocabulary (special groups are among them). */
  tags: string[];
  status: ResidentStatus;
  createdAt: Date;
  updatedAt: Date;
}

export interface Household {
  id: number;
  unitId: number;
  unitPath: string;
  address: string;
  /** The building (楼栋/村组) part of the address, for listing a building. */
  building: string;
  rented: boolean;
  createdAt: Date;
  lastVisitAt: Date | null;
}

/** 店铺, 企业, 出租房, 九小场所 … */
export interface Place {
  id: number;
  unitId: number;
  unitPath: string;
  name: string;
  kind: string;
  address: string;
  tags: string[];
  contactName: string | null;
  contactPhone: string | null;
  createdAt: Date;
  lastVisitAt: Date | null;
}

/** Household and place numbers as people type them: H12, P3; resident R45. */
export const householdCode = (id: number) => `H${id}`;
export const placeCode = (id: number) => `P${id}`;
export const residentCode = (id: number) => `R${id}`;

export function parseCode(prefix: 'H' | 'P' | 'R', raw: string): number | null {
  const m = new RegExp(`^${prefix}(\\d{1,9})$`, 'i').exec(raw.trim());
  return m ? Number(m[1]) : null;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643 公民身份号码: 17 digits and a check character. Returns the normalised number or null. */
export function normaliseIdNumber(raw: string): string | null {
  const id = toHalfWidth(raw).trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return null;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  if (ID_CHECK[sum % 11] !== id[17]) return null;
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return id;
}

/** Mainland mobile numbers (11 digits from 1) and fixed lines with area code (0571-8888888). */
export function normalisePhone(raw: string): string | null {
  const phone = toHalfWidth(raw).replace(/[\s-]/g, '');
  if (/^1[3-9]\d{9}$/.test(phone)) return phone;
  if (/^0\d{9,11}$/.test(phone)) return phone;
  return null;
}

/** 13812345678 → 138****5678 (the household file shows phones so; 查人 in full, 1:1). */
export function maskPhoneNumber(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** 330102199001011234 → 330***********1234. */
export function maskIdNumber(id: string): string {
  return id.slice(0, 3) + '*'.repeat(Math.max(0, id.length - 7)) + id.slice(-4);
}

export function toHalfWidth(s: string): string {
  return s.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/**
 * An address as typed, in one canonical form so 「3幢2单元301」 and 「３幢２单元３０１ 」 are one
 * address: half-width, no spaces. The building is what comes before the unit/room (楼栋-单元-室)
 * or the house number (村组-门牌).
 */
export function normaliseAddress(raw: string): { address: string; building: string } | null {
  const address = toHalfWidth(raw).replace(/\s+/g, '');
  if (address.length < 2 || address.length > 100) return null;
  const building = /^(.*?(?:幢|栋|号楼|楼|组))/.exec(address)?.[1] ?? address;
  return { address, building };
}
