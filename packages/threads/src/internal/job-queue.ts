/** A node of `JobQueue`; the links are owned by the queue. */
export interface JobQueueNode {
  previous: JobQueueNode | undefined;
  next: JobQueueNode | undefined;
  /** True while linked into a queue. */
  queued: boolean;
}

/** Intrusive doubly linked FIFO: push, shift and removal from the middle are O(1). */
export class JobQueue<Node extends JobQueueNode> {
  #head: Node | undefined = undefined;
  #tail: Node | undefined = undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The head, without removing it. */
  peek(): Node | undefined {
    return this.#head;
  }

  push(node: Node): void {
    node.previous = this.#tail;
    node.next = undefined;
    node.queued = true;
    if (this.#tail === undefined) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
  }

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
