/**
 * A one-line progress indicator on stderr (redrawn in place on a terminal, every 10% otherwise),
 * so long loops show they are alive without cluttering the figures on stdout.
 */
export interface Progress {
  /** Reports `done` of `total` units, with an optional note. */
  update(done: number, note?: string): void;
  /** Ends the line. */
  finish(note?: string): void;
}

/** Starts a progress indicator labelled `label` for `total` units. */
export function startProgress(label: string, total: number): Progress {
  const started = performance.now();
  const isTerminal = process.stderr.isTTY === true;
  let lastDecile = -1;
  const line = (done: number, note: string) => {
    const seconds = (performance.now() - started) / 1000;
    const share = total > 0 ? done / total : 1;
    const eta = share > 0 && share < 1 ? `, ~${Math.round(seconds / share - seconds)} s left` : '';
    return `${label}: ${done}/${total} (${Math.round(share * 100)}%) ${seconds.toFixed(0)} s${eta}${note ? ` ${note}` : ''}`;
  };
  return {
    update(done, note = '') {
      if (isTerminal) {
        process.stderr.write(`\r\x1b[K${line(done, note)}`);
        return;
      }
      const decile = Math.floor((10 * done) / Math.max(1, total));
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${line(done, note)}\n`);
      }
    },
    finish(note = '') {
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `${isTerminal ? '\r\x1b[K' : ''}${label}: done in ${seconds} s${note ? ` ${note}` : ''}\n`,
      );
    },
  };
}
