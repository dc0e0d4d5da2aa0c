/**
 * Writes held back to ride with a transaction's next statement (lean-query-runner.ts, MariaDB):
 * what the transaction reads afterwards sees them, a commit stores them, a rollback (to the start or
 * to a savepoint) drops exactly what it should, and a held write that fails fails the transaction
 * rather than vanishing. On real MariaDB (CI requires it), the only database the runner serves.
 */
import type { DataSource } from 'typeorm';
import { openDatabase } from '../src/adapters/db/data-source';
import { LeanMysqlQueryRunner, OpeningAborted } from '../src/adapters/db/lean-query-runner';
import { createTestDatabase, type TestDatabase } from './support/databases';

describe('writes held for the next statement (MariaDB)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    dataSource = (await openDatabase(db.url)).dataSource;
    await dataSource.query('CREATE TABLE held_probe (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL)');
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  beforeEach(() => dataSource.query('DELETE FROM held_probe'));

  const stored = async (): Promise<number[]> => ((await dataSource.query('SELECT id FROM held_probe ORDER BY id')) as { id: number }[]).map((r) => r.id);

  async function inTransaction(work: (runner: LeanMysqlQueryRunner) => Promise<void>): Promise<void> {
    const runner = dataSource.createQueryRunner() as LeanMysqlQueryRunner;
    expect(runner).toBeInstanceOf(LeanMysqlQueryRunner);
    try {
      await runner.startTransaction();
      await work(runner);
    } finally {
      await runner.release();
    }
  }

  it('sends a held write with the next statement, whose own result is returned, and stores it on commit', async () => {
    await inTransaction(async (runner) => {
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [1, 'a']);
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [2, 'b']);
      const rows = (await runner.query('SELECT note FROM held_probe WHERE id IN (?, ?) ORDER BY id', [1, 2])) as { note: string }[];
      expect(rows.map((r) => r.note)).toEqual(['a', 'b']);
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [3, 'c']);
      await runner.commitTransaction();
    });
    expect(await stored()).toEqual([1, 2, 3]);
  });

  it('drops held writes on a rollback, and those after a savepoint on a rollback to it', async () => {
    await inTransaction(async (runner) => {
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [1, 'a']);
      await runner.rollbackTransaction();
    });
    expect(await stored()).toEqual([]);
    await inTransaction(async (runner) => {
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [1, 'kept']);
      await runner.startTransaction(); // a savepoint: the write before it goes out with it
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [2, 'dropped']);
      await runner.rollbackTransaction();
      await runner.commitTransaction();
    });
    expect(await stored()).toEqual([1]);
  });

  it('fails the statement a failing held write rides with, and the rollback leaves nothing of the transaction', async () => {
    await dataSource.query('INSERT INTO held_probe (id, note) VALUES (9, ?)', ['there']);
    await expect(
      inTransaction(async (runner) => {
        try {
          await runner.query('INSERT INTO held_probe (id, note) VALUES (?, ?)', [1, 'a']);
          await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [9, 'twice']);
          await runner.query('SELECT 1');
        } catch (err) {
          await runner.rollbackTransaction();
          throw err;
        }
      }),
    ).rejects.toThrow(/Duplicate entry/);
    expect(await stored()).toEqual([9]);
    // The pooled connection is not left inside a transaction: the next one commits on its own.
    await inTransaction(async (runner) => {
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [5, 'e']);
      await runner.commitTransaction();
    });
    expect(await stored()).toEqual([5, 9]);
  });

  it('writes at once outside a transaction', async () => {
    const runner = dataSource.createQueryRunner() as LeanMysqlQueryRunner;
    try {
      await runner.deferWrite('INSERT INTO held_probe (id, note) VALUES (?, ?)', [4, 'd']);
      expect(await stored()).toEqual([4]);
    } finally {
      await runner.release();
    }
  });

  describe('a transaction opening held for its first statement', () => {
    /** A runner inside a transaction whose opening (start, a claim as row 7, a read of row 9) waits for its first statement. */
    function opened(check: (results: unknown[]) => void = () => undefined): LeanMysqlQueryRunner {
      const runner = dataSource.createQueryRunner() as LeanMysqlQueryRunner;
      runner.holdOpening({ sql: "START TRANSACTION; INSERT INTO held_probe (id, note) VALUES (7, 'claim'); SELECT note FROM held_probe WHERE id = 9", parameters: [], statements: 3, check });
      const state = runner as unknown as { isTransactionActive: boolean; transactionDepth: number };
      state.isTransactionActive = true;
      state.transactionDepth = 1;
      return runner;
    }

    it('goes with the first statement, whose own result the caller gets, and commits with the transaction', async () => {
      await dataSource.query("INSERT INTO held_probe (id, note) VALUES (9, 'nine')");
      const seen: unknown[][] = [];
      const runner = opened((results) => seen.push(results));
      try {
        const rows = (await runner.query('SELECT id FROM held_probe ORDER BY id')) as { id: number }[];
        expect(rows.map((r) => r.id)).toEqual([7, 9]);
        expect((seen[0][2] as { note: string }[])[0].note).toBe('nine');
        await runner.query("INSERT INTO held_probe (id, note) VALUES (8, 'own'); COMMIT");
      } finally {
        await runner.release();
      }
      expect(await stored()).toEqual([7, 8, 9]);
    });

    it('is never sent when the transaction rolls back before any statement', async () => {
      const runner = opened();
      try {
        await runner.query('ROLLBACK');
      } finally {
        await runner.release();
      }
      expect(await stored()).toEqual([]);
    });

    it('aborts the transaction when its check fails: nothing more goes out but the rollback, and nothing is stored', async () => {
      const runner = opened(() => {
        throw new Error('moved on');
      });
      try {
        await expect(runner.query('SELECT 1')).rejects.toBeInstanceOf(OpeningAborted);
        // A caller that carries on regardless is refused before anything reaches the database.
        await expect(runner.query("INSERT INTO held_probe (id, note) VALUES (8, 'late'); COMMIT")).rejects.toBeInstanceOf(OpeningAborted);
        await runner.query('ROLLBACK');
      } finally {
        await runner.release();
      }
      expect(await stored()).toEqual([]);
    });

    it('aborts the transaction when the statement that carried it fails, even if the caller takes the error for its own', async () => {
      await dataSource.query("INSERT INTO held_probe (id, note) VALUES (7, 'taken')");
      const runner = opened();
      try {
        // The claim (row 7) is a duplicate: the error is the opening's, though it came with the caller's statement.
        await expect(runner.query('SELECT 1')).rejects.toThrow(/Duplicate entry/);
        expect(runner.aborted).toBeInstanceOf(OpeningAborted);
        await expect(runner.query("INSERT INTO held_probe (id, note) VALUES (8, 'late'); COMMIT")).rejects.toBeInstanceOf(OpeningAborted);
        await runner.query('ROLLBACK');
      } finally {
        await runner.release();
      }
      expect(await stored()).toEqual([7]);
    });
  });
});
