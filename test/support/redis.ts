/**
 * The queue tests' workers and Redis access: `gclab worker` set up for the tests, and a client for
 * looking into the server (bench/support/ starts the server and the processes).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { GclabProcess } from '../../bench/support/gclab-process.js';
import { RedisServer } from '../../bench/support/redis-server.js';

export { GclabProcess } from '../../bench/support/gclab-process.js';
export { makeTestCa, redisMissing, RedisServer } from '../../bench/support/redis-server.js';

/** Runs `use` with a client of the server (its password and CA as the server has them). */
export async function withRedisClient<T>(server: RedisServer, use: (redis: Redis) => Promise<T>): Promise<T> {
  const { password, tlsDir } = server.security;
  const tls = tlsDir ? { tls: { ca: readFileSync(join(tlsDir, 'ca.crt')) } } : {};
  const redis = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, password, ...tls });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** `gclab worker` on the server, one task at a time, a short stall timeout (a killed worker's task comes back fast). */
export function startWorker(server: RedisServer, name: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv): GclabProcess {
  return new GclabProcess(['worker', '--queue', server.url, '--workers', '1', '--name', name, '--stall-timeout', '2', ...extra], env);
}
