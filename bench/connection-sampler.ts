import type { BenchDatabase } from './bench-database';

export interface ConnectionStates {
  /** Waiting for a row or other heavyweight lock. */
  lockWait: number;
  /** Waiting for an internal lock (LWLock), e.g. the lock manager's. */
  internalLockWait: number;
  /** Waiting for the commit's WAL flush. */
  commitFlush: number;
  /** Running a statement (or waiting on anything else). */
  running: number;
  /** Inside a transaction, waiting for the client's next statement. */
  idleInTransaction: number;
  samples: number;
}

/** What the bench database's connections are doing, every 0.5 s until stopped. */
export async function sampleConnections(
  db: BenchDatabase,
  stopped: () => boolean,
): Promise<ConnectionStates> {
  const sum: ConnectionStates = {
    lockWait: 0,
    internalLockWait: 0,
    commitFlush: 0,
    running: 0,
    idleInTransaction: 0,
    samples: 0,
  };
  while (!stopped()) {
    const rows: Record<string, string>[] = await db.dataSource.query(
      `SELECT count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') AS lock_wait,
         count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'LWLock') AS internal_lock_wait,
         count(*) FILTER (WHERE state = 'active' AND wait_event IN ('WALSync', 'WALWrite')) AS commit_flush,
         count(*) FILTER (WHERE state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock'
                          AND wait_event_type IS DISTINCT FROM 'LWLock'
                          AND wait_event IS DISTINCT FROM 'WALSync' AND wait_event IS DISTINCT FROM 'WALWrite') AS running,
         count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_in_transaction
       FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    const row = rows[0]!;
    sum.lockWait += Number(row.lock_wait);
    sum.internalLockWait += Number(row.internal_lock_wait);
    sum.commitFlush += Number(row.commit_flush);
    sum.running += Number(row.running);
    sum.idleInTransaction += Number(row.idle_in_transaction);
    sum.samples += 1;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const n = Math.max(1, sum.samples);
  return {
    lockWait: sum.lockWait / n,
    internalLockWait: sum.internalLockWait / n,
    commitFlush: sum.commitFlush / n,
    running: sum.running / n,
    idleInTransaction: sum.idleInTransaction / n,
    samples: sum.samples,
  };
}
