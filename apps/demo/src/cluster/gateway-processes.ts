import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GatewayProcessRequest } from './gateway-process.js';

/** Gateway processes of one run, with their URLs. */
export interface GatewayProcesses {
  readonly urls: readonly string[];
  stop(): Promise<void>;
}

/** Forks `count` gateway processes and waits until each listens. */
export async function startGateways(
  count: number,
  request: GatewayProcessRequest,
): Promise<GatewayProcesses> {
  const entry = fileURLToPath(new URL('./gateway-process.ts', import.meta.url));
  const children: ChildProcess[] = [];
  const ports = await Promise.all(
    Array.from({ length: count }, () => {
      const child = fork(entry, [JSON.stringify(request)], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return new Promise<number>((resolve, reject) => {
        child.once('message', (message: { port: number }) => resolve(message.port));
        child.once('exit', (code) => reject(new RangeError(`a gateway process exited with code ${code}`)));
      });
    }),
  );
  return {
    urls: ports.map((port) => `http://127.0.0.1:${port}/pay`),
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) return resolve(undefined);
              child.once('exit', resolve);
              child.send('stop');
            }),
        ),
      );
    },
  };
}
