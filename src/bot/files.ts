/**
 * One way to hand out files: every download or upload link is a FileLink (kind, spec, lifetime,
 * once or until expiry) behind `/files/<token>/<name>`, and the one files route renders it by
 * kind. Areas declare their kinds and issue links here; adapters/http/files-route.ts serves them.
 */
import crypto from 'node:crypto';
import type { CoreRepos, FileLink } from './ports';

/** What a link token looks like; anything else is unknown without a database look-up. */
export const FILE_TOKEN = /^[0-9a-f]{32}$/;

export interface FileLinkRequest {
  kind: string;
  spec: Record<string, unknown>;
  memberId: number | null;
  lifetimeMs: number;
  /** Used up by its first opening (a ledger), or good until it expires (minutes). */
  once: boolean;
}

/** Stores a new link in the transaction and returns it. */
export async function issueFileLink(tx: { now: Date; repos: Pick<CoreRepos, 'files'> }, request: FileLinkRequest): Promise<FileLink> {
  const link: FileLink = {
    token: crypto.randomBytes(16).toString('hex'),
    kind: request.kind,
    spec: request.spec,
    memberId: request.memberId,
    once: request.once,
    createdAt: tx.now,
    expiresAt: new Date(tx.now.getTime() + request.lifetimeMs),
    usedAt: null,
  };
  await tx.repos.files.create(link);
  return link;
}

/** The download address of a link; `baseUrl` is PUBLIC_URL or this server (relative without one). */
export function fileLinkUrl(baseUrl: string | null, token: string, fileName: string): string {
  return `${(baseUrl ?? '').replace(/\/$/, '')}/files/${token}/${encodeURIComponent(fileName)}`;
}
