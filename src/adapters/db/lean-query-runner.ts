/**
 * TypeORM's MySQL query runner without what gridbot never uses on its hot path: every statement
 * through the stock runner goes through the subscriber broadcaster (gridbot registers no
 * subscribers), the query logger (off) and a fresh mysql2 promise wrapper that captures a stack
 * trace, about 80 µs of CPU per statement on the benchmark machine (docs/decisions.md), a
 * third of a simple message's database cost. This runner sends the statement straight on the
 * pooled connection and returns what the stock one returns: the same raw result, the same
 * QueryResult when a query builder asks for it, the same QueryFailedError on failure. Transactions
 * keep TypeORM's own bookkeeping (depth, savepoints), minus the broadcasts.
 *
 * Inside a transaction it also holds back writes whose result nobody reads (a timeline entry): they
 * go in front of the transaction's next statement, in the same round trip (the pool allows several
 * statements per query), and so at the latest with its COMMIT. The server runs them in order, so
 * every later read of the transaction sees them; one that fails fails the statement it rode with,
 * and the transaction rolls back as it would have.
 *
 * A transaction may also hold back its opening (its start, its key's claim and the read versions,
 * see `TypeOrmUnitOfWork.runAssuming`) until its first statement, which then carries it. The
 * opening's results are checked before the statement's are handed back; when the check fails, or
 * the statement that carried the opening fails, the runner is aborted: nothing but a rollback goes
 * out any more, whatever the caller makes of the error, and the transaction is run again the usual
 * way. A failure of a statement that carried the opening cannot be told from a failure of the
 * opening (the claim's duplicate key), so a caller never acts on one as if it were its own.
 */
import { QueryFailedError, QueryResult, type DataSource } from 'typeorm';
import type { MysqlDriver } from 'typeorm/driver/mysql/MysqlDriver.js';
import { MysqlQueryRunner } from 'typeorm/driver/mysql/MysqlQueryRunner.js';
import { QueryRunnerAlreadyReleasedError } from 'typeorm/error/QueryRunnerAlreadyReleasedError.js';
import { TransactionNotStartedError } from 'typeorm/error/TransactionNotStartedError.js';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

interface Mysql2Connection {
  query(sql: string, values: unknown[] | undefined, callback: (err: unknown, raw: unknown) => void): void;
}

/** Statements held back until a transaction's first statement, and the check of their results. */
export interface HeldOpening {
  sql: string;
  parameters: unknown[];
  /** Statements in `sql`: their results come first in the round trip that carries them. */
  statements: number;
  /** Throws when the results show the transaction must not go on (it is then run again the usual way). */
  check(results: unknown[]): void;
}

/** The run was aborted (see above): its transaction is rolled back and run again the usual way. */
export class OpeningAborted extends Error {
  constructor(readonly reason: unknown) {
    super('the transaction opened with its first statement was aborted');
  }
}

export class LeanMysqlQueryRunner extends MysqlQueryRunner {
  /** Writes held back until the transaction's next statement (see above). */
  private held: { sql: string; parameters: unknown[] }[] = [];
  /** The transaction's opening, not sent yet. */
  private opening: HeldOpening | null = null;
  /** Why the transaction may not go on, once its opening or the statement that carried it failed. */
  aborted: OpeningAborted | null = null;

  /** Holds the transaction's opening until its first statement (see above). */
  holdOpening(opening: HeldOpening): void {
    this.opening = opening;
  }

  /** The opening is still held and nothing else is: the caller may send the opening in a statement of its own shape. */
  takeOpening(): HeldOpening | null {
    if (!this.opening || this.held.length) return null;
    const opening = this.opening;
    this.opening = null;
    return opening;
  }

  /** Nothing of this transaction may go out any more but its rollback. */
  abort(reason: unknown): OpeningAborted {
    this.aborted ??= reason instanceof OpeningAborted ? reason : new OpeningAborted(reason);
    return this.aborted;
  }

  /** Runs a write whose result is not needed: with the next statement inside a transaction, else now. */
  async deferWrite(sql: string, parameters: unknown[]): Promise<void> {
    if (!this.isTransactionActive) {
      await this.query(sql, parameters);
      return;
    }
    this.held.push({ sql, parameters });
  }

  override async query(query: string, parameters?: unknown[], useStructuredResult = false): Promise<any> {
    if (this.isReleased) throw new QueryRunnerAlreadyReleasedError();
    const connection = (this.databaseConnection ?? (await this.connect())) as Mysql2Connection;
    // A rollback drops what is held: everything held came after the last statement sent, so after
    // any savepoint too. A transaction whose opening was never sent has nothing to roll back.
    if (/^\s*ROLLBACK\b/i.test(query)) {
      this.held = [];
      if (this.opening && /^\s*ROLLBACK\s*$/i.test(query)) {
        this.opening = null;
        return useStructuredResult ? new QueryResult() : [];
      }
    } else if (this.aborted) {
      throw this.aborted;
    }
    const opening = this.opening;
    const held = this.held;
    const ahead = (opening ? opening.statements : 0) + held.length;
    if (ahead) {
      this.opening = null;
      this.held = [];
      query = [...(opening ? [opening.sql] : []), ...held.map((h) => h.sql), query].join('; ');
      parameters = [...(opening?.parameters ?? []), ...held.flatMap((h) => h.parameters), ...(parameters ?? [])];
    }
    let raw: unknown;
    try {
      raw = await new Promise<unknown>((resolve, reject) =>
        connection.query(query, parameters, (err, result) => (err ? reject(new QueryFailedError(query, parameters, err as Error)) : resolve(result))),
      );
    } catch (err) {
      if (opening) this.abort(err);
      throw err;
    }
    if (opening) {
      try {
        opening.check((raw as unknown[]).slice(0, opening.statements));
      } catch (err) {
        throw this.abort(err);
      }
    }
    // The opening's and the held writes' results come first: the caller gets what its own statement(s) returned.
    if (ahead) {
      const own = (raw as unknown[]).slice(ahead);
      raw = own.length === 1 ? own[0] : own;
    }
    if (!useStructuredResult) return raw;
    const result = new QueryResult();
    result.raw = raw;
    if (Array.isArray(raw)) result.records = raw;
    if (raw && typeof raw === 'object' && 'affectedRows' in raw) result.affected = (raw as { affectedRows: number }).affectedRows;
    return result;
  }

  override async release(): Promise<void> {
    this.held = [];
    this.opening = null;
    this.aborted = null;
    return super.release();
  }

  override async startTransaction(isolationLevel?: IsolationLevel): Promise<void> {
    if (isolationLevel ?? this.dataSource.options.isolationLevel) return super.startTransaction(isolationLevel);
    this.isTransactionActive = true;
    try {
      await this.query(this.transactionDepth === 0 ? 'START TRANSACTION' : `SAVEPOINT typeorm_${this.transactionDepth}`);
    } catch (err) {
      if (this.transactionDepth === 0) this.isTransactionActive = false;
      throw err;
    }
    this.transactionDepth += 1;
  }

  override async commitTransaction(): Promise<void> {
    if (!this.isTransactionActive) throw new TransactionNotStartedError();
    if (this.transactionDepth > 1) {
      await this.query(`RELEASE SAVEPOINT typeorm_${this.transactionDepth - 1}`);
    } else {
      await this.query('COMMIT');
      this.isTransactionActive = false;
    }
    this.transactionDepth -= 1;
  }

  override async rollbackTransaction(): Promise<void> {
    if (!this.isTransactionActive) throw new TransactionNotStartedError();
    if (this.transactionDepth > 1) {
      await this.query(`ROLLBACK TO SAVEPOINT typeorm_${this.transactionDepth - 1}`);
    } else {
      await this.query('ROLLBACK');
      this.isTransactionActive = false;
    }
    this.transactionDepth -= 1;
  }
}

/**
 * Makes every query runner of a MySQL DataSource a lean one (its repositories, managers and
 * transactions included). Refused when a subscriber or query logging is configured: those need
 * the stock runner's broadcasts and logger.
 */
export function useLeanQueryRunners(dataSource: DataSource): void {
  if (dataSource.options.type !== 'mysql') return;
  const subscribers = dataSource.options.subscribers;
  if ((Array.isArray(subscribers) ? subscribers.length : subscribers) || dataSource.options.logging || dataSource.options.maxQueryExecutionTime) return;
  const driver = dataSource.driver as MysqlDriver;
  driver.createQueryRunner = (mode) => new LeanMysqlQueryRunner(driver, mode);
}
