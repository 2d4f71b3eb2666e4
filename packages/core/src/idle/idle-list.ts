/** A node of `IdleList`: something idle (a compartment with nothing active or waiting, a response body nobody reads). */
export interface IdleNode {
  idlePrevious: IdleNode | undefined;
  idleNext: IdleNode | undefined;
  /** When it became idle (the owner's stamp, ascending in list order), or -1 while it is not in the list. */
  idleSince: number;
}

/**
 * Idle nodes, least recently used first: appended when they become idle, unlinked when used again, all O(1).
 * With one idle timeout for every node, the head is always the next one to expire, so a single timer
 * (`IdleSweeper`) serves them all. Used by `KeyedBulkhead` (idle keys) and by `@x/bulkhead-http`'s undici
 * interceptor (idle response bodies).
 */
export class IdleList<Node extends IdleNode> {
  #head: Node | undefined = undefined;
  #tail: Node | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The least recently used idle node. */
  get oldest(): Node | undefined {
    return this.#head;
  }

  /** Appends `node`, idle since `stamp` (never smaller than the stamps already in the list). */
  push(node: Node, stamp: number): void {
    node.idleSince = stamp;
    node.idlePrevious = this.#tail;
    node.idleNext = undefined;
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.idleNext = node;
    this.#tail = node;
    this.#size++;
  }

  /** Unlinks `node` (used again, or evicted); a node not in the list is ignored. */
  remove(node: Node): void {
    if (node.idleSince < 0) return;
    const { idlePrevious: previous, idleNext: next } = node;
    if (previous === undefined) this.#head = next as Node | undefined;
    else previous.idleNext = next;
    if (next === undefined) this.#tail = previous as Node | undefined;
    else next.idlePrevious = previous;
    node.idlePrevious = undefined;
    node.idleNext = undefined;
    node.idleSince = -1;
    this.#size--;
  }
}
