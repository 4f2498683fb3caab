/**
 * Child processes of a control plane, and the guarantee that they die with the test process.
 *
 * Three layers, because a failing test can end the process in different ways:
 * - `stop()` (normal teardown from an `after` hook);
 * - a process 'exit' handler plus SIGINT/SIGTERM handlers (an uncaught failure, Ctrl-C, the test runner's kill);
 * - a watchdog shell per control plane whose stdin is a pipe from this process: when this process dies in a way
 *   no handler sees (SIGKILL, OOM), the pipe closes and the watchdog kills the pids it was told about.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves with the exit code (or signal name) whenever the process ends, expected or not. */
  exited: Promise<string>;
  /** Set once the process ended; `undefined` while it runs. */
  exit: string | undefined;
}

/** Everything one control plane started, so it can be torn down synchronously from an exit handler. */
export class ProcessGroup {
  readonly processes: ManagedProcess[] = [];
  private readonly pidFile: string;
  private watchdog: ChildProcess | undefined;
  private stopped = false;

  constructor(readonly dir: string) {
    this.pidFile = join(dir, 'pids');
    liveGroups.add(this);
    installExitHandlers();
  }

  start(name: string, command: string, args: string[]): ManagedProcess {
    const logFile = join(this.dir, `${name}.log`);
    const log = openSync(logFile, 'a');
    const child = spawn(command, args, { cwd: this.dir, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref(); // a test file that forgets stop() must not hang: the exit handler kills it instead
    const managed: ManagedProcess = {
      name,
      child,
      logFile,
      exit: undefined,
      exited: new Promise((resolve) => {
        const done = (code: number | null, signal: NodeJS.Signals | null): void => {
          managed.exit = code !== null ? `exit code ${code}` : `signal ${signal}`;
          resolve(managed.exit);
        };
        child.once('exit', done);
        child.once('error', (error) => {
          managed.exit = `failed to start: ${error.message}`;
          resolve(managed.exit);
        });
      }),
    };
    this.processes.push(managed);
    this.guard();
    return managed;
  }

  /** The last lines of every log, for a failure message. */
  logTails(lines = 40): string {
    return this.processes
      .map((p) => {
        let text: string;
        try {
          text = readFileSync(p.logFile, 'utf8');
        } catch {
          text = '(no log)';
        }
        const tail = text.trimEnd().split('\n').slice(-lines).join('\n');
        return `----- ${p.name} (${p.exit ?? 'running'}) ${p.logFile}, last ${lines} lines -----\n${tail}`;
      })
      .join('\n');
  }

  /**
   * Kills every process (SIGKILL: the data is thrown away, and a kube-apiserver sent SIGTERM after etcd is gone
   * waits on etcd for minutes), waits until they are reaped, removes the folder. Idempotent.
   */
  async stop(options: { keepDir?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const running = this.processes.filter((p) => p.exit === undefined);
    for (const p of running) {
      p.child.ref(); // children are unref'd while they run; waiting for their exit must keep the event loop alive
      p.child.kill('SIGKILL');
    }
    await Promise.all(running.map((p) => p.exited));
    this.releaseWatchdog();
    if (!options.keepDir) rmSync(this.dir, { recursive: true, force: true });
    liveGroups.delete(this);
  }

  /** Synchronous teardown for exit paths where no promise will ever settle. */
  killNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const p of this.processes) if (p.exit === undefined) p.child.kill('SIGKILL');
    this.releaseWatchdog();
    rmSync(this.dir, { recursive: true, force: true });
    liveGroups.delete(this);
  }

  private guard(): void {
    writeFileSync(this.pidFile, this.processes.map((p) => p.child.pid ?? '').join(' ') + '\n');
    if (this.watchdog) return;
    const script = 'read -r _; pids=$(cat "$1/pids" 2>/dev/null) && kill -9 $pids 2>/dev/null; rm -rf "$1"';
    this.watchdog = spawn('sh', ['-c', script, 'quotaplan-cluster-watchdog', this.dir], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // its own process group, so a Ctrl-C to ours does not kill it before it is needed
    });
    this.watchdog.unref();
    // The pipe must not keep the event loop alive; it only needs to exist.
    (this.watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  }

  private releaseWatchdog(): void {
    // Forget the pids first: after our processes are gone, their pids may belong to someone else.
    rmSync(this.pidFile, { force: true });
    this.watchdog?.stdin?.end();
    this.watchdog = undefined;
  }
}

const liveGroups = new Set<ProcessGroup>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', () => {
    for (const group of [...liveGroups]) group.killNow();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const group of [...liveGroups]) group.killNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** `count` distinct free TCP ports on 127.0.0.1 (all held open together, then released). */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address for a listening socket');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
