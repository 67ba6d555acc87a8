import { ManualClock } from '@optic/domain';
import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, rowCounts } from './client-support';

const T0 = new Date('2026-03-02T09:00:00Z');

describe('visits', () => {
  let stack: TestStack;
  const clock = new ManualClock(T0);
  let shopId: string;
  let clientId: string;
  let otherClientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false, clock });
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
    otherClientId = await createClient(stack.api, shopId, {
      lastName: 'Autre',
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  async function createVisit(body: Record<string, unknown>): Promise<string> {
    const response = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind: 'glasses',
      visitDate: '2026-03-02',
      ...body,
    });
    expect(response.status).toBe(201);
    return response.data.id;
  }

  it('records each status with its time and stamps when the visit became ready', async () => {
    clock.set(T0);
    const id = await createVisit({ status: 'ordered', actor: 'Julie' });

    clock.set(new Date('2026-03-05T15:30:00Z'));
    const ready = await stack.api.patch(`/v1/shops/${shopId}/visits/${id}`, {
      status: 'ready',
      actor: 'Marc',
    });
    clock.set(new Date('2026-03-07T10:00:00Z'));
    const collected = await stack.api.patch(
      `/v1/shops/${shopId}/visits/${id}`,
      { status: 'collected' },
    );

    expect(ready.status).toBe(200);
    expect(ready.data).toMatchObject({
      status: 'ready',
      readyAt: '2026-03-05T15:30:00.000Z',
    });
    expect(collected.data).toMatchObject({
      status: 'collected',
      readyAt: '2026-03-05T15:30:00.000Z',
      updatedAt: '2026-03-07T10:00:00.000Z',
    });
    const read = await stack.api.get(`/v1/shops/${shopId}/visits/${id}`);
    expect(read.data.statusHistory).toEqual([
      { status: 'ordered', actor: 'Julie', occurredAt: T0.toISOString() },
      {
        status: 'ready',
        actor: 'Marc',
        occurredAt: '2026-03-05T15:30:00.000Z',
      },
      {
        status: 'collected',
        actor: null,
        occurredAt: '2026-03-07T10:00:00.000Z',
      },
    ]);
  });

  it('keeps the history unchanged when the status does not change', async () => {
    const id = await createVisit({ status: 'ready' });
    const first = await stack.api.get(`/v1/shops/${shopId}/visits/${id}`);

    await stack.api.patch(`/v1/shops/${shopId}/visits/${id}`, {
      status: 'ready',
      visitDate: '2026-03-01',
    });

    const read = await stack.api.get(`/v1/shops/${shopId}/visits/${id}`);
    expect(read.data.visitDate).toBe('2026-03-01');
    expect(read.data.readyAt).toBe(first.data.readyAt);
    expect(read.data.statusHistory).toHaveLength(1);
  });

  it('updates a contact lens visit’s box duration, and takes an explicit ready time', async () => {
    const id = await createVisit({
      kind: 'contact_lenses',
      lensBoxDays: 30,
    });

    const response = await stack.api.patch(
      `/v1/shops/${shopId}/clients/${clientId}/visits/${id}`,
      {
        lensBoxDays: 90,
        status: 'ready',
        readyAt: '2026-03-01T08:00:00+01:00',
      },
    );

    expect(response.status).toBe(200);
    expect(response.data).toMatchObject({
      kind: 'contact_lenses',
      lensBoxDays: 90,
      readyAt: '2026-03-01T07:00:00.000Z',
    });
  });

  it('lists a client’s visits, latest visit date first, page by page', async () => {
    const client = await createClient(stack.api, shopId, { lastName: 'Liste' });
    const dates = ['2025-01-10', '2026-02-01', '2025-06-15', '2024-12-31'];
    for (const visitDate of dates) {
      await stack.api.post(`/v1/shops/${shopId}/visits`, {
        clientId: client,
        kind: 'repair',
        visitDate,
      });
    }

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: {
        status: number;
        data: { items: never[]; nextCursor: string | null };
      } = await stack.api.get(`/v1/shops/${shopId}/clients/${client}/visits`, {
        params: { limit: 3, ...(cursor ? { cursor } : {}) },
      });
      expect(response.status).toBe(200);
      seen.push(
        ...response.data.items.map((v: { visitDate: string }) => v.visitDate),
      );
      cursor = response.data.nextCursor;
    } while (cursor);

    expect(seen).toEqual([...dates].sort().reverse());
  });

  describe('when the input is bad', () => {
    let visitId: string;

    beforeAll(async () => {
      visitId = await createVisit({ kind: 'glasses' });
    });

    it('answers 404 for a visit of another client under that client', async () => {
      const before = await rowCounts(stack);

      const read = await stack.api.get(
        `/v1/shops/${shopId}/clients/${otherClientId}/visits/${visitId}`,
      );
      const patch = await stack.api.patch(
        `/v1/shops/${shopId}/clients/${otherClientId}/visits/${visitId}`,
        { status: 'cancelled' },
      );

      expectProblem(read, 404, 'not_found', { visitId: null });
      expectProblem(patch, 404, 'not_found', { visitId: null });
      expect(await rowCounts(stack)).toEqual(before);
      const visit = await stack.api.get(
        `/v1/shops/${shopId}/visits/${visitId}`,
      );
      expect(visit.data.status).toBe('ordered');
    });

    it('answers 404 for a visit of another shop', async () => {
      const other = await createShop(stack.api, { name: 'Optic 2000' });
      const response = await stack.api.get(
        `/v1/shops/${other}/visits/${visitId}`,
      );
      expectProblem(response, 404, 'not_found', { visitId: null });
    });

    it.each([
      {
        what: 'an unknown status',
        body: { status: 'shipped' },
        paths: { status: /"ready"/ },
      },
      {
        what: 'a box duration on glasses',
        body: { lensBoxDays: 30 },
        paths: { lensBoxDays: /only contact lenses/ },
      },
      {
        what: 'a date that does not exist',
        body: { visitDate: '2026-02-29' },
        paths: { visitDate: null },
      },
      {
        what: 'a change of client',
        body: { clientId: '00000000-0000-4000-8000-000000000001' },
        paths: { clientId: /not a known field/ },
      },
    ])('refuses $what with a 400 naming the field', async (c) => {
      const before = await rowCounts(stack);
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/visits/${visitId}`,
        c.body,
      );
      expectProblem(response, 400, 'validation_failed', c.paths);
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('refuses a box duration on a repair when creating', async () => {
      const response = await stack.api.post(`/v1/shops/${shopId}/visits`, {
        clientId,
        kind: 'repair',
        visitDate: '2026-03-02',
        lensBoxDays: 30,
      });
      expectProblem(response, 400, 'validation_failed', {
        lensBoxDays: /only contact lenses/,
      });
    });

    it('answers 404 for the visits of an unknown client', async () => {
      const response = await stack.api.get(
        `/v1/shops/${shopId}/clients/00000000-0000-4000-8000-000000000000/visits`,
      );
      expectProblem(response, 404, 'not_found', { clientId: null });
    });
  });
});
