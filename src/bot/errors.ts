/** A user's mistake, thrown from deep inside a handler and turned into a reply (Koishi's SessionError). */
import { t, type TextKey, type TextParams } from './texts';

export class SessionError extends Error {
  override name = 'SessionError';
  constructor(
    readonly key: TextKey,
    readonly params: TextParams = {},
    /** Extra lines (a usage line, an example) appended to the reply. */
    readonly more: string[] = [],
  ) {
    super(key);
  }

  toText(): string {
    return [t(this.key, this.params), ...this.more].join('\n');
  }
}
