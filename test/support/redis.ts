/**
 * A throwaway redis-server for the queue tests: on 127.0.0.1 at a free port, persistence off,
 * in the foreground (so a test can kill it and start it again on the same port), and gclab
 * processes around it (workers, coordinators) whose output is kept for the assertions.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

const root = resolve(import.meta.dirname, '..', '..');

/** Why the queue tests cannot run here, or null when redis-server is installed. */
export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? null : 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)';
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** A password the server asks for; TLS with a certificate for 127.0.0.1 from the CA in this directory (see `makeTestCa`). */
export interface RedisSecurity {
  readonly password?: string;
  readonly tlsDir?: string;
}

export class RedisServer {
  private child: ChildProcess | null = null;
  private constructor(
    readonly port: number,
    private readonly security: RedisSecurity,
  ) {}

  get url(): string {
    const auth = this.security.password ? `:${encodeURIComponent(this.security.password)}@` : '';
    return `${this.security.tlsDir ? 'rediss' : 'redis'}://${auth}127.0.0.1:${this.port}`;
  }

  static async start(security: RedisSecurity = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), security);
    await server.start();
    return server;
  }

  /** Starts (again) on the same port, with nothing in it. */
  async start(): Promise<void> {
    const { password, tlsDir } = this.security;
    const listen = tlsDir
      ? ['--port', '0', '--tls-port', String(this.port), '--tls-cert-file', join(tlsDir, 'server.crt'), '--tls-key-file', join(tlsDir, 'server.key'), '--tls-ca-cert-file', join(tlsDir, 'ca.crt'), '--tls-auth-clients', 'no']
      : ['--port', String(this.port)];
    const args = [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(password ? ['--requirepass', password] : [])];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((ready, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) ready();
      });
      child.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${out}`)));
    });
  }

  /** Starts it again if a test killed it. */
  async ensureRunning(): Promise<void> {
    if (this.child === null) await this.start();
  }

  /** Kills it (SIGKILL: the queue's data is gone, as in a crash). */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async flush(): Promise<void> {
    await this.withClient((redis) => redis.flushall());
  }

  /** A Redis list's items (BullMQ's wait list of a run's queue, say). */
  async list(key: string): Promise<string[]> {
    return this.withClient((redis) => redis.lrange(key, 0, -1));
  }

  private async withClient<T>(use: (redis: Redis) => Promise<T>): Promise<T> {
    const tls = this.security.tlsDir ? { tls: { ca: readFileSync(join(this.security.tlsDir, 'ca.crt')) } } : {};
    const redis = new Redis({ port: this.port, host: '127.0.0.1', lazyConnect: true, password: this.security.password, ...tls });
    await redis.connect();
    try {
      return await use(redis);
    } finally {
      redis.disconnect();
    }
  }
}

/** A gclab process started in the background, its output kept. */
export class GclabProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    this.child = spawn(process.execPath, ['bin/gclab.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
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

/** `gclab worker` on the server, one task at a time, a short stall timeout (a killed worker's task comes back fast). */
export function startWorker(server: RedisServer, name: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv): GclabProcess {
  return new GclabProcess(['worker', '--queue', server.url, '--workers', '1', '--name', name, '--stall-timeout', '2', ...extra], env);
}

/**
 * A throwaway certificate authority and a server certificate for 127.0.0.1 it signed, made with
 * openssl in `dir` (ca.crt, server.crt, server.key); null when openssl is missing. Node trusts the
 * CA through NODE_EXTRA_CA_CERTS, as a user's machine trusts their own.
 */
export function makeTestCa(dir: string): string | null {
  const openssl = (...args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (openssl('version').status !== 0) return null;
  const steps = [
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=gclab test CA'],
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.cnf'],
  ];
  writeFileSync(join(dir, 'san.cnf'), 'subjectAltName = IP:127.0.0.1\n');
  for (const step of steps) {
    const r = openssl(...step);
    if (r.status !== 0) throw new Error(`openssl ${step[0]}: ${r.stderr}`);
  }
  return join(dir, 'ca.crt');
}
