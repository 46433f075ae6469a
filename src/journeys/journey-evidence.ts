/**
 * Stores a journey's evidence through the artifact store: the Playwright trace (`trace.zip`, open
 * it with `npx playwright show-trace`), the screenshot taken when it failed, and `journey.json`
 * (the result: steps, reason, console errors, failed requests).
 */
import { createReadStream } from 'node:fs';
import type { ArtifactRef, ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { JourneyResult } from './journey-result.js';

export interface JourneyEvidence {
  /** A file holding the trace, when one was recorded (the caller deletes it afterwards). */
  readonly traceFile?: string;
  readonly screenshot?: Uint8Array;
  /** The result to record in `journey.json` (without its artifacts, which this produces). */
  readonly result: Omit<JourneyResult, 'artifacts'>;
}

/** Stores the evidence under `<verificationId>/<pathPrefix>/`; returns what was stored. */
export async function storeJourneyEvidence(
  store: ArtifactStore,
  verificationId: string,
  pathPrefix: string,
  evidence: JourneyEvidence,
): Promise<ArtifactRef[]> {
  const refs: ArtifactRef[] = [];
  if (evidence.traceFile !== undefined)
    refs.push(
      await store.put(verificationId, `${pathPrefix}/trace.zip`, createReadStream(evidence.traceFile)),
    );
  if (evidence.screenshot !== undefined)
    refs.push(await store.put(verificationId, `${pathPrefix}/screenshot.png`, evidence.screenshot));
  const json = `${JSON.stringify(evidence.result, null, 2)}\n`;
  refs.push(await store.put(verificationId, `${pathPrefix}/journey.json`, Buffer.from(json)));
  return refs;
}
