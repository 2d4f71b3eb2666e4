import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerCommand, WorkerReply } from './cluster-worker.js';

const WORKER = fileURLToPath(new URL('./cluster-worker.ts', import.meta.url));

/** A child process running one RedisBulkhead, driven with `send` and observed with `next`. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly #replies: WorkerReply[] = [];
  readonly #waiting: Array<{
    match: (reply: WorkerReply) => boolean;
    resolve: (reply: WorkerReply) => void;
  }> = [];

  constructor() {
    this.child = fork(WORKER, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (reply: WorkerReply) => {
      const index = this.#waiting.findIndex((waiter) => waiter.match(reply));
      if (index >= 0) this.#waiting.splice(index, 1)[0]?.resolve(reply);
      else this.#replies.push(reply);
    });
  }

  send(command: WorkerCommand): void {
    this.child.send(command);
  }

  /** The next reply of `type` (already received or still to come). */
  next<Type extends WorkerReply['type']>(type: Type): Promise<Extract<WorkerReply, { type: Type }>> {
    const match = (reply: WorkerReply) => reply.type === type;
    const index = this.#replies.findIndex(match);
    if (index >= 0)
      return Promise.resolve(this.#replies.splice(index, 1)[0] as Extract<WorkerReply, { type: Type }>);
    return new Promise((resolve) =>
      this.#waiting.push({ match, resolve: resolve as (reply: WorkerReply) => void }),
    );
  }

  /** Sends `close` and waits for the process to exit (or kills it when it is already dead). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.send({ type: 'close' });
    else this.child.kill('SIGKILL');
    await exited;
  }

  kill(): Promise<unknown> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGKILL');
    return exited;
  }
}

/** Starts `count` workers with the same compartment and waits until each is ready. */
export async function startWorkers(
  count: number,
  setup: Omit<Extract<WorkerCommand, { type: 'setup' }>, 'type'>,
): Promise<WorkerProcess[]> {
  const workers = Array.from({ length: count }, () => new WorkerProcess());
  for (const worker of workers) worker.send({ type: 'setup', ...setup });
  await Promise.all(workers.map((worker) => worker.next('ready')));
  return workers;
}
