import { Agent } from 'node:http';

/** A snapshot of the gateway's outgoing connection pool. */
export interface PoolState {
  /** Bound on sockets per origin. */
  readonly maxSockets: number;
  /** Sockets carrying a request now. */
  readonly activeSockets: number;
  /** Idle keep-alive sockets. */
  readonly freeSockets: number;
  /** Requests waiting for a socket. */
  readonly queuedRequests: number;
}

function countEntries(table: NodeJS.ReadOnlyDict<readonly unknown[]>): number {
  let total = 0;
  for (const list of Object.values(table)) total += list?.length ?? 0;
  return total;
}

/**
 * The gateway's one keep-alive agent. Node pools sockets per origin (host:port) and all three
 * downstreams share one origin, so this is one pool of `maxSockets` sockets for all of them.
 */
export function createSharedAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
}

/** Reads the documented `sockets`, `freeSockets` and `requests` tables of `agent`. */
export function readPoolState(agent: Agent): PoolState {
  return {
    maxSockets: agent.maxSockets,
    activeSockets: countEntries(agent.sockets),
    freeSockets: countEntries(agent.freeSockets),
    queuedRequests: countEntries(agent.requests),
  };
}
