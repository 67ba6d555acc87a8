import { readFileSync } from 'node:fs';
import path from 'node:path';
import { table } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self time of a `.cpuprofile` (from `node --cpu-prof`), summed two ways:
 * by where the code lives (a package, our workspaces, Node internals, the
 * garbage collector, idle) and by function. Only samples inside `windowUs`
 * count: V8 stamps them with the monotonic clock of `process.hrtime`, so a
 * window taken in another process leaves start-up out.
 */
export function summarizeProfile(
  file: string,
  windowUs: [number, number] = [0, Infinity],
  top = 20,
): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const selfUs = selfTimes(profile, windowUs);
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;

  for (const [id, us] of selfUs) {
    const frame = nodes.get(id)!.callFrame;
    total += us;
    const area = areaOf(frame.url, frame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    if (area === '(idle)') continue;
    const fn = functionKey(frame);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const busy = total - (byArea.get('(idle)') ?? 0);
  const rows = (map: Map<string, number>, limit: number) =>
    [...map.entries()]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => [
        name,
        `${(us / 1000).toFixed(0)} ms`,
        `${((us / busy) * 100).toFixed(1)} %`,
      ]);

  return [
    `${path.basename(file)}: ${(total / 1e6).toFixed(1)} s of samples, ` +
      `${(busy / 1e6).toFixed(1)} s busy (${((busy / total) * 100).toFixed(0)} %)`,
    table(['self time by area', 'ms', 'of busy'], rows(byArea, 15)),
    table(['self time by function', 'ms', 'of busy'], rows(byFunction, top)),
    table(
      ['total time (self and callees) of our functions', 'ms', 'of busy'],
      rows(oursInclusive(profile, selfUs), top),
    ),
  ].join('\n\n');
}

/**
 * Time spent in each of our workspaces' functions and everything they
 * called; a function on the stack twice (recursion) is counted once.
 */
function oursInclusive(
  profile: CpuProfile,
  selfUs: Map<number, number>,
): Map<string, number> {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const root = profile.nodes[0]!;
  const walk = (node: ProfileNode, onStack: Set<string>): number => {
    const key = isOurs(node.callFrame.url) ? functionKey(node.callFrame) : null;
    const counted = key !== null && !onStack.has(key);
    if (counted) onStack.add(key);
    let total = selfUs.get(node.id) ?? 0;
    for (const child of node.children ?? [])
      total += walk(nodes.get(child)!, onStack);
    if (counted) {
      onStack.delete(key);
      totals.set(key, (totals.get(key) ?? 0) + total);
    }
    return total;
  };
  walk(root, new Set());
  return totals;
}

function isOurs(url: string): boolean {
  return (
    !url.includes('/node_modules/') &&
    /\/(packages|services|workers)\//.test(url)
  );
}

function functionKey(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function selfTimes(
  profile: CpuProfile,
  [from, to]: [number, number],
): Map<number, number> {
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= from && at <= to) self.set(id, (self.get(id) ?? 0) + delta);
  });
  return self;
}

/** A package name, one of our workspaces, or a V8/Node category. */
function areaOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native, unattributed)';
    return `(native) ${functionName}`;
  }
  if (url.startsWith('node:internal/'))
    return `node:internal/${url.split('/')[1]}`;
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const ours = /\/(packages|services|workers)\/([^/]+)\//.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : shortUrl(url);
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/(packages|services|workers)\//, '$1/');
}
