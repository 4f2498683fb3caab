/**
 * Progress for people watching a collection: objects read per kind and the rate, rewritten in place on a
 * terminal at most a few times a second. Silent when stderr is not a TTY (logs, CI) or with --quiet.
 */

export interface ProgressSink {
  /** `count` more objects of `resource` were read. */
  read(resource: string, count: number): void;
  /** The list of `resource` started again (expired continue token, or a streamed answer that broke off): its count goes back to zero. */
  restart(resource: string): void;
  /** A request is being retried. */
  retry(message: string): void;
  /** The collection ended (successfully or not): finish the line. */
  finish(): void;
}

export const silentProgress: ProgressSink = { read() {}, restart() {}, retry() {}, finish() {} };

export interface TerminalProgressOptions {
  write: (text: string) => void;
  /** Milliseconds since some fixed point (performance.now by default). */
  now?: () => number;
  /** Minimum milliseconds between redraws. */
  intervalMs?: number;
}

/** Chooses terminal progress or silence, as the CLI does. */
export function progressFor(stream: NodeJS.WriteStream, quiet: boolean): ProgressSink {
  if (quiet || !stream.isTTY) return silentProgress;
  return terminalProgress({ write: (text) => stream.write(text) });
}

export function terminalProgress(options: TerminalProgressOptions): ProgressSink {
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 200;
  const started = now();
  const counts = new Map<string, number>();
  let lastDraw = -Infinity;
  let drawn = false;
  let finished = false;

  const line = (): string => {
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(total / seconds) : 0;
    const parts = [...counts.entries()].map(([resource, n]) => `${resource} ${n}`).join(', ');
    return `collect: ${total} objects (${parts}), ${rate} objects/s`;
  };
  const draw = (force: boolean): void => {
    const at = now();
    if (!force && at - lastDraw < intervalMs) return;
    lastDraw = at;
    drawn = true;
    options.write(`\r\x1b[2K${line()}`);
  };

  return {
    read(resource, count) {
      counts.set(resource, (counts.get(resource) ?? 0) + count);
      draw(false);
    },
    restart(resource) {
      counts.set(resource, 0);
      options.write(`\r\x1b[2Kcollect: continue token for ${resource} expired, listing ${resource} again\n`);
      draw(true);
    },
    retry(message) {
      options.write(`\r\x1b[2Kcollect: ${message}\n`);
      if (drawn) draw(true);
    },
    finish() {
      // Idempotent: both the collector and the command finish it, and a second newline would be noise.
      if (finished) return;
      finished = true;
      draw(true);
      options.write('\n');
    },
  };
}
