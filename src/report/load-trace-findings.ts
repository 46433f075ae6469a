/**
 * The trace findings the report shows: the new error signatures of each trace KHI as its latest
 * traces.json lists them (each step's list covers the analysis so far), completed from the
 * `new-errors` KHI results' evidence when a traces.json could not be read, each with the key
 * facts of its stored exemplar trace.
 */
import { Type } from '@sinclair/typebox';
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { BundleReader } from './bundle-reader.js';
import type { TracesFile } from './bundle-file-schemas.js';
import { exemplarFacts } from './exemplar-facts.js';
import type { ReportTraceFinding } from './report-input.js';

/** Exemplars read for one report; the others are linked. */
export const MAX_EXEMPLARS = 12;
/** Larger exemplars are linked, not read (an exemplar keeps at most 100 spans). */
const MAX_EXEMPLAR_BYTES = 2 * 1024 * 1024;
const NEW_ERRORS_MEMBER = /^(.+)\.new-errors\[(.+)\]$/;

const ExemplarFileSchema = Type.Object({ resourceSpans: Type.Array(Type.Unknown()) });

/** Findings from each interval's traces evidence (in any order) and the KHI results. */
export async function loadTraceFindings(
  reader: BundleReader,
  tracesByInterval: ReadonlyMap<number, TracesFile>,
  khis: readonly KhiResult[],
): Promise<ReportTraceFinding[]> {
  const latest = new Map<string, TracesFile[number]>();
  for (const interval of [...tracesByInterval.keys()].sort((a, b) => a - b))
    for (const evidence of tracesByInterval.get(interval) ?? []) latest.set(evidence.khi, evidence);
  const findings: ReportTraceFinding[] = [];
  const seen = new Set<string>();
  for (const evidence of latest.values()) {
    for (const signature of evidence.newErrorSignatures) {
      seen.add(`${evidence.khi}\u0000${signature.signature}`);
      findings.push({
        khi: evidence.khi,
        signature: signature.signature,
        type: signature.type,
        message: signature.message,
        count: signature.count,
        operations: signature.operations,
        ...(signature.exemplar !== undefined && { exemplarPath: signature.exemplar.path }),
        ...(signature.exemplarError !== undefined && {
          exemplarProblem: `the exemplar could not be stored: ${signature.exemplarError}`,
        }),
      });
    }
  }
  for (const khi of khis) {
    const match = NEW_ERRORS_MEMBER.exec(khi.name);
    if (match === null) continue;
    const [, family, signature] = match as unknown as [string, string, string];
    if (seen.has(`${family}\u0000${signature}`)) continue;
    const exemplarPath = (khi.evidence ?? []).find((path) => path.startsWith('traces/'));
    findings.push({
      khi: family,
      signature,
      operations: [],
      ...(exemplarPath !== undefined && { exemplarPath }),
    });
  }
  findings.sort((a, b) => (b.count ?? 0) - (a.count ?? 0) || a.signature.localeCompare(b.signature));
  return Promise.all(findings.map((finding, index) => withExemplar(reader, finding, index)));
}

async function withExemplar(
  reader: BundleReader,
  finding: ReportTraceFinding,
  index: number,
): Promise<ReportTraceFinding> {
  const path = finding.exemplarPath;
  if (path === undefined)
    return { ...finding, exemplarProblem: finding.exemplarProblem ?? 'no exemplar trace was kept' };
  if (index >= MAX_EXEMPLARS)
    return { ...finding, exemplarProblem: 'not read: the report shows the first exemplars only' };
  const bytes = reader.file(path)?.bytes;
  if (bytes !== undefined && bytes > MAX_EXEMPLAR_BYTES)
    return { ...finding, exemplarProblem: `not read: ${bytes} bytes is more than an exemplar should hold` };
  const trace = await reader.json(path, ExemplarFileSchema, true);
  if (trace === undefined) return { ...finding, exemplarProblem: 'the exemplar is missing or damaged' };
  const facts = exemplarFacts(trace);
  return facts === undefined
    ? { ...finding, exemplarProblem: 'the exemplar holds no spans' }
    : { ...finding, exemplar: facts };
}
