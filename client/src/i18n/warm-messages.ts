/**
 * Every message of a locale compiled ahead of its first use, a few at a time while the page is idle.
 *
 * vue-i18n compiles a message the first time `t()` formats it (and V8 compiles vue-i18n's own compiler the first
 * time that runs). On the wall the first use came at the worst moment: a critical alert's takeover formats words
 * no panel had shown before ("for 12 s", "acknowledged by …"), and compiling them made that one task 20–30 ms
 * longer (bench/panels.ts, CPU profile). Compiled results are cached by vue-i18n, so formatting each message once
 * while nothing else is happening leaves only the formatting for later.
 */

/** The dotted keys of every string leaf of a message tree: `{ a: { b: 'x' } }` → `['a.b']`. */
export function messageKeys(tree: object, prefix = ''): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') keys.push(key);
    else if (v && typeof v === 'object') keys.push(...messageKeys(v as object, key));
  }
  return keys;
}

type Idle = (cb: (deadline: { timeRemaining(): number }) => void) => unknown;

/**
 * Calls `format(key)` for each key, in idle periods (`requestIdleCallback`, or 0-ms timeouts with a 4-ms budget
 * where there is none), never for longer than the period allows. Resolves with how many were formatted.
 */
export function warmMessages(
  keys: readonly string[],
  format: (key: string) => void,
  idle: Idle = typeof requestIdleCallback === 'function'
    ? (cb) => requestIdleCallback(cb, { timeout: 5_000 })
    : (cb) => setTimeout(() => {
        const end = performance.now() + 4;
        cb({ timeRemaining: () => end - performance.now() });
      }, 0),
): Promise<number> {
  let i = 0;
  return new Promise((resolve) => {
    const run = (deadline: { timeRemaining(): number }) => {
      do {
        try {
          format(keys[i]!);
        } catch {
          // A message that cannot be formatted without its arguments still got compiled; go on.
        }
        i++;
      } while (i < keys.length && deadline.timeRemaining() > 1);
      if (i < keys.length) idle(run);
      else resolve(i);
    };
    if (keys.length) idle(run);
    else resolve(0);
  });
}
