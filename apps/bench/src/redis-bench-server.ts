import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { createClient } from 'redis';

/** A private redis-server for the redis area (clean command counts), or the one at REDIS_URL. */
export interface BenchRedis {
  readonly url: string;
  readonly description: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitForPing(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const probe = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 500 } });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      await probe.close();
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return false;
}

/** Starts `redis-server` on a free port (no persistence) when the binary exists, else uses REDIS_URL. */
export async function startBenchRedis(): Promise<BenchRedis | undefined> {
  const hasBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
  if (hasBinary) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const url = `redis://127.0.0.1:${port}`;
    if (await waitForPing(url)) {
      const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
      return {
        url,
        description: `private ${version.split(' ').slice(0, 3).join(' ')} on 127.0.0.1:${port}`,
        async stop() {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    child.kill('SIGKILL');
  }
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (!(await waitForPing(url))) return undefined;
  return {
    url,
    description: `shared Redis at ${url} (command counts include other clients)`,
    async stop() {},
  };
}

/** Total commands the server has executed (INFO commandstats), minus the INFO calls themselves. */
export async function commandCount(url: string): Promise<number> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  const info = await client.info('commandstats');
  await client.close();
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+(?:\|\w+)?):calls=(\d+)/gm)) {
    const command = match[1] ?? '';
    if (command === 'info' || command === 'hello' || command === 'client|setinfo' || command === 'ping')
      continue;
    total += Number(match[2]);
  }
  return total;
}
