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

export class LeanMysqlQueryRunner extends MysqlQueryRunner {
  /** Writes held back until the transaction's next statement (see above). */
  private held: { sql: string; parameters: unknown[] }[] = [];

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
    // any savepoint too.
    if (this.held.length && /^\s*ROLLBACK\b/i.test(query)) this.held = [];
    const held = this.held;
    if (held.length) {
      this.held = [];
      query = `${held.map((h) => h.sql).join('; ')}; ${query}`;
      parameters = [...held.flatMap((h) => h.parameters), ...(parameters ?? [])];
    }
    let raw = await new Promise<unknown>((resolve, reject) =>
      connection.query(query, parameters, (err, result) => (err ? reject(new QueryFailedError(query, parameters, err as Error)) : resolve(result))),
    );
    // The held writes' results come first: the caller gets what its own statement(s) returned.
    if (held.length) {
      const own = (raw as unknown[]).slice(held.length);
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
