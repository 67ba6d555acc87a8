import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { VisitKind, VisitStatus } from '../entities/visit.entity';
import { clientSearchName } from './client-repository';
import {
  CLIENT_OPT_OUT_SOURCES,
  rejectWaitingMessages,
} from './consent-repository';
import type { ConsentChannel } from './consent-repository';
import { readyAtAfter } from './visit-repository';

/** A visit read from an import line, already checked. */
export interface ImportedVisit {
  /** The practice application's visit number; without it a visit is matched by client, kind and date. */
  externalId: string | null;
  kind: VisitKind;
  /** `yyyy-mm-dd`. */
  visitDate: string;
  /** Null: `ordered` for a new visit, unchanged for a known one. */
  status: VisitStatus | null;
  /** Null: stamped by the status rule. */
  readyAt: Date | null;
  lensBoxDays: number | null;
}

/**
 * One checked import line. For a known client a null field keeps what is
 * stored: an import adds and corrects, it never blanks a field.
 */
export interface ImportedClient {
  line: number;
  externalId: string;
  civility: string | null;
  lastName: string;
  firstName: string | null;
  /** E.164. */
  mobile: string | null;
  /** Normalised. */
  email: string | null;
  /** Null: unchanged (false for a new client). */
  smsConsent: boolean | null;
  emailConsent: boolean | null;
  visit: ImportedVisit | null;
}

/** A line refused when written, naming the field in the line's terms. */
export interface ImportLineRejection {
  line: number;
  field: 'visit.externalId';
  reason: string;
}

export interface ImportBatchResult {
  /** Lines that created a client. */
  imported: number;
  /** Lines that matched a client already known (or created by an earlier line). */
  updated: number;
  visitsCreated: number;
  visitsUpdated: number;
  rejected: ImportLineRejection[];
}

export interface ImportContext {
  shopId: string;
  /** Who imports: recorded on consent and visit status events. */
  actor: string;
  at: Date;
}

interface StoredClient {
  id: string;
  external_id: string;
  last_name: string;
  first_name: string | null;
  sms_consent: boolean;
  sms_consent_source: string | null;
  email_consent: boolean;
  email_consent_source: string | null;
}

interface StoredVisit {
  id: string;
  client_id: string;
  client_external_id: string;
  external_id: string | null;
  kind: VisitKind;
  visit_date: string;
  status: VisitStatus;
  ready_at: Date | null;
}

interface ConsentEventRow {
  clientId: string;
  channel: ConsentChannel;
  granted: boolean;
}

/**
 * Serialises imports of one shop for the rest of the transaction, so two
 * imports of the same file cannot both create the same client.
 */
export async function lockShopImports(
  manager: EntityManager,
  shopId: string,
): Promise<void> {
  await manager.query(
    `SELECT pg_advisory_xact_lock(hashtext('client-import:' || $1))`,
    [shopId],
  );
}

/**
 * Writes one batch of checked import lines with a handful of multi-row
 * statements: clients matched by external id are updated, others created;
 * consent changes are recorded as events (source `import`) and a
 * withdrawal rejects the client's queued messages; visits are matched by
 * their external id, else by client, kind and date. A line whose visit
 * number belongs to another client is refused whole. Never undoes a
 * withdrawal the client made by STOP or unsubscribe link.
 */
export async function importClientBatch(
  manager: EntityManager,
  context: ImportContext,
  lines: ImportedClient[],
): Promise<ImportBatchResult> {
  const knownVisits = await visitsByExternalId(manager, context, lines);
  const { accepted, rejected } = refuseForeignVisits(lines, knownVisits);

  const stored = await lockClients(manager, context.shopId, accepted);
  const clients = await writeClients(manager, context, accepted, stored);
  const visits = await writeVisits(
    manager,
    context,
    accepted,
    clients.idOf,
    knownVisits,
  );

  return {
    imported: clients.imported,
    updated: accepted.length - clients.imported,
    visitsCreated: visits.created,
    visitsUpdated: visits.updated,
    rejected,
  };
}

async function visitsByExternalId(
  manager: EntityManager,
  context: ImportContext,
  lines: ImportedClient[],
): Promise<Map<string, StoredVisit>> {
  const numbers = lines.flatMap((l) =>
    l.visit?.externalId ? [l.visit.externalId] : [],
  );
  if (numbers.length === 0) return new Map();

  const rows: StoredVisit[] = await manager.query(
    `SELECT v.id, v.client_id, c.external_id AS client_external_id,
       v.external_id, v.kind, v.visit_date::text AS visit_date, v.status,
       v.ready_at
     FROM visit v JOIN client c ON c.id = v.client_id
     WHERE v.shop_id = $1 AND v.external_id = ANY($2)`,
    [context.shopId, numbers],
  );
  return new Map(rows.map((row) => [row.external_id!, row]));
}

function refuseForeignVisits(
  lines: ImportedClient[],
  known: Map<string, StoredVisit>,
): { accepted: ImportedClient[]; rejected: ImportLineRejection[] } {
  const owners = new Map<string, string>();
  for (const [number, visit] of known) {
    owners.set(number, visit.client_external_id);
  }

  const accepted: ImportedClient[] = [];
  const rejected: ImportLineRejection[] = [];
  for (const line of lines) {
    const number = line.visit?.externalId;
    const owner = number ? owners.get(number) : undefined;
    if (number && owner !== undefined && owner !== line.externalId) {
      rejected.push({
        line: line.line,
        field: 'visit.externalId',
        reason: `visit ${number} belongs to another client`,
      });
      continue;
    }
    if (number) owners.set(number, line.externalId);
    accepted.push(line);
  }
  return { accepted, rejected };
}

async function lockClients(
  manager: EntityManager,
  shopId: string,
  lines: ImportedClient[],
): Promise<Map<string, StoredClient>> {
  const rows: StoredClient[] = await manager.query(
    `SELECT id, external_id, last_name, first_name, sms_consent,
       sms_consent_source, email_consent, email_consent_source
     FROM client WHERE shop_id = $1 AND external_id = ANY($2)
     FOR UPDATE`,
    [shopId, [...new Set(lines.map((l) => l.externalId))]],
  );
  return new Map(rows.map((row) => [row.external_id, row]));
}

/** The client fields of all lines of one client, later lines winning. */
function mergeByClient(lines: ImportedClient[]): Map<string, ImportedClient> {
  const merged = new Map<string, ImportedClient>();
  for (const line of lines) {
    const before = merged.get(line.externalId);
    merged.set(
      line.externalId,
      before
        ? {
            ...line,
            civility: line.civility ?? before.civility,
            firstName: line.firstName ?? before.firstName,
            mobile: line.mobile ?? before.mobile,
            email: line.email ?? before.email,
            smsConsent: line.smsConsent ?? before.smsConsent,
            emailConsent: line.emailConsent ?? before.emailConsent,
          }
        : line,
    );
  }
  return merged;
}

async function writeClients(
  manager: EntityManager,
  context: ImportContext,
  lines: ImportedClient[],
  stored: Map<string, StoredClient>,
): Promise<{ imported: number; idOf: Map<string, string> }> {
  const idOf = new Map<string, string>();
  const created: ImportedClient[] = [];
  const updated: [ImportedClient, StoredClient][] = [];
  const events: ConsentEventRow[] = [];

  for (const [externalId, client] of mergeByClient(lines)) {
    const known = stored.get(externalId);
    const id = known?.id ?? randomUUID();
    idOf.set(externalId, id);
    events.push(...consentEvents(id, client, known));
    if (known) updated.push([client, known]);
    else created.push(client);
  }

  await insertClients(manager, context, created, idOf);
  await updateClients(manager, context, updated, events);
  await insertConsentEvents(manager, context, events);
  for (const channel of ['sms', 'email'] as const) {
    const withdrawn = events.filter((e) => e.channel === channel && !e.granted);
    await rejectWaitingMessages(
      manager,
      withdrawn.map((e) => e.clientId),
      { channel, source: 'import', at: context.at },
    );
  }
  return { imported: created.length, idOf };
}

function consentEvents(
  clientId: string,
  client: ImportedClient,
  known: StoredClient | undefined,
): ConsentEventRow[] {
  const events: ConsentEventRow[] = [];
  const wanted = { sms: client.smsConsent, email: client.emailConsent };
  for (const channel of ['sms', 'email'] as const) {
    const granted = wanted[channel];
    if (granted === null) continue;

    const now = known?.[`${channel}_consent`] ?? false;
    const source = known?.[`${channel}_consent_source`] ?? null;
    if (granted === now) continue;
    if (granted && CLIENT_OPT_OUT_SOURCES.includes(source ?? '')) continue;
    events.push({ clientId, channel, granted });
  }
  return events;
}

async function insertClients(
  manager: EntityManager,
  context: ImportContext,
  clients: ImportedClient[],
  idOf: Map<string, string>,
): Promise<void> {
  if (clients.length === 0) return;
  const at = context.at;
  await manager.query(
    `INSERT INTO client (id, shop_id, external_id, civility, last_name,
       first_name, mobile, email, search_name, sms_consent, sms_consent_at,
       sms_consent_source, email_consent, email_consent_at,
       email_consent_source, created_at, updated_at)
     SELECT v.id, $1, v.external_id, v.civility, v.last_name, v.first_name,
       v.mobile, v.email, v.search_name,
       v.sms, CASE WHEN v.sms THEN $2::timestamptz END,
       CASE WHEN v.sms THEN 'import' END,
       v.email_ok, CASE WHEN v.email_ok THEN $2::timestamptz END,
       CASE WHEN v.email_ok THEN 'import' END, $2, $2
     FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[],
       $8::text[], $9::text[], $10::text[], $11::boolean[], $12::boolean[])
       AS v(id, external_id, civility, last_name, first_name, mobile, email,
         search_name, sms, email_ok)`,
    [
      context.shopId,
      at,
      clients.map((c) => idOf.get(c.externalId)),
      clients.map((c) => c.externalId),
      clients.map((c) => c.civility),
      clients.map((c) => c.lastName),
      clients.map((c) => c.firstName),
      clients.map((c) => c.mobile),
      clients.map((c) => c.email),
      clients.map((c) => clientSearchName(c.lastName, c.firstName)),
      clients.map((c) => c.smsConsent ?? false),
      clients.map((c) => c.emailConsent ?? false),
    ],
  );
}

// A line that changes nothing rewrites nothing (nor its indexes).
const UPDATE_CLIENTS = `UPDATE client SET
       civility = coalesce(v.civility, client.civility),
       last_name = v.last_name,
       first_name = coalesce(v.first_name, client.first_name),
       mobile = coalesce(v.mobile, client.mobile),
       email = coalesce(v.email, client.email),
       search_name = v.search_name,
       sms_consent = coalesce(v.sms, client.sms_consent),
       sms_consent_at = CASE WHEN v.sms IS NULL THEN client.sms_consent_at ELSE $1 END,
       sms_consent_source = CASE WHEN v.sms IS NULL THEN client.sms_consent_source ELSE 'import' END,
       email_consent = coalesce(v.email_ok, client.email_consent),
       email_consent_at = CASE WHEN v.email_ok IS NULL THEN client.email_consent_at ELSE $1 END,
       email_consent_source = CASE WHEN v.email_ok IS NULL THEN client.email_consent_source ELSE 'import' END,
       updated_at = $1
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[],
       $7::text[], $8::text[], $9::boolean[], $10::boolean[])
       AS v(id, civility, last_name, first_name, mobile, email, search_name,
         sms, email_ok)
     WHERE client.id = v.id
       AND (v.sms IS NOT NULL OR v.email_ok IS NOT NULL
         OR (client.civility, client.last_name, client.first_name,
             client.mobile, client.email)
           IS DISTINCT FROM (coalesce(v.civility, client.civility),
             v.last_name, coalesce(v.first_name, client.first_name),
             coalesce(v.mobile, client.mobile),
             coalesce(v.email, client.email)))`;

async function updateClients(
  manager: EntityManager,
  context: ImportContext,
  clients: [ImportedClient, StoredClient][],
  events: ConsentEventRow[],
): Promise<void> {
  if (clients.length === 0) return;
  const changes = new Map(
    events.map((e) => [`${e.clientId}:${e.channel}`, e.granted]),
  );
  const change = (id: string, channel: ConsentChannel) =>
    changes.get(`${id}:${channel}`) ?? null;

  await manager.query(UPDATE_CLIENTS, [
    context.at,
    clients.map(([, known]) => known.id),
    clients.map(([c]) => c.civility),
    clients.map(([c]) => c.lastName),
    clients.map(([c]) => c.firstName),
    clients.map(([c]) => c.mobile),
    clients.map(([c]) => c.email),
    clients.map(([c, known]) =>
      clientSearchName(c.lastName, c.firstName ?? known.first_name),
    ),
    clients.map(([, known]) => change(known.id, 'sms')),
    clients.map(([, known]) => change(known.id, 'email')),
  ]);
}

async function insertConsentEvents(
  manager: EntityManager,
  context: ImportContext,
  events: ConsentEventRow[],
): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO consent_event (id, shop_id, client_id, channel, granted,
       source, actor, occurred_at)
     SELECT v.id, $1, v.client_id, v.channel, v.granted, 'import', $2, $3
     FROM unnest($4::uuid[], $5::uuid[], $6::text[], $7::boolean[])
       AS v(id, client_id, channel, granted)`,
    [
      context.shopId,
      context.actor,
      context.at,
      events.map(() => randomUUID()),
      events.map((e) => e.clientId),
      events.map((e) => e.channel),
      events.map((e) => e.granted),
    ],
  );
}

interface VisitWrite {
  id: string;
  clientId: string;
  visit: ImportedVisit;
  known: Pick<StoredVisit, 'status' | 'ready_at'> | null;
}

async function writeVisits(
  manager: EntityManager,
  context: ImportContext,
  lines: ImportedClient[],
  idOf: Map<string, string>,
  byNumber: Map<string, StoredVisit>,
): Promise<{ created: number; updated: number }> {
  const wanted = new Map<string, { clientId: string; visit: ImportedVisit }>();
  for (const line of lines) {
    if (!line.visit) continue;
    const clientId = idOf.get(line.externalId)!;
    wanted.set(visitKey(clientId, line.visit), { clientId, visit: line.visit });
  }
  if (wanted.size === 0) return { created: 0, updated: 0 };

  const byNature = await visitsByNature(manager, context.shopId, [
    ...wanted.values(),
  ]);
  const writes: VisitWrite[] = [...wanted].map(([key, { clientId, visit }]) => {
    const known =
      (visit.externalId ? byNumber.get(visit.externalId) : undefined) ??
      byNature.get(key);
    return {
      id: known?.id ?? randomUUID(),
      clientId,
      visit,
      known: known ?? null,
    };
  });

  const created = writes.filter((w) => !w.known);
  const changed = writes.filter((w) => w.known);
  await insertVisits(manager, context, created);
  await updateVisits(manager, context, changed);
  return { created: created.length, updated: changed.length };
}

function visitKey(clientId: string, visit: ImportedVisit): string {
  return visit.externalId
    ? `number:${visit.externalId}`
    : `nature:${clientId}|${visit.kind}|${visit.visitDate}`;
}

/** Visits without a number, matched by client, kind and date. */
async function visitsByNature(
  manager: EntityManager,
  shopId: string,
  wanted: { clientId: string; visit: ImportedVisit }[],
): Promise<Map<string, StoredVisit>> {
  const unnumbered = wanted.filter((w) => !w.visit.externalId);
  if (unnumbered.length === 0) return new Map();

  const rows: StoredVisit[] = await manager.query(
    `SELECT v.id, v.client_id, v.external_id, v.kind,
       v.visit_date::text AS visit_date, v.status, v.ready_at
     FROM visit v
     WHERE v.shop_id = $1 AND (v.client_id, v.kind, v.visit_date) IN (
       SELECT * FROM unnest($2::uuid[], $3::text[], $4::date[]))
     ORDER BY v.created_at`,
    [
      shopId,
      unnumbered.map((w) => w.clientId),
      unnumbered.map((w) => w.visit.kind),
      unnumbered.map((w) => w.visit.visitDate),
    ],
  );
  const found = new Map<string, StoredVisit>();
  for (const row of rows) {
    const key = `nature:${row.client_id}|${row.kind}|${row.visit_date}`;
    if (!found.has(key)) found.set(key, row);
  }
  return found;
}

async function insertVisits(
  manager: EntityManager,
  context: ImportContext,
  writes: VisitWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const at = context.at;
  const statuses = writes.map((w) => w.visit.status ?? 'ordered');
  await manager.query(
    `INSERT INTO visit (id, shop_id, client_id, external_id, kind, visit_date,
       status, ready_at, lens_box_days, created_at, updated_at)
     SELECT v.id, $1, v.client_id, v.external_id, v.kind, v.visit_date,
       v.status, v.ready_at, v.lens_box_days, $2, $2
     FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::date[],
       $8::text[], $9::timestamptz[], $10::integer[])
       AS v(id, client_id, external_id, kind, visit_date, status, ready_at,
         lens_box_days)`,
    [
      context.shopId,
      at,
      writes.map((w) => w.id),
      writes.map((w) => w.clientId),
      writes.map((w) => w.visit.externalId),
      writes.map((w) => w.visit.kind),
      writes.map((w) => w.visit.visitDate),
      statuses,
      writes.map((w, i) =>
        readyAtAfter(
          { status: null, readyAt: null },
          { status: statuses[i]!, readyAt: w.visit.readyAt ?? undefined },
          at,
        ),
      ),
      writes.map((w) => w.visit.lensBoxDays),
    ],
  );
  await insertStatusEvents(
    manager,
    context,
    writes.map((w, i) => ({ visitId: w.id, status: statuses[i]! })),
  );
}

const UPDATE_VISITS = `UPDATE visit SET kind = v.kind, visit_date = v.visit_date,
       external_id = coalesce(v.external_id, visit.external_id),
       status = v.status, ready_at = v.ready_at,
       lens_box_days = coalesce(v.lens_box_days, visit.lens_box_days),
       updated_at = $1
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[],
       $7::timestamptz[], $8::integer[])
       AS v(id, external_id, kind, visit_date, status, ready_at, lens_box_days)
     WHERE visit.id = v.id
       AND (visit.kind, visit.visit_date, visit.external_id, visit.status,
           visit.ready_at, visit.lens_box_days)
         IS DISTINCT FROM (v.kind, v.visit_date,
           coalesce(v.external_id, visit.external_id), v.status, v.ready_at,
           coalesce(v.lens_box_days, visit.lens_box_days))`;

async function updateVisits(
  manager: EntityManager,
  context: ImportContext,
  writes: VisitWrite[],
): Promise<void> {
  if (writes.length === 0) return;
  const at = context.at;
  const statuses = writes.map((w) => w.visit.status ?? w.known!.status);
  await manager.query(UPDATE_VISITS, [
    at,
    writes.map((w) => w.id),
    writes.map((w) => w.visit.externalId),
    writes.map((w) => w.visit.kind),
    writes.map((w) => w.visit.visitDate),
    statuses,
    writes.map((w, i) =>
      readyAtAfter(
        { status: w.known!.status, readyAt: w.known!.ready_at },
        { status: statuses[i]!, readyAt: w.visit.readyAt ?? undefined },
        at,
      ),
    ),
    writes.map((w) => w.visit.lensBoxDays),
  ]);
  await insertStatusEvents(
    manager,
    context,
    writes
      .map((w, i) => ({
        visitId: w.id,
        status: statuses[i]!,
        was: w.known!.status,
      }))
      .filter((change) => change.status !== change.was),
  );
}

async function insertStatusEvents(
  manager: EntityManager,
  context: ImportContext,
  events: { visitId: string; status: VisitStatus }[],
): Promise<void> {
  if (events.length === 0) return;
  await manager.query(
    `INSERT INTO visit_status_event (shop_id, visit_id, status, actor, occurred_at)
     SELECT $1, v.visit_id, v.status, $2, $3
     FROM unnest($4::uuid[], $5::text[]) AS v(visit_id, status)`,
    [
      context.shopId,
      context.actor,
      context.at,
      events.map((e) => e.visitId),
      events.map((e) => e.status),
    ],
  );
}
