import { randomUUID } from 'node:crypto';
import { globalExtensionState } from '@x/bulkhead-core/extension';
import type { RedisClientLike, RedisSubscriberLike } from '../redis-client.js';

type GrantHandler = (token: number) => void;

/**
 * One pub/sub connection per client (made with `duplicate()`), shared by every compartment on that client.
 * Grants are published as `<id>|<token>` on the subscriber's own channel and routed to the waiter by id.
 */
export class SharedSubscriber {
  /** The channel the scripts publish this process's grants on. */
  readonly channel = `bulkhead:wake:${randomUUID()}`;
  readonly #client: RedisClientLike;
  readonly #handlers = new Map<string, GrantHandler>();
  #connection: RedisSubscriberLike | undefined;
  #users = 0;
  #sequence = 0;
  /** Resolves once subscribed (true), or false when the subscription could not be made. */
  ready: Promise<boolean> = Promise.resolve(false);

  constructor(client: RedisClientLike) {
    this.#client = client;
  }

  /** A fresh id for a waiter or holder, unique across processes. */
  nextId(): string {
    return `${this.channel.slice('bulkhead:wake:'.length)}:${++this.#sequence}`;
  }

  /** Counts one more compartment using the subscriber; the first one connects it. */
  retain(): void {
    this.#users++;
    if (this.#connection !== undefined) return;
    const connection = this.#client.duplicate();
    this.#connection = connection;
    // Errors surface as failed commands and lease renewals; the connection reconnects by itself.
    connection.on('error', () => {});
    this.ready = connection
      .connect()
      .then(() => connection.subscribe(this.channel, (message) => this.#dispatch(message)))
      .then(
        () => true,
        () => false,
      );
  }

  /** One compartment stopped using the subscriber; the last one closes it. */
  async release(): Promise<void> {
    if (--this.#users > 0 || this.#connection === undefined) return;
    const connection = this.#connection;
    this.#connection = undefined;
    subscribers().delete(this.#client);
    await this.ready;
    connection.destroy();
  }

  /** Routes grants of `id` to `handler` until `unlisten(id)`. */
  listen(id: string, handler: GrantHandler): void {
    this.#handlers.set(id, handler);
  }

  unlisten(id: string): void {
    this.#handlers.delete(id);
  }

  #dispatch(message: string): void {
    const separator = message.lastIndexOf('|');
    const handler = this.#handlers.get(message.slice(0, separator));
    if (handler !== undefined) handler(Number(message.slice(separator + 1)));
  }
}

function subscribers(): WeakMap<RedisClientLike, SharedSubscriber> {
  return globalExtensionState('@x/bulkhead-redis/subscribers', () => new WeakMap());
}

/** The subscriber of `client`, created on first use (retain it before use, release it after). */
export function subscriberFor(client: RedisClientLike): SharedSubscriber {
  const map = subscribers();
  let subscriber = map.get(client);
  if (subscriber === undefined) {
    subscriber = new SharedSubscriber(client);
    map.set(client, subscriber);
  }
  return subscriber;
}
