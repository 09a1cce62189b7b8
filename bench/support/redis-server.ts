/**
 * A throwaway redis-server for the queue's tests and benchmark: on 127.0.0.1 at a free port,
 * persistence off, in the foreground (so it can be killed and started again on the same port),
 * optionally with a password and TLS (a certificate from a throwaway CA, `makeTestCa`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Why a redis-server cannot be started here, or null when Debian's redis-server is installed. */
export function redisMissing(): string | null {
  const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0 ? null : 'redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)';
}

export async function freePort(): Promise<number> {
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
    readonly security: RedisSecurity,
  ) {}

  /** Its process id while it runs (for its CPU time). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

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
