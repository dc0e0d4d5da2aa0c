/**
 * The register's refusals as data: a stable code and facts, never chat text (cards.ts words
 * them). A record outside the asker's authority is refused exactly like one that does not exist.
 */
export const REGISTER_REFUSALS = [
  'not_found', // no such household/resident/place within the asker's authority
  'need_grid', // which grid is meant cannot be told: name one
  'not_a_grid',
  'not_allowed',
  'bad_address',
  'bad_id_number',
  'bad_phone',
  'unknown_tag',
  'id_exists', // the ID number is already in the register
  'ambiguous', // several matches where one is needed
  'not_present', // 迁出/死亡 of someone not living there
  'not_department',
  'bad_cadence',
  'need_name', // a change about a person without their name
] as const;
export type RegisterRefusalCode = (typeof REGISTER_REFUSALS)[number];

export class RegisterRefusedError extends Error {
  override readonly name = 'RegisterRefusedError';
  constructor(
    readonly code: RegisterRefusalCode,
    readonly facts: Record<string, string> = {},
  ) {
    super(`register refused: ${code}`);
  }
}
