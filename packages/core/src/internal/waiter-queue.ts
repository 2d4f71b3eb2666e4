/** A node of `WaiterQueue`: the links live on the node itself, owned by the queue. */
export interface QueueNode {
  previous: QueueNode | undefined;
  next: QueueNode | undefined;
  /** True while the node is linked into a queue. */
  queued: boolean;
}

/**
 * Intrusive doubly linked FIFO: enqueue, dequeue and removal from the middle are all O(1) and
 * allocate nothing beyond the node itself (no `Array.shift`/`splice`, no per-call arrays).
 */
export class WaiterQueue<Node extends QueueNode> {
  #head: Node | undefined = undefined;
  #tail: Node | undefined = undefined;
  #size = 0;

  /** Nodes linked now. */
  get size(): number {
    return this.#size;
  }

  /** The head, without removing it. */
  peek(): Node | undefined {
    return this.#head;
  }

  /** Appends `node` at the tail. */
  push(node: Node): void {
    node.previous = this.#tail;
    node.next = undefined;
    node.queued = true;
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
  }

  /** Removes and returns the head. */
  shift(): Node | undefined {
    const node = this.#head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** Unlinks `node`; a node that is not queued is ignored. */
  remove(node: Node): void {
    if (!node.queued) return;
    const { previous, next } = node;
    if (previous === undefined) this.#head = next as Node | undefined;
    else previous.next = next;
    if (next === undefined) this.#tail = previous as Node | undefined;
    else next.previous = previous;
    node.previous = undefined;
    node.next = undefined;
    node.queued = false;
    this.#size--;
  }
}
