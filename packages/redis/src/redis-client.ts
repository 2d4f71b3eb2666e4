/**
 * The part of a node-redis (v5) client the bulkhead uses; a connected `createClient()` result fits it.
 * The bulkhead sends its scripts through `sendCommand` and opens one subscriber per client with `duplicate()`.
 */
export interface RedisClientLike {
  /** True while the client is connected or reconnecting (false before `connect()` and after `close()`). */
  readonly isOpen: boolean;
  /** True while the client can send commands now. */
  readonly isReady: boolean;
  /** Sends one raw command. */
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  /** A new, unconnected client with the same options (the bulkhead's subscriber). */
  duplicate(): RedisSubscriberLike;
}

/** The subscriber connection made by `duplicate()`. */
export interface RedisSubscriberLike {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<unknown>;
  destroy(): void;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
