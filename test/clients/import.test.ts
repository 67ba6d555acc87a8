import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import iconv from 'iconv-lite';
import { recordOptOut } from '@optic/db';
import { createShop, sendMessage } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, rowCounts } from './client-support';

const HEADER =
  'id_client;civilite;nom;prenom;mobile;email;consentement_sms;consentement_email;id_visite;type_visite;date_visite;statut;date_prete;duree_boite';

interface Report {
  encoding: string;
  delimiter: string;
  lines: number;
  imported: number;
  updated: number;
  visits: { created: number; updated: number };
  rejectedLines: number;
  rejected: { line: number; field: string; reason: string }[];
  rejectedTruncated: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  data: unknown;
}

describe('importing clients and visits from a CSV', () => {
  let stack: TestStack;
  let tmp: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'optic-import-'));
  });

  afterAll(async () => {
    await stack.close();
    await rm(tmp, { recursive: true, force: true });
  }, 120_000);

  /** Posts the file as the multipart field `file`. */
  async function postFile(
    shopId: string,
    content: Buffer,
    query = '',
  ): Promise<Answer> {
    const form = new FormData();
    form.append('file', new Blob([content]), 'export.csv');
    const response = await fetch(
      `${stack.apiUrl}/v1/shops/${shopId}/clients/import${query}`,
      {
        method: 'POST',
        body: form,
        headers: { authorization: stack.authorization },
      },
    );
    return {
      status: response.status,
      headers: { 'content-type': response.headers.get('content-type') },
      data: await response.json(),
    };
  }

  /** Posts the file as a `text/csv` body. */
  async function postCsv(
    shopId: string,
    content: Buffer,
    contentType = 'text/csv',
    query = '',
  ): Promise<Answer> {
    const response = await stack.api.post(
      `/v1/shops/${shopId}/clients/import${query}`,
      content,
      { headers: { 'content-type': contentType } },
    );
    return {
      status: response.status,
      headers: response.headers as Record<string, unknown>,
      data: response.data,
    };
  }

  async function clientsOf(shopId: string) {
    return stack.db.dataSource.query(
      `SELECT id, external_id, civility, last_name, first_name, mobile, email,
         sms_consent, sms_consent_source, email_consent
       FROM client WHERE shop_id = $1 ORDER BY external_id`,
      [shopId],
    );
  }

  describe('when the file is a practice application export', () => {
    let shopId: string;

    beforeAll(async () => {
      shopId = await createShop(stack.api, { name: 'Optique Import' });
    });

    it('imports valid lines, refuses each bad one with its number and field, and keeps going', async () => {
      const csv = [
        HEADER,
        'C1;Mme;Dupré;Hélène;06 12 34 56 78;helene.dupre@example.org;oui;non;V1;lunettes;12/03/2026;prête;14/03/2026;',
        'C2;M.;Lœuillet;Jean-François;+33 7 81 22 33 44;;non;oui;;lentilles;05/01/2026;livrée;;90',
        'C2;M.;Lœuillet;Jean-François;;;;;;reparation;20/02/2026;;;',
        'C3;Mme;Martin;Zoé;01 45 67 89 10;zoe@example.org;oui;oui;;;;;;',
        'C4;Mme;Petit;Anne;06 11 22 33 44;anne@;oui;oui;;lunettes;31/02/2026;;;',
        'C5;M.;Roux;Paul;06 11 22 33 45;;peut-être;non;;;;;;',
        'C6;M.;Blanc;Luc;06 11 22 33 46;;oui;non',
        '',
        'C7;M.;"Noir;Marc;06 11 22 33 47;;oui;non;;;;;;',
        'C8;Mme;Vert;Léa;0033 6 11 22 33 48;lea@example.org;OUI;NON;;;;;;',
        ';Mme;;Léa;;;;;;;;;;',
      ].join('\r\n');

      const response = await postFile(shopId, Buffer.from(csv, 'utf8'));

      expect(response.status).toBe(200);
      const report = response.data as Report;
      expect(report).toMatchObject({
        encoding: 'utf-8',
        delimiter: ';',
        lines: 10,
        imported: 3,
        updated: 1,
        visits: { created: 3, updated: 0 },
        rejectedLines: 6,
        rejectedTruncated: false,
      });
      expect(report.rejected).toEqual([
        { line: 5, field: 'mobile', reason: expect.stringMatching(/landline/) },
        { line: 6, field: 'email', reason: 'not a deliverable e-mail address' },
        {
          line: 6,
          field: 'date_visite',
          reason: 'a date written dd/mm/yyyy',
        },
        { line: 7, field: 'consentement_sms', reason: 'oui or non' },
        {
          line: 8,
          field: '(line)',
          reason: '8 fields where the header has 14',
        },
        {
          line: 10,
          field: '(line)',
          reason: 'a quoted field is not closed on this line',
        },
        { line: 12, field: 'id_client', reason: 'required' },
        { line: 12, field: 'nom', reason: 'required' },
      ]);

      const clients = await clientsOf(shopId);
      expect(
        clients.map((c: { external_id: string }) => c.external_id),
      ).toEqual(['C1', 'C2', 'C8']);
      expect(clients[0]).toMatchObject({
        civility: 'Mme',
        last_name: 'Dupré',
        first_name: 'Hélène',
        mobile: '+33612345678',
        email: 'helene.dupre@example.org',
        sms_consent: true,
        sms_consent_source: 'import',
        email_consent: false,
      });
      expect(clients[2]).toMatchObject({
        mobile: '+33611223348',
        sms_consent: true,
      });
      const visits = await stack.db.dataSource.query(
        `SELECT v.kind, v.visit_date::text AS date, v.status, v.ready_at,
           v.lens_box_days, v.external_id
         FROM visit v JOIN client c ON c.id = v.client_id
         WHERE c.shop_id = $1 ORDER BY v.visit_date`,
        [shopId],
      );
      expect(visits).toEqual([
        expect.objectContaining({
          kind: 'contact_lenses',
          date: '2026-01-05',
          status: 'collected',
          lens_box_days: 90,
        }),
        expect.objectContaining({
          kind: 'repair',
          date: '2026-02-20',
          status: 'ordered',
        }),
        expect.objectContaining({
          kind: 'glasses',
          date: '2026-03-12',
          status: 'ready',
          external_id: 'V1',
          // Midnight in Paris on 14 March.
          ready_at: new Date('2026-03-13T23:00:00Z'),
        }),
      ]);
      const search = await stack.api.get(`/v1/shops/${shopId}/clients`, {
        params: { q: 'helene dupre' },
      });
      expect(search.data.items).toHaveLength(1);
      const consent = await stack.api.get(
        `/v1/shops/${shopId}/clients/${clients[0].id}/consent`,
      );
      expect(consent.data.trail).toEqual([
        expect.objectContaining({
          channel: 'sms',
          granted: true,
          source: 'import',
          actor: 'system',
        }),
      ]);
    });

    it('updates clients matched by their external id instead of duplicating them, from a Windows-1252 file with commas', async () => {
      const [c1] = await clientsOf(shopId);
      const queued = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId: c1.id,
        body: 'Vos lunettes sont prêtes.',
      });
      const csv = [
        'ID client,Civilité,Nom,Prénom,Portable,E-mail,Accord SMS,Accord e-mail,N° visite,Type visite,Date visite,Statut',
        'C1,Mme,Dupré-Cœur,Hélène,,,non,oui,V1,lunettes,12/03/2026,livrée',
        'C2,M.,Lœuillet,Jean-François,06 99 88 77 66,,,,,lentilles,05/01/2026,livrée',
        'C9,Mlle,Façade,Noëlle,06 12 12 12 12,,oui,,,,,',
      ].join('\n');

      const response = await postCsv(
        shopId,
        iconv.encode(csv, 'windows-1252'),
        'text/csv',
        '?actor=Import%20Winoptics',
      );

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        encoding: 'windows-1252',
        delimiter: ',',
        lines: 3,
        imported: 1,
        updated: 2,
        visits: { created: 0, updated: 2 },
        rejectedLines: 0,
      });
      const clients = await clientsOf(shopId);
      expect(
        clients.map((c: { external_id: string }) => c.external_id),
      ).toEqual(['C1', 'C2', 'C8', 'C9']);
      expect(clients[0]).toMatchObject({
        id: c1.id,
        last_name: 'Dupré-Cœur',
        mobile: '+33612345678',
        email: 'helene.dupre@example.org',
        sms_consent: false,
        email_consent: true,
      });
      expect(clients[1]).toMatchObject({ mobile: '+33699887766' });
      expect(clients[3]).toMatchObject({
        last_name: 'Façade',
        first_name: 'Noëlle',
      });
      const message = await stack.api.get(
        `/v1/shops/${shopId}/messages/${queued}`,
      );
      expect(message.data).toMatchObject({
        status: 'rejected',
        reason: 'consent_withdrawn',
      });
      const visit = await stack.db.dataSource.query(
        `SELECT v.status, v.ready_at FROM visit v WHERE v.external_id = 'V1'`,
      );
      expect(visit).toEqual([
        { status: 'collected', ready_at: new Date('2026-03-13T23:00:00Z') },
      ]);
      const history = await stack.db.dataSource.query(
        `SELECT e.status, e.actor FROM visit_status_event e
         JOIN visit v ON v.id = e.visit_id WHERE v.external_id = 'V1' ORDER BY e.id`,
      );
      expect(history).toEqual([
        { status: 'ready', actor: 'system' },
        { status: 'collected', actor: 'Import Winoptics' },
      ]);
    });

    it('never gives back a consent the client withdrew by STOP', async () => {
      const [, c2] = await clientsOf(shopId);
      await stack.api.post(`/v1/shops/${shopId}/clients/${c2.id}/consent`, {
        channel: 'sms',
        granted: true,
        source: 'in_shop',
        actor: 'Julie',
      });
      await recordOptOut(stack.db.dataSource.manager, {
        shopId,
        channel: 'sms',
        address: c2.mobile,
        clientId: c2.id,
        source: 'reply_stop',
        at: new Date(),
      });

      const response = await postCsv(
        shopId,
        Buffer.from(`${HEADER}\nC2;M.;Lœuillet;Jean-François;;;oui;;;;;;;\n`),
      );

      expect(response.data).toMatchObject({ updated: 1, rejectedLines: 0 });
      const [, after] = await clientsOf(shopId);
      expect(after).toMatchObject({
        sms_consent: false,
        sms_consent_source: 'reply_stop',
      });
    });

    it('refuses a line whose visit number belongs to another client, whole', async () => {
      const before = await rowCounts(stack);
      const response = await postCsv(
        shopId,
        Buffer.from(
          `${HEADER}\nC8;Mme;Vert-Bleu;Léa;;;;;V1;lunettes;01/04/2026;;;\n`,
        ),
      );

      expect(response.data).toMatchObject({
        imported: 0,
        updated: 0,
        rejectedLines: 1,
        rejected: [
          {
            line: 2,
            field: 'id_visite',
            reason: 'visit V1 belongs to another client',
          },
        ],
      });
      expect(await rowCounts(stack)).toEqual(before);
      const clients = await clientsOf(shopId);
      expect(clients[2].last_name).toBe('Vert');
    });

    it('reads an overseas shop’s numbers with its region', async () => {
      const overseas = await createShop(stack.api, {
        name: 'Optique Fort-de-France',
        region: 'MQ',
        timeZone: 'America/Martinique',
      });
      const response = await postCsv(
        overseas,
        Buffer.from(
          'id_client;nom;mobile\nM1;Joseph;0696 12 34 56\nM2;Fixe;0596 12 34 56\n',
        ),
      );

      expect(response.data).toMatchObject({
        imported: 1,
        rejected: [
          {
            line: 3,
            field: 'mobile',
            reason: expect.stringMatching(/landline/),
          },
        ],
      });
      const [client] = await clientsOf(overseas);
      expect(client.mobile).toBe('+596696123456');
    });
  });

  describe('when the file cannot be imported', () => {
    let shopId: string;

    beforeAll(async () => {
      shopId = await createShop(stack.api, { name: 'Optique Refus' });
    });

    async function expectNothingImported(
      send: () => Promise<Answer>,
      status: number,
      code: string,
      paths: Record<string, RegExp | null>,
    ) {
      const before = await rowCounts(stack);
      expectProblem(await send(), status, code, paths);
      expect(await rowCounts(stack)).toEqual(before);
    }

    it('refuses a wrong header, naming each unknown and missing column', async () => {
      await expectNothingImported(
        () =>
          postFile(
            shopId,
            Buffer.from(
              'id_client;name;telephone fixe\nC1;Durand;01 45 67 89 10\n',
            ),
          ),
        422,
        'invalid_header',
        {
          'header.name': /unknown column/,
          'header.telephone fixe': /unknown column/,
          'header.nom': /missing column/,
        },
      );
    });

    it('refuses a column given twice', async () => {
      await expectNothingImported(
        () => postCsv(shopId, Buffer.from('id_client;nom;mobile;portable\n')),
        422,
        'invalid_header',
        { 'header.portable': /same column as mobile/ },
      );
    });

    it('refuses bytes that are not UTF-8 when UTF-8 is declared, naming the line, and keeps none of the lines before it', async () => {
      const csv = iconv.encode(
        `id_client;nom\nA1;Durand\nA2;Martin\nA3;Hélène\n`,
        'windows-1252',
      );
      await expectNothingImported(
        () => postCsv(shopId, csv, 'text/csv; charset=utf-8'),
        422,
        'invalid_encoding',
        { 'line.4': /not valid UTF-8/ },
      );
    });

    it('refuses UTF-16 and binary files', async () => {
      await expectNothingImported(
        () =>
          postFile(
            shopId,
            iconv.encode('id_client;nom\nA1;Durand\n', 'utf-16'),
          ),
        422,
        'invalid_encoding',
        { 'line.1': /UTF-16/ },
      );
      await expectNothingImported(
        () => postCsv(shopId, Buffer.from('id_client;nom\nA1;Du\u0000rand\n')),
        422,
        'invalid_encoding',
        { 'line.2': /NUL/ },
      );
    });

    it('refuses an empty file, a form without a file and a body that is not CSV', async () => {
      await expectNothingImported(
        () => postFile(shopId, Buffer.alloc(0)),
        422,
        'invalid_header',
        { file: /empty/ },
      );
      await expectNothingImported(
        async () => {
          const form = new FormData();
          form.append('actor', 'Julie');
          const response = await fetch(
            `${stack.apiUrl}/v1/shops/${shopId}/clients/import`,
            {
              method: 'POST',
              body: form,
              headers: { authorization: stack.authorization },
            },
          );
          return {
            status: response.status,
            headers: { 'content-type': response.headers.get('content-type') },
            data: await response.json(),
          };
        },
        400,
        'validation_failed',
        { file: /required/ },
      );
      await expectNothingImported(
        () =>
          postCsv(shopId, Buffer.from('{"clients":[]}'), 'application/json'),
        415,
        'unsupported_media_type',
        { '(body)': /not a CSV/ },
      );
      await expectNothingImported(
        () =>
          postCsv(
            shopId,
            Buffer.from('id_client;nom\n'),
            'text/csv',
            '?encoding=ebcdic',
          ),
        400,
        'validation_failed',
        { encoding: null },
      );
    });
  });

  describe('when the file has 50,000 lines', () => {
    const LINES = 50_000;

    it('imports it with flat memory in UTF-8, then updates every client from the same file in Windows-1252', async () => {
      const shopId = await createShop(stack.api, { name: 'Optique Volume' });
      const utf8 = path.join(tmp, 'clients-utf8.csv');
      const cp1252 = path.join(tmp, 'clients-cp1252.csv');
      const bad = await writeExport(utf8, LINES, (text) =>
        Buffer.from(text, 'utf8'),
      );
      await writeExport(cp1252, LINES, (text) =>
        iconv.encode(text, 'windows-1252'),
      );

      const first = await measure(() =>
        streamCsv(stack.apiUrl, shopId, utf8, stack.authorization),
      );
      const second = await measure(() =>
        streamCsv(stack.apiUrl, shopId, cp1252, stack.authorization),
      );

      for (const [label, file, run] of [
        ['UTF-8', utf8, first],
        ['Windows-1252', cp1252, second],
      ] as const) {
        const size = (await stat(file)).size;
        console.log(
          `import of ${LINES} lines (${(size / 1e6).toFixed(1)} MB, ${label}): ` +
            `${(run.ms / 1000).toFixed(1)} s, ${Math.round(LINES / (run.ms / 1000))} lines/s, ` +
            `peak RSS +${(run.peakRssDelta / 1e6).toFixed(0)} MB, ` +
            `peak live heap +${(run.peakLiveHeapDelta / 1e6).toFixed(1)} MB`,
        );
      }

      const good = LINES - bad.length;
      expect(first.report).toMatchObject({
        encoding: 'utf-8',
        lines: LINES,
        imported: good,
        updated: 0,
        visits: { created: good, updated: 0 },
        rejectedLines: bad.length,
      });
      expect(second.report).toMatchObject({
        encoding: 'windows-1252',
        lines: LINES,
        imported: 0,
        updated: good,
        visits: { created: 0, updated: good },
        rejectedLines: bad.length,
      });
      for (const run of [first, second]) {
        expect(run.report.rejected.map((r) => [r.line, r.field])).toEqual(
          bad.map((b) => [b.line, b.field]),
        );
      }
      const [{ n }] = await stack.db.dataSource.query(
        `SELECT count(*)::int AS n FROM client WHERE shop_id = $1`,
        [shopId],
      );
      expect(n).toBe(good);
      const sample = await stack.db.dataSource.query(
        `SELECT external_id, last_name, first_name, mobile, email, sms_consent
         FROM client WHERE shop_id = $1 AND external_id = ANY($2)
         ORDER BY external_id`,
        [shopId, ['P000001', 'P000002', 'P049999']],
      );
      expect(sample).toEqual([
        expectedClient(1),
        expectedClient(2),
        expectedClient(49_999),
      ]);
      const search = await stack.api.get(`/v1/shops/${shopId}/clients`, {
        params: { q: 'lœuillet noëlle', limit: 200 },
      });
      expect(search.data.items.length).toBeGreaterThan(0);
      // What an import keeps alive is one batch, not the file (5.9 MB here).
      expect(first.peakLiveHeapDelta).toBeLessThan(20e6);
      expect(second.peakLiveHeapDelta).toBeLessThan(20e6);
    }, 240_000);
  });
});

const LAST_NAMES = [
  'Dupré',
  'Lœuillet',
  'Martin',
  'Façade',
  'Bernard',
  'Müller',
];
const FIRST_NAMES = ['Hélène', 'Noëlle', 'François', 'Zoé', 'Jérôme', 'Anaïs'];
const KINDS = ['lunettes', 'lentilles', 'réparation'];

/** Line `n` (1-based data line) of the generated export. */
function exportLine(n: number): string {
  const id = `P${String(n).padStart(6, '0')}`;
  const digits = String(10_000_000 + n).slice(-8);
  const formats = [
    `06 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6)}`,
    `+33 6 ${digits}`,
    `06.${digits.slice(0, 2)}.${digits.slice(2, 4)}.${digits.slice(4, 6)}.${digits.slice(6)}`,
    `0033 6${digits}`,
  ];
  const kind = KINDS[n % 3]!;
  const day = String(1 + (n % 28)).padStart(2, '0');
  return [
    id,
    n % 2 ? 'Mme' : 'M.',
    LAST_NAMES[n % LAST_NAMES.length],
    FIRST_NAMES[n % FIRST_NAMES.length],
    formats[n % formats.length],
    `client${n}@example.org`,
    n % 3 ? 'oui' : 'non',
    n % 4 ? 'oui' : 'non',
    `VIS-${n}`,
    kind,
    `${day}/06/2026`,
    n % 2 ? 'livrée' : 'commande',
    '',
    kind === 'lentilles' ? '90' : '',
  ].join(';');
}

function expectedClient(n: number) {
  const digits = String(10_000_000 + n).slice(-8);
  return {
    external_id: `P${String(n).padStart(6, '0')}`,
    last_name: LAST_NAMES[n % LAST_NAMES.length],
    first_name: FIRST_NAMES[n % FIRST_NAMES.length],
    mobile: `+336${digits}`,
    email: `client${n}@example.org`,
    sms_consent: n % 3 !== 0,
  };
}

/** Every 5,000th line is broken in one of four ways. */
const BREAKAGES: [string, (fields: string[]) => void][] = [
  ['mobile', (f) => void (f[4] = '01 45 67 89 10')],
  ['date_visite', (f) => void (f[10] = '31/06/2026')],
  ['(line)', (f) => void f.push('extra')],
  ['(line)', (f) => void (f[2] = `"${f[2]}`)],
];

async function writeExport(
  file: string,
  lines: number,
  encode: (text: string) => Buffer,
): Promise<{ line: number; field: string }[]> {
  const bad: { line: number; field: string }[] = [];
  const out = createWriteStream(file);
  let chunk = `${HEADER}\r\n`;
  for (let n = 1; n <= lines; n += 1) {
    let line = exportLine(n);
    if (n % 5000 === 0) {
      const [field, breakFields] = BREAKAGES[(n / 5000) % BREAKAGES.length]!;
      const fields = line.split(';');
      breakFields(fields);
      line = fields.join(';');
      bad.push({ line: n + 1, field });
    }
    chunk += `${line}\r\n`;
    if (chunk.length > 64_000) {
      if (!out.write(encode(chunk))) {
        await new Promise<void>((resolve) =>
          out.once('drain', () => resolve()),
        );
      }
      chunk = '';
    }
  }
  out.write(encode(chunk));
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return bad;
}

/** Streams a file from disk as a `text/csv` body; never holds it whole. */
function streamCsv(
  apiUrl: string,
  shopId: string,
  file: string,
  authorization: string,
) {
  return new Promise<Report>((resolve, reject) => {
    // No agent: the default one drops a socket idle for 5 s, and the
    // answer only comes once the whole file is imported.
    const request = http.request(
      `${apiUrl}/v1/shops/${shopId}/clients/import?actor=Winoptics`,
      {
        method: 'POST',
        headers: { 'content-type': 'text/csv', authorization },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => {
          const body = JSON.parse(Buffer.concat(chunks).toString());
          if (response.statusCode === 200) resolve(body);
          else
            reject(new Error(`${response.statusCode} ${JSON.stringify(body)}`));
        });
      },
    );
    request.on('error', reject);
    createReadStream(file).pipe(request);
  });
}

// Tests may force a collection: live memory, not garbage, tells whether an
// import holds the file.
v8.setFlagsFromString('--expose_gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/**
 * Runs an import in this process, sampling its RSS every 20 ms and its live
 * heap (after a forced collection) every second.
 */
async function measure(run: () => Promise<Report>) {
  collectGarbage();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakLiveHeap = base.heapUsed;
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 20);
  const heapSampler = setInterval(() => {
    collectGarbage();
    peakLiveHeap = Math.max(peakLiveHeap, process.memoryUsage().heapUsed);
  }, 1000);
  const started = performance.now();
  try {
    const report = await run();
    return {
      report,
      ms: performance.now() - started,
      peakRssDelta: peakRss - base.rss,
      peakLiveHeapDelta: peakLiveHeap - base.heapUsed,
    };
  } finally {
    clearInterval(rssSampler);
    clearInterval(heapSampler);
  }
}
