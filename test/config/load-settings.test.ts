import { describe, expect, it } from 'vitest';
import { resolveSettings, SettingsError } from '../../src/config/load-settings.js';

function issuesOf(file: Record<string, unknown>): string[] {
  try {
    resolveSettings(file, {});
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('expected the settings to be rejected');
}

describe('settings: traces.backend', () => {
  it('reads spans from the receivers unless a backend is named, with its defaults filled in', () => {
    expect(resolveSettings({}, {}).traces.backend).toBeUndefined();
    expect(
      resolveSettings({ traces: { backend: { kind: 'tempo', url: 'http://tempo:3200' } } }, {}).traces
        .backend,
    ).toEqual({
      kind: 'tempo',
      url: 'http://tempo:3200',
      timeoutMs: 10_000,
      maxTraces: 1500,
    });
  });

  it('names the field of a bad backend', () => {
    expect(issuesOf({ traces: { backend: { kind: 'zipkin', url: 'http://z:9411' } } })[0]).toMatch(
      /^traces\.backend\.kind: /,
    );
    expect(issuesOf({ traces: { backend: { kind: 'jaeger', url: 'jaeger:16686' } } })[0]).toMatch(
      /^traces\.backend\.url: /,
    );
    expect(issuesOf({ traces: { backend: { kind: 'jaeger', url: 'http://j', maxTraces: 0 } } })[0]).toMatch(
      /^traces\.backend\.maxTraces: /,
    );
  });
});
