import { STACK_PROCESSES } from './bench-stack';
import type { StackProcess } from './bench-stack';
import type { CampaignOutcome, CampaignRole } from './campaign-run';
import type { ReferenceResult } from './references';

export interface BenchReferences {
  addBulk: Partial<Record<CampaignRole, ReferenceResult>>;
  worker: Partial<Record<CampaignRole, ReferenceResult>>;
  mailer: ReferenceResult | null;
}

export interface BenchResults {
  machine: Record<string, string>;
  rssAtStart: Record<StackProcess, number | null>;
  campaigns: CampaignOutcome[];
  references: BenchReferences | null;
  wallSeconds: number;
}

/** Below this growth from 10,000 to 100,000 recipients, RSS counts as flat. */
const FLAT = 1.25;

/** A Markdown table with padded columns, readable in a terminal too. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `| ${headers.map((_, i) => (cells[i] ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(headers),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

export const int = (n: number): string =>
  Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—';
export const seconds = (ms: number | null): string =>
  ms === null || !Number.isFinite(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`;
export const mib = (bytes: number | null | undefined): string =>
  bytes === null || bytes === undefined || !Number.isFinite(bytes)
    ? '—'
    : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
export const millis = (ms: number): string =>
  Number.isFinite(ms) ? `${int(ms)} ms` : '—';
export const ratio = (n: number): string =>
  Number.isFinite(n) ? `${n.toFixed(2)} ×` : '—';

/** Messages `sent` per second, from the launch request to the last one. */
export function throughput(c: CampaignOutcome): number {
  return (c.sent / c.doneMs) * 1000;
}

/** Messages written and enqueued per second, from the launch request. */
export function enqueueRate(c: CampaignOutcome): number {
  return c.fanoutMs === null ? NaN : (c.written / c.fanoutMs) * 1000;
}

/** Every table of a run, in reading order. */
export function renderReport(results: BenchResults): string {
  const { campaigns, references } = results;
  const parts = [
    '### Campaigns (from the launch request until every message is `sent`)',
    campaignTable(campaigns),
  ];
  if (references) {
    parts.push('### References (same run, same Redis and SMTP server)');
    parts.push(referenceTable(references));
    parts.push('### Goals (ratios from this run)');
    parts.push(goalTable(campaigns, references));
  }
  parts.push(
    '### Peak RSS (VmRSS once started; VmHWM reset at each launch)',
    memoryTable(campaigns, results.rssAtStart),
    '### CPU seconds used during each campaign',
    cpuTable(campaigns),
    '### Storage at the end of each campaign, and database work per message',
    storageTable(campaigns),
    '### Bench database connections during each campaign (average of samples every 0.5 s)',
    connectionTable(campaigns),
  );
  const counter = campaigns.find((c) => c.counterSends.length > 0);
  if (counter) {
    parts.push(`### Counter sends during ${counter.spec.label}`);
    parts.push(counterTable(counter));
  }
  return parts.join('\n\n');
}

function campaignTable(campaigns: CampaignOutcome[]): string {
  return table(
    [
      'campaign',
      'recipients',
      'launch request',
      'all enqueued',
      'enqueued/s',
      'all sent',
      'sent/s',
      'p50 to sent',
      'p99 to sent',
      'statuses',
    ],
    campaigns.map((c) => [
      c.spec.label + (c.timedOut ? ' (timed out, cancelled)' : ''),
      int(c.written),
      seconds(c.launchRequestMs),
      seconds(c.fanoutMs),
      int(enqueueRate(c)),
      seconds(c.doneMs),
      int(throughput(c)),
      seconds(c.sentAfterMs.p50),
      seconds(c.sentAfterMs.p99),
      Object.entries(c.counts)
        .map(([status, n]) => `${status} ${int(n)}`)
        .join(', '),
    ]),
  );
}

function referenceTable(references: BenchReferences): string {
  const rows: string[][] = [];
  for (const r of Object.values(references.addBulk))
    rows.push(referenceRow('addBulk, pages of 1,000, product job options', r));
  for (const r of Object.values(references.worker))
    rows.push(referenceRow('bare BullMQ no-op worker, concurrency 50', r));
  if (references.mailer) {
    const bytes = references.mailer.bytesPerMessage ?? NaN;
    rows.push(
      referenceRow(
        `pooled nodemailer, 5 connections, 20 in flight, ${int(bytes)} B/message`,
        references.mailer,
      ),
    );
  }
  return table(['reference', 'items', 'time', 'per second', 'peak RSS'], rows);
}

function referenceRow(name: string, r: ReferenceResult): string[] {
  return [
    name,
    int(r.items),
    seconds(r.elapsedMs),
    int(r.perSecond),
    mib(r.peakRssBytes),
  ];
}

function goalTable(
  campaigns: CampaignOutcome[],
  refs: BenchReferences,
): string {
  const by = (role: CampaignRole) =>
    campaigns.find((c) => c.spec.role === role);
  const rows: string[][] = [];
  const goal = (name: string, value: number, target: string, met: boolean) =>
    rows.push([name, ratio(value), target, met ? 'met' : 'NOT met']);

  for (const role of ['sms-small', 'sms-large'] as const) {
    const c = by(role);
    const worker = refs.worker[role];
    const addBulk = refs.addBulk[role];
    if (!c || !worker || !addBulk) continue;
    const speed = throughput(c) / worker.perSecond;
    goal(
      `${c.spec.label}: sent/s ÷ bare worker`,
      speed,
      '≥ 0.5 ×',
      speed >= 0.5,
    );
    const fan = enqueueRate(c) / addBulk.perSecond;
    goal(
      `${c.spec.label}: written and enqueued/s ÷ addBulk`,
      fan,
      '≥ 0.5 ×',
      fan >= 0.5,
    );
    const rss = (c.peakRss['worker-sms'] ?? NaN) / (worker.peakRssBytes ?? NaN);
    goal(
      `${c.spec.label}: worker-sms peak RSS ÷ bare worker`,
      rss,
      '≤ 2 ×',
      rss <= 2,
    );
  }
  const email = by('email');
  if (email && refs.mailer) {
    const speed = throughput(email) / refs.mailer.perSecond;
    goal(
      `${email.spec.label}: sent/s ÷ pooled nodemailer`,
      speed,
      '≥ 0.5 ×',
      speed >= 0.5,
    );
  }
  const small = by('sms-small');
  const large = by('sms-large');
  if (small && large) {
    const growth =
      (large.peakRss['worker-sms'] ?? NaN) /
      (small.peakRss['worker-sms'] ?? NaN);
    goal(
      `worker-sms peak RSS, ${large.spec.label} ÷ ${small.spec.label}`,
      growth,
      `flat (≤ ${FLAT} ×)`,
      growth <= FLAT,
    );
  }
  const counter = campaigns.find((c) => c.counterSends.length > 0);
  if (counter) {
    const worst = Math.max(...counter.counterSends.map((s) => s.totalMs));
    rows.push([
      `counter send during ${counter.spec.label}, slowest of ${counter.counterSends.length}`,
      millis(worst),
      '≤ 2,000 ms',
      worst <= 2000 ? 'met' : 'NOT met',
    ]);
  }
  return table(['goal', 'measured', 'target', ''], rows);
}

function memoryTable(
  campaigns: CampaignOutcome[],
  atStart: Record<StackProcess, number | null>,
): string {
  return table(
    ['process', 'started, idle', ...campaigns.map((c) => c.spec.label)],
    STACK_PROCESSES.map((name) => [
      name,
      mib(atStart[name]),
      ...campaigns.map((c) => mib(c.peakRss[name])),
    ]),
  );
}

function cpuTable(campaigns: CampaignOutcome[]): string {
  const names = [
    ...new Set(campaigns.flatMap((c) => Object.keys(c.cpu.byProcess))),
  ];
  const rows = names.map((name) => [
    name,
    ...campaigns.map((c) => (c.cpu.byProcess[name] ?? 0).toFixed(1)),
  ]);
  rows.push([
    'ours, per message (ms)',
    ...campaigns.map((c) => {
      const ours = Object.values(c.cpu.byProcess).reduce((a, b) => a + b, 0);
      return ((ours / Math.max(1, c.written)) * 1000).toFixed(2);
    }),
  ]);
  rows.push([
    'whole machine (all users)',
    ...campaigns.map((c) => c.cpu.machineBusy.toFixed(1)),
  ]);
  rows.push([
    'other users of the machine (at least)',
    ...campaigns.map((c) => {
      const ours = Object.values(c.cpu.byProcess).reduce((a, b) => a + b, 0);
      return Math.max(0, c.cpu.machineBusy - ours).toFixed(1);
    }),
  ]);
  rows.push([
    'wall time × cores',
    ...campaigns.map((c) => c.cpu.machineTotal.toFixed(1)),
  ]);
  return table(['CPU seconds', ...campaigns.map((c) => c.spec.label)], rows);
}

function storageTable(campaigns: CampaignOutcome[]): string {
  return table(
    [
      'after',
      'Postgres database',
      'Redis used_memory (whole server)',
      'bench keys in Redis',
      'transactions/msg',
      'rows updated/msg',
      'rows inserted/msg',
      'provider calls/msg',
    ],
    campaigns.map((c) => {
      const per = (n: number) => (n / Math.max(1, c.written)).toFixed(2);
      return [
        c.spec.label,
        mib(c.pg.sizeBytes),
        mib(c.redis.usedMemory),
        `${int(c.redis.prefixKeys)} keys, ${mib(c.redis.prefixBytes)}`,
        per(c.pg.activity.commits),
        per(c.pg.activity.rowsUpdated),
        per(c.pg.activity.rowsInserted),
        per(c.provider.requests),
      ];
    }),
  );
}

function connectionTable(campaigns: CampaignOutcome[]): string {
  const row = (name: string, pick: (c: CampaignOutcome) => number) => [
    name,
    ...campaigns.map((c) => pick(c).toFixed(1)),
  ];
  return table(
    ['connections', ...campaigns.map((c) => c.spec.label)],
    [
      row('waiting for a row lock', (c) => c.connections.lockWait),
      row(
        'waiting for an internal lock (LWLock)',
        (c) => c.connections.internalLockWait,
      ),
      row('waiting for the commit flush', (c) => c.connections.commitFlush),
      row('running a statement', (c) => c.connections.running),
      row(
        'idle in a transaction (waiting for the worker)',
        (c) => c.connections.idleInTransaction,
      ),
    ],
  );
}

function counterTable(c: CampaignOutcome): string {
  return table(
    ['#', 'accepted (202)', 'final', 'status'],
    c.counterSends.map((s, i) => [
      String(i + 1),
      millis(s.acceptedMs),
      millis(s.totalMs),
      s.status,
    ]),
  );
}
