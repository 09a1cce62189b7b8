/**
 * A gclab command started in the background (a worker, a coordinator), its output kept, for the
 * queue's tests and benchmark: wait for a line of its stderr, stop it with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

// The repository's root, from bench/support (sources, tests) or dist/bench/support (the built bench).
const root = resolve(import.meta.dirname, import.meta.url.endsWith('.ts') ? '../..' : '../../..');

export /** A gclab process started in the background, its output kept. */
class GclabProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, ['bin/gclab.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // 'close', not 'exit': by then everything it printed has been read.
    this.exited = new Promise((r) => this.child.once('close', (code) => r(code)));
  }

  /** Resolves when its stderr matches `pattern` (rejects after `ms`, with what it printed). */
  async waitFor(pattern: RegExp, ms = 60_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = pattern.exec(this.stderr);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`no ${pattern} in ${ms} ms; stderr:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${pattern}; stderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
