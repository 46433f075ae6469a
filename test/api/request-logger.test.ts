import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { RequestLogger, lazyChildLoggerFactory } from '../../src/api/request-logger.js';

function recordingLogger(level: string) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        callback();
      },
    }),
  );
  return { logger, lines };
}

describe('RequestLogger', () => {
  it('writes lines with its bindings and its children’s, outermost first', () => {
    const { logger, lines } = recordingLogger('info');
    const request = new RequestLogger(logger, { reqId: 'r-1' });
    const caller = request.child({ tokenName: 'ci' });
    caller.warn({ deploymentId: 'd-1' }, 'slow answer');
    request.info('plain');
    expect(lines).toMatchObject([
      { level: 40, reqId: 'r-1', tokenName: 'ci', deploymentId: 'd-1', msg: 'slow answer' },
      { level: 30, reqId: 'r-1', msg: 'plain' },
    ]);
    expect(Object.keys(lines[0] ?? {}).indexOf('reqId')).toBeLessThan(
      Object.keys(lines[0] ?? {}).indexOf('tokenName'),
    );
    expect(lines[1]).not.toHaveProperty('tokenName');
  });

  it('creates no pino child until a line is written at an enabled level', () => {
    const { logger, lines } = recordingLogger('info');
    const child = vi.spyOn(logger, 'child');
    const request = new RequestLogger(logger, { reqId: 'r-2' }).child({ tokenName: 'ci' });
    request.debug('not at info');
    request.trace('nor this');
    expect(child).not.toHaveBeenCalled();
    request.error(new Error('boom'), 'request failed');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines).toMatchObject([{ level: 50, reqId: 'r-2', tokenName: 'ci', msg: 'request failed' }]);
    expect(lines[0]?.['err']).toMatchObject({ message: 'boom' });
  });

  it('follows the parent’s level and can set its own', () => {
    const { logger, lines } = recordingLogger('info');
    const request = new RequestLogger(logger, { reqId: 'r-3' });
    expect(request.level).toBe('info');
    request.level = 'debug';
    request.debug('now visible');
    expect(logger.level).toBe('info');
    expect(lines).toMatchObject([{ level: 20, reqId: 'r-3', msg: 'now visible' }]);
  });
});

describe('lazyChildLoggerFactory', () => {
  it('gives a lazy logger without options and a pino child with them', () => {
    const { logger } = recordingLogger('info');
    const call = (options: object) =>
      (lazyChildLoggerFactory as (...args: unknown[]) => unknown).call(
        undefined,
        logger,
        { reqId: 'r-4' },
        options,
        undefined,
      );
    expect(call({})).toBeInstanceOf(RequestLogger);
    expect(call({ level: undefined })).toBeInstanceOf(RequestLogger);
    expect(call({ level: 'debug' })).not.toBeInstanceOf(RequestLogger);
  });
});
