/**
 * IANA zones whose UTC offsets are remembered per minute. Luxon asks the zone's offset for every
 * date it builds or formats, and an IANA zone answers by formatting the instant with
 * Intl.DateTimeFormat#formatToParts: the largest single cost of rendering an event card or
 * numbering a report (docs/decisions.md). Offsets change only at a zone's transitions, which
 * the tz database places on whole minutes, so an offset found for an instant holds for its minute.
 */
import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';

/** Minutes remembered per zone before it starts over (a week of distinct minutes). */
const MAX_MINUTES = 10_080;

class RememberingZone extends Zone {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly inner: IANAZone) {
    super();
  }

  override get type(): string {
    return 'iana';
  }

  override get name(): string {
    return this.inner.name;
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): boolean {
    return this.inner.isValid;
  }

  override offsetName(ts: number, opts: ZoneOffsetOptions): string | null {
    return this.inner.offsetName(ts, opts);
  }

  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.inner.formatOffset(ts, format);
  }

  override offset(ts: number): number {
    const minute = Math.floor(ts / 60_000);
    let found = this.offsets.get(minute);
    if (found === undefined) {
      found = this.inner.offset(ts);
      if (this.offsets.size >= MAX_MINUTES) this.offsets.clear();
      this.offsets.set(minute, found);
    }
    return found;
  }

  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
}

const zones = new Map<string, Zone>();

/** The zone of an IANA name, for `{ zone }` options of Luxon; an unknown name gives an invalid zone. */
export function zoneOf(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    const inner = IANAZone.create(name);
    zone = inner.isValid ? new RememberingZone(inner) : inner;
    zones.set(name, zone);
  }
  return zone;
}

/** An instant's wall-clock date and time in a zone. */
export interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/**
 * The wall-clock fields of an instant in a zone, from the remembered offset: for the formats every
 * message renders (an event's number, a card's times), where building a Luxon DateTime and parsing
 * its format string cost more than the rest of the rendering.
 */
export function localFields(instant: Date, timeZone: string): LocalFields {
  const ts = instant.getTime();
  const shifted = new Date(ts + zoneOf(timeZone).offset(ts) * 60_000);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate(), hour: shifted.getUTCHours(), minute: shifted.getUTCMinutes() };
}
