import { now } from './clock.js';

/**
 * One timer per bulkhead for the nearest waiter deadline, in the shape of Node's own timers:
 * waiters with the same timeout form one FIFO list (their deadlines ascend in arrival order, so
 * append and removal are O(1)); a small min-heap orders the lists by their earliest deadline.
 * Heap keys are allowed to be stale-early after a head is removed; a fire fixes them lazily.
 */
export interface DeadlineNode {
  deadline: number;
  deadlinePrevious: DeadlineNode | undefined;
  deadlineNext: DeadlineNode | undefined;
  deadlineList: DeadlineList | undefined;
}

export class DeadlineList {
  head: DeadlineNode | undefined = undefined;
  tail: DeadlineNode | undefined = undefined;
  /** Heap key: never later than the head's deadline. */
  key = 0;
  heapIndex = -1;
  constructor(readonly timeout: number) {}
}

/** Longest delay `setTimeout` honours; a longer one would fire after 1 ms (TimeoutOverflowWarning). */
const MAX_TIMER_DELAY = 2_147_483_647;

export class DeadlineScheduler {
  readonly #lists = new Map<number, DeadlineList>();
  readonly #heap: DeadlineList[] = [];
  readonly #onExpired: (node: DeadlineNode) => void;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #size = 0;

  constructor(onExpired: (node: DeadlineNode) => void) {
    this.#onExpired = onExpired;
  }

  /** Schedules `node` to expire `timeout` ms from `start`. */
  add(node: DeadlineNode, timeout: number, start: number): void {
    const deadline = start + timeout;
    node.deadline = deadline;
    let list = this.#lists.get(timeout);
    if (list === undefined) {
      list = new DeadlineList(timeout);
      this.#lists.set(timeout, list);
    }
    node.deadlineList = list;
    this.#size++;
    node.deadlineNext = undefined;
    node.deadlinePrevious = list.tail;
    if (list.tail === undefined) {
      list.head = node;
      list.key = deadline;
      // An emptied list may still sit in the heap with an older (smaller) key: move it down.
      if (list.heapIndex === -1) this.#heapPush(list);
      else this.#siftDown(list.heapIndex);
    } else {
      list.tail.deadlineNext = node;
    }
    list.tail = node;
    if (deadline < this.#armedAt) this.#arm(deadline);
  }

  /** Number of scheduled nodes. */
  get size(): number {
    return this.#size;
  }

  /** Cancels the deadline of `node` (admitted or aborted); O(1). The last removal also drops the timer. */
  remove(node: DeadlineNode): void {
    const list = node.deadlineList;
    if (list === undefined) return;
    const { deadlinePrevious: previous, deadlineNext: next } = node;
    if (previous === undefined) list.head = next;
    else previous.deadlineNext = next;
    if (next === undefined) list.tail = previous;
    else next.deadlinePrevious = previous;
    node.deadlineList = undefined;
    node.deadlinePrevious = undefined;
    node.deadlineNext = undefined;
    // No deadline left: drop the timer so a stale one never keeps the process alive.
    if (--this.#size === 0) this.clear();
  }

  /** Drops every list and the timer (called when no waiter is left). */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#size = 0;
    for (const list of this.#heap) list.heapIndex = -1;
    this.#heap.length = 0;
    this.#lists.clear();
  }

  #arm(deadline: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = deadline;
    this.#timer = setTimeout(this.#fire, Math.min(MAX_TIMER_DELAY, Math.max(0, deadline - now())));
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const current = now();
    for (;;) {
      const list = this.#heap[0];
      if (list === undefined || list.key > current) break;
      const head = list.head;
      if (head === undefined) {
        this.#heapRemoveTop();
        this.#lists.delete(list.timeout);
        continue;
      }
      if (head.deadline <= current) {
        this.remove(head);
        this.#onExpired(head);
        continue;
      }
      list.key = head.deadline;
      this.#siftDown(0);
    }
    const next = this.#heap[0];
    if (next !== undefined) this.#arm(next.key);
  };

  #heapPush(list: DeadlineList): void {
    list.heapIndex = this.#heap.length;
    this.#heap.push(list);
    this.#siftUp(list.heapIndex);
  }

  #heapRemoveTop(): void {
    const top = this.#heap[0]!;
    const last = this.#heap.pop()!;
    top.heapIndex = -1;
    if (last !== top) {
      this.#heap[0] = last;
      last.heapIndex = 0;
      this.#siftDown(0);
    }
  }

  #siftUp(index: number): void {
    const heap = this.#heap;
    const item = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.key <= item.key) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = item;
    item.heapIndex = index;
  }

  #siftDown(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const item = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && heap[right]!.key < heap[left]!.key) child = right;
      const childItem = heap[child]!;
      if (childItem.key >= item.key) break;
      heap[index] = childItem;
      childItem.heapIndex = index;
      index = child;
    }
    heap[index] = item;
    item.heapIndex = index;
  }
}
