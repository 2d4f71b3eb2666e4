import { Pool } from 'undici';

/** A snapshot of the gateway's outgoing connection pool. */
export interface PoolState {
  /** Bound on connections to the downstream origin. */
  readonly maxSockets: number;
  /** Connections carrying a request now. */
  readonly activeSockets: number;
  /** Idle keep-alive connections. */
  readonly freeSockets: number;
  /** Requests waiting for a connection. */
  readonly queuedRequests: number;
}

/** The gateway's one pool and its bound (undici does not expose `connections` once built). */
export interface SharedPool {
  readonly pool: Pool;
  readonly connections: number;
}

/**
 * The gateway's one undici `Pool`: all three downstreams share one origin, so this is one pool of
 * `connections` keep-alive connections for all of them (what makes the run without bulkheads fail).
 */
export function createSharedPool(origin: string, connections: number): SharedPool {
  return { pool: new Pool(origin, { connections, pipelining: 1 }), connections };
}

/** Reads the pool's documented `stats`. */
export function readPoolState(shared: SharedPool): PoolState {
  const stats = shared.pool.stats;
  return {
    maxSockets: shared.connections,
    activeSockets: stats.running,
    freeSockets: Math.max(0, stats.connected - stats.running),
    queuedRequests: stats.pending,
  };
}
