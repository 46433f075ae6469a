/**
 * Per-request loggers that cost nothing until they write. Fastify gives every request a child
 * logger bound to its request id, and authentication adds the caller's token name. Creating those
 * two pino children on every request was the verdict endpoint's largest cost after the socket write
 * (a child of a per-request child makes V8 turn a fresh object into a prototype: about 7 µs).
 * A RequestLogger keeps the bindings and creates the pino child on the first line written at an
 * enabled level, so every line still carries `reqId` (and `tokenName`), as a pino child would.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** A child logger of `parent` with `bindings`, created when first needed. */
export class RequestLogger implements FastifyBaseLogger {
  private logger: FastifyBaseLogger | undefined;

  /** `outer`: the lazy logger this one is a child of; its bindings come first. */
  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly outer?: RequestLogger,
  ) {}

  get level(): string {
    return (this.logger ?? this.parent).level;
  }

  set level(level: string) {
    this.materialise().level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }

  error(...args: unknown[]): void {
    this.write('error', args);
  }

  warn(...args: unknown[]): void {
    this.write('warn', args);
  }

  info(...args: unknown[]): void {
    this.write('info', args);
  }

  debug(...args: unknown[]): void {
    this.write('debug', args);
  }

  trace(...args: unknown[]): void {
    this.write('trace', args);
  }

  silent(): void {}

  /** Another lazy logger with both sets of bindings, unless options (level, serializers...) are given. */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    if (this.logger !== undefined || hasOptions(options)) return this.materialise().child(bindings, options);
    return new RequestLogger(this.parent, bindings, this);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.logger === undefined && !isLevelEnabled(this.parent, level)) return;
    this.materialise()[level](...(args as [unknown]));
  }

  private materialise(): FastifyBaseLogger {
    // One pino child with every binding, outermost first (as nested pino children would write them).
    this.logger ??= this.parent.child(this.allBindings());
    return this.logger;
  }

  private allBindings(): Bindings {
    return this.outer === undefined ? this.bindings : { ...this.outer.allBindings(), ...this.bindings };
  }
}

/** Fastify's `childLoggerFactory`: a lazy child per request (a real one when the route sets options). */
export const lazyChildLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) => (hasOptions(options) ? logger.child(bindings, options) : new RequestLogger(logger, bindings));

function hasOptions(options: ChildLoggerOptions | undefined): boolean {
  if (options === undefined) return false;
  for (const key in options) if ((options as Record<string, unknown>)[key] !== undefined) return true;
  return false;
}

/** pino's own check when the parent is pino; otherwise assume the level is on. */
function isLevelEnabled(logger: FastifyBaseLogger, level: Level): boolean {
  const check = (logger as Partial<Pick<Logger, 'isLevelEnabled'>>).isLevelEnabled;
  return check === undefined || check.call(logger, level);
}
