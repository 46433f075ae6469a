/**
 * The Playwright runner's settings: validated once when the runner is made (a bad value throws a
 * TypeError naming it), then frozen. The daemon's `journeys` settings map onto these.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { validateAgainstSchema } from '../config/schema-validation.js';
import { DEFAULT_CHROMIUM_PATH } from './chromium-launcher.js';

/** What the runner can be told; every field has a default. */
export const PlaywrightRunnerSettingsSchema = Type.Object(
  {
    executablePath: Type.String({ minLength: 1, default: DEFAULT_CHROMIUM_PATH }),
    concurrency: Type.Integer({ minimum: 1, maximum: 32, default: 2 }),
    /** Share of passing journeys whose evidence is kept under the `sampled` policy. */
    passingEvidenceRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    /** Bound on each piece of evidence-taking and on closing a context, in milliseconds. */
    evidenceTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5000 }),
    launchTimeoutMs: Type.Integer({ minimum: 1000, maximum: 120_000, default: 30_000 }),
  },
  { additionalProperties: false },
);

export type PlaywrightRunnerSettings = Static<typeof PlaywrightRunnerSettingsSchema>;

/** Fills defaults and validates; TypeError listing every problem. */
export function checkRunnerSettings(
  given: Partial<Record<keyof PlaywrightRunnerSettings, unknown>>,
): Readonly<PlaywrightRunnerSettings> {
  const candidate = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const checked = validateAgainstSchema(
    PlaywrightRunnerSettingsSchema,
    Value.Default(PlaywrightRunnerSettingsSchema, candidate),
  );
  if (!checked.ok)
    throw new TypeError(
      `invalid journey runner options: ${checked.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
    );
  return Object.freeze(checked.value);
}
