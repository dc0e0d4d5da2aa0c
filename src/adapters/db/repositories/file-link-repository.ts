/** File links on TypeORM: rows ↔ FileLink, and the conditional update that uses a `once` link up. */
import { IsNull, type EntityManager } from 'typeorm';
import type { FileLink, FileLinkLookup, FileLinkRepo } from '../../../bot/ports';
import { FileLinkSchema, type FileLinkRow } from '../schemas/file-links';

function toDomain(r: FileLinkRow): FileLink {
  return { ...r, once: Boolean(r.once), spec: JSON.parse(r.spec) as Record<string, unknown> };
}

export class TypeOrmFileLinkRepo implements FileLinkRepo {
  constructor(private readonly em: EntityManager) {}

  async create(link: FileLink): Promise<void> {
    await this.em.getRepository(FileLinkSchema).insert({ ...link, spec: JSON.stringify(link.spec) });
  }

  async peek(token: string, now: Date): Promise<FileLinkLookup> {
    const row = await this.em.getRepository(FileLinkSchema).findOne({ where: { token } });
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.usedAt) return { ok: false, reason: 'used', kind: row.kind };
    if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', kind: row.kind };
    return { ok: true, link: toDomain(row) };
  }

  async open(token: string, now: Date): Promise<FileLinkLookup> {
    const seen = await this.peek(token, now);
    if (!seen.ok || !seen.link.once) return seen;
    // Conditional update: of two concurrent openings only one changes the row.
    const result = await this.em.getRepository(FileLinkSchema).update({ token, usedAt: IsNull() }, { usedAt: now });
    if (result.affected !== undefined && result.affected !== 1) return { ok: false, reason: 'used', kind: seen.link.kind };
    return { ok: true, link: { ...seen.link, usedAt: now } };
  }
}
