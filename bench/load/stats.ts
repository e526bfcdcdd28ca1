/**
 * Pure arithmetic of the load benchmark: percentiles, /proc parsing, engine-packet byte accounting and the
 * delta-versus-snapshot ratio. No I/O, no clock, so it is unit-tested (stats.test.ts).
 */

/** Nearest-rank percentile (p in 0..100) of an ascending array; NaN for an empty one. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(xs: readonly number[]): number {
  return percentile(Float64Array.from(xs).sort(), 50);
}

/** utime + stime of a process, in clock ticks, from the text of /proc/<pid>/stat. */
export function cpuTicksOf(statText: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so fields 14 (utime) and 15 (stime) are rest[11] and rest[12].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cannot read utime/stime from /proc stat: ${statText.slice(0, 80)}`);
  return utime + stime;
}

/** Resident set size in MiB from the text of /proc/<pid>/status (the VmRSS line, in kB). */
export function rssMbOf(statusText: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(statusText);
  if (!m) throw new Error('no VmRSS line in /proc status');
  return Number(m[1]) / 1024;
}

/** CPU use in % of one core between two readings of utime + stime. */
export function cpuPercent(ticksBefore: number, ticksAfter: number, ticksPerSecond: number, seconds: number): number {
  return ((ticksAfter - ticksBefore) / ticksPerSecond / seconds) * 100;
}

/**
 * Bytes an Engine.IO message packet took on the WebSocket: the UTF-8 length of its Socket.IO payload plus the
 * one-character Engine.IO packet type that the client strips before handing the payload on.
 */
export function packetBytes(data: string | ArrayBuffer | Uint8Array): number {
  if (typeof data === 'string') return Buffer.byteLength(data, 'utf8') + 1;
  return data.byteLength + 1;
}

/** The Socket.IO encoding of a `scope:changed` event starts with this (packet type 2 = EVENT, default namespace). */
const DELTA_PREFIX = '2["scope:changed"';

export function isDeltaPacket(data: unknown): boolean {
  return typeof data === 'string' && data.startsWith(DELTA_PREFIX);
}

/** Delta bytes that the clients of one subscription received in the window, and how many clients that was. */
export interface SubscriptionBytes {
  key: string;
  clients: number;
  deltaBytes: number;
}

/**
 * Delta bytes received as a % of what pushing a full snapshot of the same subscriptions every tick would
 * have cost: Σ delta bytes ÷ Σ (snapshot bytes of the subscription × its clients × ticks in the window).
 * Subscriptions whose snapshot size is unknown are left out of both sides.
 */
export function deltaVsSnapshotPct(
  subs: readonly SubscriptionBytes[],
  snapshotBytes: ReadonlyMap<string, number>,
  ticks: number,
): number {
  let delta = 0;
  let full = 0;
  for (const s of subs) {
    const snap = snapshotBytes.get(s.key);
    if (snap === undefined) continue;
    delta += s.deltaBytes;
    full += snap * s.clients * ticks;
  }
  return full === 0 ? Number.NaN : (delta / full) * 100;
}

/** Adds per-subscription byte tallies from several client processes. */
export function mergeSubscriptionBytes(parts: readonly (readonly SubscriptionBytes[])[]): SubscriptionBytes[] {
  const byKey = new Map<string, SubscriptionBytes>();
  for (const part of parts) {
    for (const s of part) {
      const m = byKey.get(s.key);
      if (m) {
        m.clients += s.clients;
        m.deltaBytes += s.deltaBytes;
      } else byKey.set(s.key, { ...s });
    }
  }
  return [...byKey.values()];
}

/**
 * Latency samples (ms) of probe receptions: each reception is [probe time, receive time]; a probe's latency is
 * its receive time minus the time its POST was answered. Receptions of unknown probes, or of probes whose POST
 * was answered outside the steady window, are skipped.
 */
export function probeLatencies(
  receptions: ArrayLike<number>,
  acceptedAt: ReadonlyMap<number, number>,
  window: { start: number; end: number },
): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < receptions.length; i += 2) {
    const accepted = acceptedAt.get(receptions[i]!);
    if (accepted === undefined || accepted < window.start || accepted > window.end) continue;
    out.push(receptions[i + 1]! - accepted);
  }
  return out;
}

/** Sum of a Prometheus counter or gauge over all its label sets, from /metrics text; 0 when absent. */
export function metricSum(text: string, name: string): number {
  let sum = 0;
  const re = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$`, 'gm');
  for (const m of text.matchAll(re)) {
    const v = Number(m[1]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}
