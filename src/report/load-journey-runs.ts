/**
 * The journey runs the report shows: every run that did not pass, failures before errors, canary
 * before baseline, with its screenshot embedded while the report's budget lasts (the report must
 * stay small enough to mail and open anywhere; the rest are linked). Runs whose step's
 * journeys.json is missing or damaged are still shown, from the screenshots the bundle holds.
 */
import type { KhiResult } from '../analysis/judge/khi-result.js';
import type { JourneyEvidence } from '../verification/gather-journeys.js';
import type { BundleReader } from './bundle-reader.js';
import type { ReportJourneyRun, ReportScreenshot } from './report-input.js';

/** How much screenshot one report embeds. */
export interface ScreenshotBudget {
  /** Bytes of PNG embedded in the report, all screenshots together. */
  readonly maxBytes: number;
  readonly maxCount: number;
}

/** Runs listed one by one; the bundle holds the rest. */
export const MAX_JOURNEY_RUNS = 48;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const SCREENSHOT = /^journeys\/interval-(\d+)\/(canary|baseline)\/([^/]+)\/screenshot\.png$/;
const OUTCOME_ORDER: Readonly<Record<ReportJourneyRun['outcome'], number>> = {
  fail: 0,
  unknown: 1,
  error: 2,
};

interface FoundRun extends Omit<ReportJourneyRun, 'screenshot'> {
  readonly screenshotPath?: string;
}

/**
 * The runs to show from each interval's journey evidence (`undefined` evidence: that step's
 * journeys.json could not be read), the KHI results' evidence paths and the bundle's files.
 */
export async function loadJourneyRuns(
  reader: BundleReader,
  evidenceByInterval: ReadonlyMap<number, readonly JourneyEvidence[] | undefined>,
  khis: readonly KhiResult[],
  budget: ScreenshotBudget,
): Promise<ReportJourneyRun[]> {
  const found: FoundRun[] = [];
  for (const [interval, evidence] of evidenceByInterval) {
    for (const journey of evidence ?? []) {
      for (const result of journey.results) {
        if (result.outcome === 'pass') continue;
        const paths = result.artifacts.map((artifact) => artifact.path);
        const screenshotPath = paths.find((path) => path.endsWith('/screenshot.png'));
        found.push({
          interval,
          group: journey.group,
          probe: result.probe,
          outcome: result.outcome,
          reason: result.reason,
          ...(result.failedStep !== undefined && { failedStep: result.failedStep }),
          startedAt: result.startedAt,
          ...(screenshotPath !== undefined && { screenshotPath }),
          artifacts: paths.filter((path) => path !== screenshotPath),
        });
      }
    }
  }
  found.push(...runsFromScreenshots(reader, evidenceByInterval, khis));
  const ordered = found
    .sort(
      (a, b) =>
        OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] ||
        Number(a.group === 'baseline') - Number(b.group === 'baseline') ||
        a.interval - b.interval,
    )
    .slice(0, MAX_JOURNEY_RUNS);
  if (found.length > ordered.length)
    reader.notes.push(
      `${found.length - ordered.length} more journey run(s) that did not pass are not listed; their evidence is in the bundle's journeys/ folder.`,
    );
  let embeddedBytes = 0;
  let embeddedCount = 0;
  const runs: ReportJourneyRun[] = [];
  for (const { screenshotPath, ...run } of ordered) {
    if (screenshotPath === undefined) {
      runs.push(run);
      continue;
    }
    const screenshot = await embedScreenshot(reader, screenshotPath, {
      maxBytes: budget.maxBytes - embeddedBytes,
      maxCount: budget.maxCount - embeddedCount,
    });
    if (screenshot.dataUri !== undefined) {
      embeddedCount += 1;
      embeddedBytes += reader.file(screenshotPath)?.bytes ?? base64Bytes(screenshot.dataUri);
    }
    runs.push({ ...run, screenshot });
  }
  return runs;
}

/** Runs known only by their screenshot: in intervals whose journeys.json could not be read. */
function runsFromScreenshots(
  reader: BundleReader,
  evidenceByInterval: ReadonlyMap<number, readonly JourneyEvidence[] | undefined>,
  khis: readonly KhiResult[],
): FoundRun[] {
  const paths = new Set([
    ...reader.files.map((file) => file.path),
    ...khis.flatMap((khi) => khi.evidence ?? []),
  ]);
  const runs: FoundRun[] = [];
  for (const path of [...paths].sort()) {
    const match = SCREENSHOT.exec(path);
    if (match === null) continue;
    const interval = Number(match[1]);
    if (evidenceByInterval.get(interval) !== undefined) continue;
    const folder = path.slice(0, -'screenshot.png'.length);
    runs.push({
      interval,
      group: match[2] as 'canary' | 'baseline',
      probe: (match[3] as string).replace(/-\d+$/, ''),
      outcome: 'unknown',
      reason: `only its artifacts are in the bundle: the journeys.json of interval ${interval} is missing or damaged`,
      screenshotPath: path,
      artifacts: [...paths].filter((other) => other.startsWith(folder) && other !== path),
    });
  }
  return runs;
}

async function embedScreenshot(
  reader: BundleReader,
  path: string,
  left: ScreenshotBudget,
): Promise<ReportScreenshot> {
  if (left.maxCount <= 0)
    return { path, omitted: 'not embedded: the report already holds its most screenshots' };
  const listedBytes = reader.file(path)?.bytes;
  if (listedBytes !== undefined && listedBytes > left.maxBytes)
    return {
      path,
      omitted: `not embedded: ${listedBytes} bytes would exceed the report's screenshot budget`,
    };
  const bytes = await reader.bytes(path);
  if (bytes === undefined) return { path, omitted: 'could not be read' };
  if (bytes.byteLength > left.maxBytes)
    return {
      path,
      omitted: `not embedded: ${bytes.byteLength} bytes would exceed the report's screenshot budget`,
    };
  if (!PNG_SIGNATURE.every((byte, index) => bytes[index] === byte)) {
    reader.notes.push(`${path} is damaged: it is not a PNG image.`);
    return { path, omitted: 'not a PNG image' };
  }
  return { path, dataUri: `data:image/png;base64,${Buffer.from(bytes).toString('base64')}` };
}

function base64Bytes(dataUri: string): number {
  return Math.floor(((dataUri.length - dataUri.indexOf(',') - 1) * 3) / 4);
}
