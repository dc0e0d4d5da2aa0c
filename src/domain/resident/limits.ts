/**
 * What a resident without a login may send through the report page behind a grid's QR card
 * (网格联系卡), and how often. The numbers are a product decision (docs/decisions.md, issue 16):
 * generous for a person reporting what they see, tight for a script.
 */

/** Reports one device may file: a few an hour (a walk past several problems), a dozen a day. */
export const DEVICE_REPORTS_PER_HOUR = 5;
export const DEVICE_REPORTS_PER_DAY = 12;
/**
 * Reports one network address may carry: a residential compound behind one carrier NAT, or a
 * family sharing Wi-Fi, is many people, so the address limit is wider than a device's.
 */
export const ADDRESS_REPORTS_PER_HOUR = 30;
/** Page requests (views, ratings, photo fetches) one address may make a minute. */
export const ADDRESS_REQUESTS_PER_MINUTE = 120;

/** A report's words (what a phone keyboard types in a few minutes) and the optional place line. */
export const MAX_DESCRIPTION_CHARS = 500;
export const MAX_PLACE_CHARS = 100;
/** Photos per report, each at most 5 MB (a phone's JPEG), and the whole request's cap. */
export const MAX_PHOTOS = 3;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const MAX_REQUEST_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 64 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

/**
 * The photo's type from its first bytes, never from the name or the browser's word: only JPEG,
 * PNG and WebP are taken (what every phone camera and screenshot writes); anything else is null.
 */
export function sniffPhotoType(bytes: Uint8Array): PhotoType | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (bytes.length >= 3 && at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (bytes.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}

/** A mainland mobile number (11 digits from 1), the only phone a resident may leave. */
export function isMobilePhone(text: string): boolean {
  return /^1[3-9]\d{9}$/.test(text);
}

/** A fixed window of a limit: its length and how many it allows. */
export interface LimitWindow {
  name: string;
  seconds: number;
  max: number;
}

export const DEVICE_WINDOWS: readonly LimitWindow[] = [
  { name: 'h', seconds: 3600, max: DEVICE_REPORTS_PER_HOUR },
  { name: 'd', seconds: 86_400, max: DEVICE_REPORTS_PER_DAY },
];
export const ADDRESS_WINDOWS: readonly LimitWindow[] = [{ name: 'h', seconds: 3600, max: ADDRESS_REPORTS_PER_HOUR }];
export const ADDRESS_REQUEST_WINDOWS: readonly LimitWindow[] = [{ name: 'm', seconds: 60, max: ADDRESS_REQUESTS_PER_MINUTE }];
