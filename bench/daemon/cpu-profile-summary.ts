/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): where the process spent its CPU, by
 * function (self time) and by package or Node subsystem, both self time and "on the stack"
 * (inclusive: share of samples with that package anywhere in the stack).
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  /** Share of all sampled time, 0–1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly sampledSeconds: number;
  /** Share of sampled time the process was idle (waiting for I/O). */
  readonly idleShare: number;
  readonly topFunctions: readonly ProfileShare[];
  readonly selfByArea: readonly ProfileShare[];
  readonly inclusiveByArea: readonly ProfileShare[];
  readonly markdown: string;
}

/** Reads and summarises one profile. */
export async function summariseCpuProfile(file: string, top = 15): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusiveByArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (node === undefined) return;
    total += delta;
    if (node.callFrame.functionName === '(idle)') {
      idle += delta;
      return;
    }
    add(selfByFunction, functionLabel(node), delta);
    add(selfByArea, areaOf(node), delta);
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame !== undefined) onStack.add(areaOf(frame));
    }
    for (const area of onStack) add(inclusiveByArea, area, delta);
  });
  const shares = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, time]) => ({ name, share: total === 0 ? 0 : time / total }));
  const summary = {
    file,
    sampledSeconds: total / 1e6,
    idleShare: total === 0 ? 0 : idle / total,
    topFunctions: shares(selfByFunction),
    selfByArea: shares(selfByArea),
    inclusiveByArea: shares(inclusiveByArea).filter((s) => !['(root)', '(program)'].includes(s.name)),
  };
  return { ...summary, markdown: renderProfile(summary) };
}

function add(map: Map<string, number>, key: string, delta: number): void {
  map.set(key, (map.get(key) ?? 0) + delta);
}

function functionLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === '' ? '' : ` ${shortUrl(url)}:${lineNumber + 1}`;
  return `${functionName === '' ? '(anonymous)' : functionName}${where}`;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? url.slice(dist + 1) : url.replace(/^file:\/\//, '');
}

/** A package (`fastify`, `pino`, `@fastify/...`), a Node subsystem (`node:net`), our own module folder, or a V8 pseudo-frame. */
export function areaOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? url);
  }
  const internal = /^node:internal\/([^/]+)/.exec(url);
  if (internal !== null) return `node:${internal[1]?.replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url;
  const dist = /\/dist\/(src|bench)\/([^/]+)/.exec(url);
  if (dist !== null) return `vigil ${dist[1]}/${dist[2]?.replace(/\.js$/, '')}`;
  return url;
}

function renderProfile(summary: Omit<ProfileSummary, 'markdown'>): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
  const list = (rows: readonly ProfileShare[]) =>
    rows.map((r) => `| ${r.name.replace(/\|/g, '\\|')} | ${pct(r.share)} |`).join('\n');
  return [
    `CPU profile: ${summary.sampledSeconds.toFixed(1)} s sampled, idle ${pct(summary.idleShare)}.`,
    '',
    '| on the stack (inclusive) | share |',
    '| --- | ---: |',
    list(summary.inclusiveByArea),
    '',
    '| self time by area | share |',
    '| --- | ---: |',
    list(summary.selfByArea),
    '',
    '| self time by function | share |',
    '| --- | ---: |',
    list(summary.topFunctions),
  ].join('\n');
}
