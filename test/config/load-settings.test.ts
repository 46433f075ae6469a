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

describe('settings: delivery targets', () => {
  it('names a first backoff longer than the longest one, for notifiers and flag providers alike', () => {
    try {
      resolveSettings(
        {
          notifiers: [
            {
              name: 'n',
              url: 'https://n.example',
              secret: 'notifier-secret-0123',
              backoffBaseMs: 5000,
              backoffMaxMs: 100,
            },
          ],
          flagProviders: [
            {
              name: 'f',
              kind: 'http',
              url: 'https://f.example/{flag}',
              backoffBaseMs: 5000,
              backoffMaxMs: 100,
            },
          ],
        },
        {},
      );
      throw new Error('expected the settings to be rejected');
    } catch (error) {
      expect((error as SettingsError).issues).toEqual([
        { path: 'notifiers[0].backoffBaseMs', message: 'must be <= backoffMaxMs (100)' },
        { path: 'flagProviders[0].backoffBaseMs', message: 'must be <= backoffMaxMs (100)' },
      ]);
    }
  });
});
