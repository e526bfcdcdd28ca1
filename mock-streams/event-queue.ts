/**
 * A binary min-heap of scheduled tasks ordered by time, then by insertion sequence, so that equal times pop
 * in a fixed order and the simulation stays deterministic. Tasks are long-lived objects that are re-pushed
 * with a new time instead of being reallocated.
 */
export interface Task {
  /** When the task runs, epoch ms (integer). */
  t: number;
  /** Tie-break, assigned on push. */
  seq: number;
  /** What to run; interpreted by the simulation. */
  kind: number;
  /** Device index, or another small integer the kind needs. */
  ref: number;
  /** Extra state for task kinds that need it (a case, a scenario). */
  data: unknown;
}

export class EventQueue {
  private readonly heap: Task[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** The next task, without removing it. */
  peek(): Task | undefined {
    return this.heap[0];
  }

  push(task: Task): void {
    task.seq = this.seq++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(task);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Task;
      if (p.t < task.t || (p.t === task.t && p.seq < task.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = task;
  }

  pop(): Task | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let child = heap[l] as Task;
      if (r < n) {
        const right = heap[r] as Task;
        if (right.t < child.t || (right.t === child.t && right.seq < child.seq)) {
          c = r;
          child = right;
        }
      }
      if (last.t < child.t || (last.t === child.t && last.seq < child.seq)) break;
      heap[i] = child;
      i = c;
    }
    heap[i] = last;
    return top;
  }
}
