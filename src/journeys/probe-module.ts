/** Validates a probe module's exports against the probe contract (probe.ts). */
import { Type } from '@sinclair/typebox';
import { validateAgainstSchema } from '../config/schema-validation.js';
import type { Probe, ProbeRun } from './probe.js';
import { ProbeError } from './probe-error.js';

/** The metadata a probe module exports beside `run`. */
export const ProbeMetadataSchema = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
  description: Type.String({ minLength: 1, maxLength: 500 }),
  timeoutMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
  steps: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
    minItems: 1,
    maxItems: 50,
    uniqueItems: true,
  }),
});

/** The probe a module's exports describe; ProbeError INVALID_PROBE listing every problem. */
export function probeFromModule(exports: Record<string, unknown>, file: string): Probe {
  const metadata = {
    name: exports['name'],
    description: exports['description'],
    timeoutMs: exports['timeoutMs'],
    steps: exports['steps'],
  };
  const problems: string[] = [];
  const checked = validateAgainstSchema(ProbeMetadataSchema, metadata);
  if (!checked.ok) {
    for (const issue of checked.issues)
      problems.push(`${issue.path}: ${issue.message === 'is required' ? 'must be exported' : issue.message}`);
  }
  const run = exports['run'];
  if (typeof run !== 'function')
    problems.push('run: must be an exported function ({ page, baseUrl, step }) => Promise<void>');
  if (!checked.ok || problems.length > 0)
    throw new ProbeError('INVALID_PROBE', file, `${file}: not a valid probe: ${problems.join('; ')}`);
  return Object.freeze({
    ...checked.value,
    steps: Object.freeze([...checked.value.steps]),
    run: run as ProbeRun,
  });
}
