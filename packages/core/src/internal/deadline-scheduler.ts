import { now } from './clock.js';

/**
 * What the scheduler needs of a node: its start time (`enqueuedAt`, ms from `performance.now()`) and the
 * links of its per-timeout list, which live on the node itself. Its deadline is `enqueuedAt + timeout`.
 */
export interface DeadlineNode {
  readonly enqueuedAt: number;
  deadlinePrevious: DeadlineNode | undefined;
  deadlineNext: DeadlineNode | undefined;
  deadlineList: DeadlineList | undefined;
}

/** The nodes of one timeout value, in arrival order (so their deadlines ascend). */
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

/**
 * One timer for the nearest deadline of many nodes, in the shape of Node's own timers: nodes with the
 * same timeout form one FIFO list (append and removal O(1)); a min-heap orders the lists by their
 * earliest deadline. A list leaves the heap and the map as soon as it empties, so retained memory is
 * proportional to the scheduled nodes whatever the number of distinct timeout values. Heap keys may be
 * stale-early after a head is removed; a fire fixes them lazily.
 */
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

  /** Number of scheduled nodes. */
  get size(): number {
    return this.#size;
  }

  /** Number of per-timeout lists held (each holds at least one node). */
  get listCount(): number {
    return this.#heap.length;
  }

  /** Schedules `node` to expire `timeout` ms (finite, > 0) after its `enqueuedAt`. */
  add(node: DeadlineNode, timeout: number): void {
    const deadline = node.enqueuedAt + timeout;
    let list = this.#lists.get(timeout);
    if (list === undefined) {
      list = new DeadlineList(timeout);
      this.#lists.set(timeout, list);
    }
    node.deadlineList = list;
    node.deadlineNext = undefined;
    node.deadlinePrevious = list.tail;
    this.#size++;
    if (list.tail === undefined) {
      list.head = node;
      list.key = deadline;
      this.#heapPush(list);
    } else {
      list.tail.deadlineNext = node;
    }
    list.tail = node;
    if (deadline < this.#armedAt) this.#arm(deadline);
  }

  /** Cancels the deadline of `node`; O(1) unless its list empties (then O(log lists)). */
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
    else if (list.head === undefined) this.#dropList(list);
  }

  /** Unlinks every node and drops every list and the timer. */
  clear(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#size = 0;
    for (const list of this.#heap) {
      for (let node = list.head; node !== undefined; ) {
        const next = node.deadlineNext;
        node.deadlineList = undefined;
        node.deadlinePrevious = undefined;
        node.deadlineNext = undefined;
        node = next;
      }
      list.head = undefined;
      list.tail = undefined;
      list.heapIndex = -1;
    }
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
    try {
      for (;;) {
        const list = this.#heap[0];
        if (list === undefined || list.key > current) break;
        const head = list.head!;
        const deadline = head.enqueuedAt + list.timeout;
        if (deadline <= current) {
          this.remove(head);
          this.#onExpired(head);
          continue;
        }
        list.key = deadline;
        this.#siftDown(0);
      }
    } finally {
      // Re-armed even if a callback threw, so the other nodes still expire.
      const next = this.#heap[0];
      if (next !== undefined && next.key < this.#armedAt) this.#arm(next.key);
    }
  };

  /** Takes an emptied list out of the map and the heap, restoring the heap order. */
  #dropList(list: DeadlineList): void {
    this.#lists.delete(list.timeout);
    const heap = this.#heap;
    const index = list.heapIndex;
    const last = heap.pop()!;
    list.heapIndex = -1;
    if (last === list) return;
    heap[index] = last;
    last.heapIndex = index;
    if (index > 0 && heap[(index - 1) >> 1]!.key > last.key) this.#siftUp(index);
    else this.#siftDown(index);
  }

  #heapPush(list: DeadlineList): void {
    list.heapIndex = this.#heap.length;
    this.#heap.push(list);
    this.#siftUp(list.heapIndex);
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
