/**
 * The 代办 area's refusals as data: a stable code and facts (cards.ts words them). A request outside
 * the asker's authority is refused exactly like one that does not exist.
 */
export const DAIBAN_REFUSALS = [
  'not_found',
  'not_allowed',
  'unknown_item',
  'ambiguous_item',
  'bad_item',
  'wrong_state',
  'closed',
  'no_such_material',
  'materials_missing',
  'reason_required',
  'too_long',
  'no_photos',
  'bad_date',
] as const;
export type DaibanRefusalCode = (typeof DAIBAN_REFUSALS)[number];

export class DaibanRefusedError extends Error {
  override readonly name = 'DaibanRefusedError';
  constructor(
    readonly code: DaibanRefusalCode,
    readonly facts: Record<string, string> = {},
  ) {
    super(`daiban refused: ${code}`);
  }
}
