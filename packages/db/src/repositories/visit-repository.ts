import type { EntityManager } from 'typeorm';
import { Visit } from '../entities/visit.entity';
import type { VisitStatus } from '../entities/visit.entity';
import type { PageCursor } from './suppression-repository';

/** One status a visit took, and when. */
export interface VisitStatusEvent {
  status: VisitStatus;
  actor: string | null;
  occurredAt: Date;
}

/** What may change on a visit; undefined leaves a field alone. */
export interface VisitChanges {
  kind?: Visit['kind'];
  visitDate?: string;
  status?: VisitStatus;
  /** Explicit ready time; null clears it. */
  readyAt?: Date | null;
  lensBoxDays?: number | null;
}

const BEFORE_READY: readonly VisitStatus[] = ['quoted', 'ordered'];

/**
 * When a visit became ready after a status change: an explicit time wins;
 * becoming `ready` stamps `now`; going back to quoted or ordered clears it;
 * collected or cancelled keep the time it was ready.
 */
export function readyAtAfter(
  previous: { status: VisitStatus | null; readyAt: Date | null },
  next: { status: VisitStatus; readyAt?: Date | null },
  now: Date,
): Date | null {
  if (next.readyAt !== undefined) return next.readyAt;
  if (next.status === previous.status) return previous.readyAt;
  if (next.status === 'ready') return now;
  if (BEFORE_READY.includes(next.status)) return null;
  return previous.readyAt;
}

export const visitRepository = {
  /** Inserts a visit and records its first status. */
  async insert(
    manager: EntityManager,
    visit: Visit,
    actor: string | null,
  ): Promise<void> {
    await manager.insert(Visit, visit);
    await recordStatus(manager, visit, actor, visit.createdAt);
  },

  async findById(
    manager: EntityManager,
    shopId: string,
    visitId: string,
  ): Promise<Visit | null> {
    return manager.findOneBy(Visit, { id: visitId, shopId });
  },

  /**
   * Applies the changes to a visit locked for this transaction; a new
   * status is recorded with its time. Returns the visit as saved, or null
   * when the shop has no such visit.
   */
  async update(
    manager: EntityManager,
    shopId: string,
    visitId: string,
    changes: VisitChanges,
    actor: string | null,
    now: Date,
  ): Promise<Visit | null> {
    const visit = await manager.findOne(Visit, {
      where: { id: visitId, shopId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!visit) return null;

    const status = changes.status ?? visit.status;
    const statusChanged = status !== visit.status;
    const next: Visit = {
      ...visit,
      kind: changes.kind ?? visit.kind,
      visitDate: changes.visitDate ?? visit.visitDate,
      lensBoxDays:
        changes.lensBoxDays !== undefined
          ? changes.lensBoxDays
          : visit.lensBoxDays,
      status,
      readyAt: readyAtAfter(visit, { status, readyAt: changes.readyAt }, now),
      updatedAt: now,
    };
    await manager.update(
      Visit,
      { id: visit.id },
      {
        kind: next.kind,
        visitDate: next.visitDate,
        lensBoxDays: next.lensBoxDays,
        status: next.status,
        readyAt: next.readyAt,
        updatedAt: now,
      },
    );
    if (statusChanged) await recordStatus(manager, next, actor, now);
    return next;
  },

  /** A client's visits, latest visit date first. */
  async listForClient(
    manager: EntityManager,
    shopId: string,
    clientId: string,
    cursor: PageCursor | null,
    limit: number,
  ): Promise<Visit[]> {
    const query = manager
      .createQueryBuilder(Visit, 'v')
      .where('v.shopId = :shopId AND v.clientId = :clientId', {
        shopId,
        clientId,
      });
    if (cursor) {
      query.andWhere('(v.visitDate, v.id) < (CAST(:date AS date), :id)', {
        date: cursor.at.toISOString().slice(0, 10),
        id: cursor.id,
      });
    }
    return query
      .orderBy('v.visitDate', 'DESC')
      .addOrderBy('v.id', 'DESC')
      .limit(limit)
      .getMany();
  },

  /** Each visit's statuses, oldest first, by visit id. */
  async statusHistory(
    manager: EntityManager,
    visitIds: string[],
  ): Promise<Map<string, VisitStatusEvent[]>> {
    const history = new Map<string, VisitStatusEvent[]>(
      visitIds.map((id) => [id, []]),
    );
    if (visitIds.length === 0) return history;

    const rows: {
      visit_id: string;
      status: VisitStatus;
      actor: string | null;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT visit_id, status, actor, occurred_at FROM visit_status_event
       WHERE visit_id = ANY($1) ORDER BY id`,
      [visitIds],
    );
    for (const row of rows) {
      history.get(row.visit_id)?.push({
        status: row.status,
        actor: row.actor,
        occurredAt: row.occurred_at,
      });
    }
    return history;
  },
};

async function recordStatus(
  manager: EntityManager,
  visit: Pick<Visit, 'id' | 'shopId' | 'status'>,
  actor: string | null,
  at: Date,
): Promise<void> {
  await manager.query(
    `INSERT INTO visit_status_event (shop_id, visit_id, status, actor, occurred_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [visit.shopId, visit.id, visit.status, actor, at],
  );
}
