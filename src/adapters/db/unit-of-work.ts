/**
 * The transaction around every handled message and every scheduled firing: the work, the
 * record that its key was handled, and its outbox rows commit together or not at all.
 */
import crypto from 'node:crypto';
import { IsNull, type DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { CalendarProvider, Clock, RunOnceResult, Tx, UnitOfWork } from '../../bot/ports';
import { CollectingEffects, type OutboxPayload } from '../../jobs/outbox-payload';
import type { BotRepos } from '../../bot/modules';
import { createRepos } from './repositories';
import type { WorkingCalendar } from '../../domain/calendar/working-calendar';
import { TypeOrmSettingsRepo } from './repositories/support-repositories';
import { OutboxSchema, ProcessedKeySchema, type OutboxRow } from './schemas/core';
import { databaseKind } from './data-source';
import { NO_VAULT, type PiiVault } from './pii/vault';
import { openPayload, sealPayload } from './pii/outbox-seal';
import { READ_VERSIONS, SharedReads, TxReads, versionsOf, type ReadScope, type VersionRow } from './read-cache';
import { LeanMysqlQueryRunner } from './lean-query-runner';
import { writeDate } from './raw-date';

/** Outbox rows per INSERT statement (a fan-out's thousands stay under the drivers' parameter limits). */
const OUTBOX_INSERT_ROWS = 1000;

/** Rows handed to the dispatcher: payload in the clear, `stored` as written (sealed). */
export type DispatchedRow = OutboxRow & { stored?: string };
export type DispatchFn = (rows: DispatchedRow[]) => Promise<void>;

/** Deterministic outbox id: the n-th effect of a key always gets the same id. */
export function outboxId(key: string, n: number): string {
  return `${keyHash(key)}-${n}`;
}

function keyHash(key: string): string {
  return crypto.createHash('sha1').update(key).digest('hex');
}

/** The outbox insert's columns and one row's values: a row's id, source key, kind, channel, payload and time are bound. */
const OUTBOX_INSERT = 'INSERT INTO outbox (id, source_key, kind, channel, payload, status, attempts, last_error, created_at, dispatched_at, sent_at)';
const OUTBOX_VALUES = "?, ?, ?, ?, ?, 'pending', 0, NULL, ?, NULL, NULL";

/** Why a transaction run on the versions the process read last was run again (runAssuming). */
const versionsMovedOn = () => new Error('the read versions moved on');

/** The outbox rows of a key's effects, in order. */
function outboxRows(key: string, items: OutboxPayload[], now: Date): OutboxRow[] {
  const hash = items.length ? keyHash(key) : '';
  return items.map((item, i) => ({
    id: `${hash}-${i}`,
    sourceKey: key,
    kind: item.kind,
    channel: item.kind === 'message' ? item.channel : null,
    payload: JSON.stringify(item),
    status: 'pending',
    attempts: 0,
    lastError: null,
    createdAt: now,
    dispatchedAt: null,
    sentAt: null,
  }));
}

/** A transaction run on the versions the process read last (runAssuming). */
interface Assuming {
  runner: LeanMysqlQueryRunner;
  assumed: Record<ReadScope, number>;
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e?.driverError?.code ?? e?.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * TypeORM's own record of a transaction it did not start itself, so that a save inside does not
 * begin another (which on MySQL would commit this one).
 */
function inTransaction(runner: QueryRunner, active: boolean): void {
  const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
  state.isTransactionActive = active;
  state.transactionDepth = active ? 1 : 0;
}

export class TypeOrmUnitOfWork implements UnitOfWork<BotRepos> {
  /** better-sqlite3 has one connection: transactions must not interleave. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly serial: boolean;
  private dispatch: DispatchFn = async () => undefined;
  /** The read replica (DATABASE_READ_URL), when configured: readReplica() reads there. */
  private replica: DataSource | null = null;
  /** The organisation, bindings and settings this process keeps between transactions (read-cache.ts). */
  private readonly shared = new SharedReads();
  /** The same, as the replica has them: kept apart, so nothing read there is served to a transaction on the primary. */
  private readonly replicaShared = new SharedReads();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    url: string,
    private readonly calendars: CalendarProvider,
    /** Seals residents' personal data (src/adapters/db/pii); tools without PII_KEY leave it out. */
    private readonly vault: PiiVault = NO_VAULT,
  ) {
    this.serial = databaseKind(url) === 'sqlite';
    this.claimKey = this.serial ? 'INSERT INTO "processed_key" ("key", "processed_at") VALUES (?, ?)' : 'INSERT INTO `processed_key` (`key`, `processed_at`) VALUES (?, ?)';
  }

  /** The key's claim, plain SQL: it runs for every message. */
  private readonly claimKey: string;

  /** Set by the composition root once the job layer exists. */
  onCommitted(dispatch: DispatchFn): void {
    this.dispatch = dispatch;
  }

  /** Runs `fn` alone on SQLite (one connection); concurrently on MySQL. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.serial) return fn();
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async runOnce<T>(key: string, work: (tx: Tx<BotRepos>) => Promise<T>): Promise<RunOnceResult<T>> {
    const outcome = await this.exclusive(async () => {
      try {
        if (!this.serial) return await this.runOnMysql(key, work);
        return await this.dataSource.transaction(async (em) => {
          const now = this.clock.now();
          // Claim the key first: a concurrent run of the same key waits here and then fails.
          await em.query(this.claimKey, [key, writeDate(em, now)]);
          return this.runClaimed(em, key, now, new TxReads(em, this.shared), work, false);
        });
      } catch (err) {
        if (isDuplicateKey(err) && (await this.isProcessed(key))) return { ran: false as const };
        throw err;
      }
    });
    if (outcome.ran) {
      await this.dispatch(outcome.rows);
      return { ran: true, result: outcome.result };
    }
    await this.redispatch(key);
    return { ran: false };
  }

  /**
   * MySQL: the same transaction in two fewer round trips, each of which costs more CPU than the
   * statements themselves (docs/decisions.md, "Issue 20 goal 1, third pass"): the transaction's start, the key's claim and the
   * read versions go in one, the outbox rows and the commit in one (the pool allows several
   * statements per query for this; every statement binds its values as parameters).
   */
  private async runOnMysql<T>(key: string, work: (tx: Tx<BotRepos>) => Promise<T>): Promise<{ ran: true; result: T; rows: DispatchedRow[] }> {
    const assumed = this.shared.known();
    if (assumed) {
      const outcome = await this.runAssuming(key, work, assumed);
      if (outcome) return outcome;
    }
    const runner = this.dataSource.createQueryRunner();
    const now = this.clock.now();
    try {
      // Claim the key first: a concurrent run of the same key waits here and then fails.
      const [, , versions] = (await runner.query(`START TRANSACTION; ${this.claimKey}; ${READ_VERSIONS}`, [key, now])) as [unknown, unknown, VersionRow[]];
      inTransaction(runner, true);
      return await this.runClaimed(runner.manager, key, now, new TxReads(runner.manager, this.shared, versionsOf(versions)), work, true);
    } catch (err) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      inTransaction(runner, false);
      await runner.release();
    }
  }

  /**
   * MySQL, once the process has read both cache versions: the transaction in one round trip fewer
   * (docs/decisions.md, "Issue 20, ninth pass"). The work runs on what the process holds, assuming
   * the versions it read last are still current, and the transaction's opening (start, claim, read
   * versions) is held until the work's first statement, which carries it; the versions it returns
   * are checked before the work sees that statement's result. A message answered from what the
   * process holds (我是谁) sends no statement before its commit: its start, a claim and outbox rows
   * that are written only if both versions are still the assumed ones, and the commit then go in
   * one round trip. Null when the assumption did not hold, or the statement that carried the
   * opening failed: nothing was written, and the caller runs the transaction again the usual way.
   */
  private async runAssuming<T>(key: string, work: (tx: Tx<BotRepos>) => Promise<T>, assumed: Record<ReadScope, number>): Promise<{ ran: true; result: T; rows: DispatchedRow[] } | null> {
    const runner = this.dataSource.createQueryRunner();
    if (!(runner instanceof LeanMysqlQueryRunner)) {
      await runner.release();
      return null;
    }
    const now = this.clock.now();
    runner.holdOpening({
      sql: `START TRANSACTION; ${this.claimKey}; ${READ_VERSIONS}`,
      parameters: [key, now],
      statements: 3,
      check: ([, , versions]) => {
        const current = versionsOf(versions as VersionRow[]);
        if (current.org !== assumed.org || current.dialog !== assumed.dialog) throw versionsMovedOn();
      },
    });
    try {
      inTransaction(runner, true);
      return await this.runClaimed(runner.manager, key, now, new TxReads(runner.manager, this.shared, assumed), work, { runner, assumed });
    } catch (err) {
      await runner.query('ROLLBACK').catch(() => undefined);
      if (runner.aborted) return null;
      throw err;
    } finally {
      inTransaction(runner, false);
      await runner.release();
    }
  }

  /**
   * The work of a claimed key and its outbox rows. `commit`: the last statement commits (MySQL);
   * with the opening still held (runAssuming), that statement opens the transaction too.
   */
  private async runClaimed<T>(em: EntityManager, key: string, now: Date, reads: TxReads, work: (tx: Tx<BotRepos>) => Promise<T>, commit: boolean | Assuming): Promise<{ ran: true; result: T; rows: DispatchedRow[] }> {
    const effects = new CollectingEffects(now);
    const calendar = await this.calendars.current(new TypeOrmSettingsRepo(em, reads));
    const result = await work({ now, calendar, repos: createRepos(em, this.vault, reads), effects });
    // Work that sent no statement (its opening still held) commits in one round trip of its own shape.
    const assuming = typeof commit === 'object' && effects.items.length <= OUTBOX_INSERT_ROWS && commit.runner.takeOpening() ? commit : null;
    const rows = assuming ? await this.storeAssuming(em, key, effects.items, now, assuming) : await this.storeEffects(em, key, effects.items, now, commit !== false);
    return { ran: true as const, result, rows };
  }

  async read<T>(work: (repos: BotRepos, calendar: WorkingCalendar) => Promise<T>): Promise<T> {
    return this.exclusive(() => this.readOn(this.dataSource.manager, this.shared, work));
  }

  /** Set by the composition root when a read replica is configured (MySQL/MariaDB only). */
  useReplica(replica: DataSource): void {
    this.replica = replica;
  }

  async readReplica<T>(work: (repos: BotRepos, calendar: WorkingCalendar) => Promise<T>): Promise<T> {
    if (!this.replica) return this.read(work);
    return this.readOn(this.replica.manager, this.replicaShared, work);
  }

  private async readOn<T>(em: EntityManager, shared: SharedReads, work: (repos: BotRepos, calendar: WorkingCalendar) => Promise<T>): Promise<T> {
    const reads = new TxReads(em, shared);
    const calendar = await this.calendars.current(new TypeOrmSettingsRepo(em, reads));
    return work(createRepos(em, this.vault, reads), calendar);
  }

  private async isProcessed(key: string): Promise<boolean> {
    return (await this.dataSource.getRepository(ProcessedKeySchema).count({ where: { key } })) > 0;
  }

  private async storeEffects(em: EntityManager, key: string, items: OutboxPayload[], now: Date, commit: boolean): Promise<DispatchedRow[]> {
    const rows = outboxRows(key, items, now);
    // Stored sealed (message payloads may carry residents' data); handed on in the clear.
    // The stored (sealed) payload goes with each row, so a send job can carry it and the sender
    // need not read the row back. Plain SQL, one statement per thousand rows: it runs for every
    // message, and TypeORM's insert builder cost more CPU than the statement itself.
    const stored = rows.map((r) => sealPayload(this.vault, r.kind, r.payload));
    const at = writeDate(em, now);
    for (let from = 0; from < rows.length; from += OUTBOX_INSERT_ROWS) {
      const slice = rows.slice(from, from + OUTBOX_INSERT_ROWS);
      const last = from + OUTBOX_INSERT_ROWS >= rows.length;
      await em.query(
        `${OUTBOX_INSERT} VALUES ${slice.map(() => `(${OUTBOX_VALUES})`).join(', ')}${last && commit ? '; COMMIT' : ''}`,
        slice.flatMap((r, i) => [r.id, r.sourceKey, r.kind, r.channel, stored[from + i], at]),
      );
    }
    if (!rows.length && commit) await em.query('COMMIT');
    return rows.map((r, i) => ({ ...r, stored: stored[i] }));
  }

  /**
   * The whole transaction of work that sent no statement (runAssuming), in one round trip: its
   * start; the claim and the outbox rows, each written only while both read versions are the
   * assumed ones (read as the transaction's snapshot, without a lock); the commit. When the versions
   * moved on nothing was claimed or stored, and the runner is aborted so the caller runs it again.
   */
  private async storeAssuming(em: EntityManager, key: string, items: OutboxPayload[], now: Date, { runner, assumed }: Assuming): Promise<DispatchedRow[]> {
    const rows = outboxRows(key, items, now);
    const stored = rows.map((r) => sealPayload(this.vault, r.kind, r.payload));
    const at = writeDate(em, now);
    const fresh = '@gridbot_versions_held = 2';
    const outbox = rows.length
      ? [
          `${OUTBOX_INSERT} ${rows.map(() => `SELECT ${OUTBOX_VALUES} FROM DUAL WHERE ${fresh}`).join(' UNION ALL ')}`,
        ]
      : [];
    const raw = (await em.query(
      [
        'START TRANSACTION',
        "SET @gridbot_versions_held = (SELECT COUNT(*) FROM read_version WHERE (name = 'org' AND value = ?) OR (name = 'dialog' AND value = ?))",
        `INSERT INTO \`processed_key\` (\`key\`, \`processed_at\`) SELECT ?, ? FROM DUAL WHERE ${fresh}`,
        ...outbox,
        'COMMIT',
      ].join('; '),
      [assumed.org, assumed.dialog, key, now, ...rows.flatMap((r, i) => [r.id, r.sourceKey, r.kind, r.channel, stored[i], at])],
    )) as { affectedRows?: number }[];
    if (raw[2]?.affectedRows !== 1) throw runner.abort(versionsMovedOn());
    return rows.map((r, i) => ({ ...r, stored: stored[i] }));
  }

  /** A key handled before (a crash after commit, a redelivery): hand on what was not dispatched. */
  private async redispatch(key: string): Promise<void> {
    const rows = await this.exclusive(() => this.dataSource.getRepository(OutboxSchema).find({ where: { sourceKey: key, dispatchedAt: IsNull() } }));
    if (rows.length) await this.dispatch(rows.map((r) => ({ ...r, payload: openPayload(this.vault, r.payload), stored: r.payload })));
  }
}
