/**
 * At most one pass per interval: `tryPass()` says whether work may run now; when it may not, `onDue` is called
 * once the interval has run out, so the caller can try again and the last change is never lost.
 */
export function createIntervalGate(intervalMs: number, onDue: () => void, now: () => number = () => performance.now()) {
  let passedAt = -Infinity;
  let due: ReturnType<typeof setTimeout> | undefined;
  return {
    tryPass(): boolean {
      const wait = passedAt + intervalMs - now();
      if (wait <= 0) {
        passedAt = now();
        return true;
      }
      due ??= setTimeout(() => {
        due = undefined;
        onDue();
      }, wait);
      return false;
    },
    /** The next `tryPass()` passes at once (a change that must not wait, such as another KPI). */
    open() {
      passedAt = -Infinity;
    },
    /** No `onDue` after this (the owner is going away). */
    stop() {
      clearTimeout(due);
      due = undefined;
    },
  };
}
