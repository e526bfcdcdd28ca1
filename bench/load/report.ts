/**
 * Readings of a server node (/proc and /metrics) and the JSON lines the load benchmark prints from a run's results.
 */
import type { ClientProcReport } from './messages';
import type { ScreenKind } from './plan';
import { TICKS_PER_SECOND, type ServerNode } from './servers';
import {
  cpuPercent,
  deltaVsSnapshotPct,
  mergeSubscriptionBytes,
  metricSum,
  percentile,
  probeLatencies,
  type SubscriptionBytes,
} from './stats';

const KINDS: ScreenKind[] = ['wall', 'tablet', 'grid'];

export const round = (x: number, digits = 1) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : null);

const emit = (metric: string, value: number | null, unit: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ metric, value, unit, ...extra })}\n`);

/** What the run was asked to do (printed with every line). */
export interface RunInfo {
  scenario: string;
  nodes: number;
  /** Streets of the district (partitions of a cluster). */
  streets: number;
  clients: number;
  rate: number;
  hz: number;
  devices: number;
  tickMs: number;
  settleMs: number;
}

export interface NodeReading {
  cpuTicks: number;
  rssMb: number;
  heapMb: number;
  /** Hub ticks run so far and their summed wall time (s), frames sent: from /metrics. */
  ticks: number;
  tickSeconds: number;
  frames: number;
}

/** /proc first (it always answers); the rest from /metrics, which a swamped server may answer late or not at all. */
export async function readNode(node: ServerNode, log: (line: string) => void): Promise<NodeReading> {
  const cpuTicks = node.cpuTicks();
  const rssMb = node.rssMb();
  try {
    const m = await node.metrics();
    return {
      cpuTicks,
      rssMb,
      heapMb: metricSum(m, 'gridpulse_process_nodejs_heap_size_used_bytes') / 2 ** 20,
      ticks: metricSum(m, 'gridpulse_tick_duration_seconds_count'),
      tickSeconds: metricSum(m, 'gridpulse_tick_duration_seconds_sum'),
      frames: metricSum(m, 'gridpulse_frames_sent_total'),
    };
  } catch (err) {
    log(`load: ${node.name} /metrics: ${(err as Error).message} (heap and tick figures left out)`);
    return { cpuTicks, rssMb, heapMb: Number.NaN, ticks: Number.NaN, tickSeconds: Number.NaN, frames: Number.NaN };
  }
}

export interface Results {
  windowMs: number;
  windowStart: number;
  windowEnd: number;
  reports: ClientProcReport[];
  snapshots: Map<string, number>;
  acceptedAt: ReadonlyMap<number, number>;
  accepted: number;
  requests: number;
  failures: number;
  maxBacklog: number;
  nodes: ServerNode[];
  beforeClients: NodeReading[];
  afterClients: NodeReading[];
  w0: NodeReading[];
  w1: NodeReading[];
  peakRss: number[];
  metricsText: string[];
  generatorCpuMs: number;
  connectS: number;
  loadAtStart: (number | null)[];
  loadAtEnd: (number | null)[];
}

/** Prints the figures of a run as JSON lines (docs/BENCHMARKS.md "Load" defines each). */
export function reportFigures(r: Results, info: RunInfo): void {
  const {
    scenario,
    nodes: NODES,
    streets: STREETS,
    clients: CLIENTS,
    rate: RATE,
    hz: HZ,
    devices: DEVICES,
    tickMs: TICK_MS,
    settleMs: SETTLE_MS,
  } = info;
  const seconds = r.windowMs / 1000;
  const context = {
    scenario,
    nodes: NODES,
    streets: STREETS,
    clients: CLIENTS,
    rate: RATE,
    hz: HZ,
    devices: DEVICES,
    window_s: round(seconds),
    loadavg_start: r.loadAtStart,
    loadavg_end: r.loadAtEnd,
  };

  const window = { start: r.windowStart, end: r.windowEnd };
  const latencyByKind: Record<string, unknown> = {};
  const all: number[] = [];
  for (const kind of KINDS) {
    const xs = r.reports.flatMap((rep) => probeLatencies(rep.probes[kind], r.acceptedAt, window));
    if (xs.length === 0) continue;
    const sorted = Float64Array.from(xs).sort();
    latencyByKind[kind] = {
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      samples: xs.length,
    };
    for (const x of xs) all.push(x);
  }
  const sorted = Float64Array.from(all).sort();
  const probesInWindow = [...r.acceptedAt.values()].filter((t) => t >= window.start && t <= window.end).length;
  const latencyExtra = {
    samples: all.length,
    probes_in_window: probesInWindow,
    min: round(sorted[0] ?? NaN),
    max: round(sorted[sorted.length - 1] ?? NaN),
    by_kind: latencyByKind,
  };
  emit('load.latency_p50_ms', round(percentile(sorted, 50)), 'ms', { ...latencyExtra, ...context });
  emit('load.latency_p99_ms', round(percentile(sorted, 99)), 'ms', { ...latencyExtra, ...context });

  emit('load.events_per_s_achieved', Math.round(r.accepted / seconds), 'events/s', {
    requests: r.requests,
    failed_requests: r.failures,
    target: RATE,
    generator_backlog_max: r.maxBacklog,
    generator_cpu_pct: round((r.generatorCpuMs / r.windowMs) * 100),
    ...context,
  });

  const cpu = r.nodes.map((_, i) => cpuPercent(r.w0[i]!.cpuTicks, r.w1[i]!.cpuTicks, TICKS_PER_SECOND, seconds));
  // Tick figures over the window: how many ticks ran (4/s at 4 Hz if the server keeps up), their mean wall time
  // (waiting for a CPU included), and all server CPU per tick.
  const ticks = r.nodes.map((_, i) => {
    const n = r.w1[i]!.ticks - r.w0[i]!.ticks;
    return {
      ticks_per_s: round(n / seconds, 2),
      tick_ms_mean: round(((r.w1[i]!.tickSeconds - r.w0[i]!.tickSeconds) / n) * 1000, 1),
      cpu_ms_per_tick: round(((cpu[i]! / 100) * seconds * 1000) / n, 1),
      // What the node would use ticking at the target rate, if a tick kept costing this (all of the node's CPU is
      // counted per tick, ingest included: an over-estimate when events are many, fair for the fan-out scenario).
      cpu_pct_at_hz_projected: round(((((cpu[i]! / 100) * seconds * 1000) / n) * HZ) / 10, 1),
      frames_sent: r.w1[i]!.frames - r.w0[i]!.frames,
      rejected_total: metricSum(r.metricsText[i]!, 'gridpulse_rejected_total'),
    };
  });
  r.nodes.forEach((n, i) =>
    emit('load.server_cpu_pct', round(cpu[i]!), '% of one core', { node: n.name, ...ticks[i], ...context }),
  );
  if (NODES > 1)
    emit('load.server_cpu_pct', round(cpu.reduce((a, b) => a + b, 0)), '% of one core', { node: 'all', ...context });
  r.nodes.forEach((n, i) =>
    emit('load.server_rss_mb', round(r.w1[i]!.rssMb), 'MB', {
      node: n.name,
      peak: round(r.peakRss[i]!),
      before_clients: round(r.beforeClients[i]!.rssMb),
      heap_used_mb: round(r.w1[i]!.heapMb),
      ...context,
    }),
  );

  const perClientKb = (from: NodeReading[], to: NodeReading[], field: 'rssMb' | 'heapMb') =>
    round((r.nodes.reduce((sum, _, i) => sum + (to[i]![field] - from[i]![field]), 0) * 1024) / CLIENTS);
  emit('load.memory_per_client_kb', perClientKb(r.beforeClients, r.afterClients, 'rssMb'), 'KB', {
    how: `server RSS ${SETTLE_MS / 1000} s after the clients connected and subscribed to the fresh street, minus RSS before, summed over nodes, ÷ clients`,
    heap_used_per_client_kb: perClientKb(r.beforeClients, r.afterClients, 'heapMb'),
    rss_growth_to_window_end_per_client_kb: perClientKb(r.beforeClients, r.w1, 'rssMb'),
    connect_s: round(r.connectS),
    ...context,
  });

  const byKind: Record<string, unknown> = {};
  let bytes = 0;
  let clientsCounted = 0;
  let frames = 0;
  for (const kind of KINDS) {
    const t = r.reports.reduce(
      (a, rep) => ({
        clients: a.clients + rep.byKind[kind].clients,
        bytesIn: a.bytesIn + rep.byKind[kind].bytesIn,
        frames: a.frames + rep.byKind[kind].frames,
      }),
      { clients: 0, bytesIn: 0, frames: 0 },
    );
    if (t.clients === 0) continue;
    byKind[kind] = {
      clients: t.clients,
      bytes_per_client_s: Math.round(t.bytesIn / t.clients / seconds),
      frames_per_client_s: round(t.frames / t.clients / seconds, 2),
    };
    bytes += t.bytesIn;
    clientsCounted += t.clients;
    frames += t.frames;
  }
  emit('load.bytes_per_client_s', Math.round(bytes / clientsCounted / seconds), 'bytes/s', {
    by_kind: byKind,
    frames_per_client_s: round(frames / clientsCounted / seconds, 2),
    ...context,
  });

  const subs = mergeSubscriptionBytes(r.reports.map((rep) => rep.bySubscription));
  // A snapshot push "every tick" means every tick the server ran in the window (a starved server runs fewer than
  // hz × window): counted on the node(s) that sent frames, i.e. the aggregating owner in a cluster.
  const ticksRun = Math.max(
    ...r.nodes.map((_, i) => (r.w1[i]!.frames > r.w0[i]!.frames ? r.w1[i]!.ticks - r.w0[i]!.ticks : 0)),
  );
  const tickCount = Number.isFinite(ticksRun) && ticksRun > 0 ? ticksRun : r.windowMs / TICK_MS;
  const kindOf = (key: string): ScreenKind =>
    key.startsWith('*|') ? 'wall' : key.includes('cases') ? 'grid' : 'tablet';
  const deltaByKind: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const part: SubscriptionBytes[] = subs.filter((s) => kindOf(s.key) === kind);
    if (part.length === 0) continue;
    const snapBytes = part.map((s) => r.snapshots.get(s.key) ?? 0).sort((a, b) => a - b);
    deltaByKind[kind] = {
      pct: round(deltaVsSnapshotPct(part, r.snapshots, tickCount), 2),
      snapshot_bytes_median: snapBytes[Math.floor(snapBytes.length / 2)],
    };
  }
  emit('load.delta_vs_snapshot_pct', round(deltaVsSnapshotPct(subs, r.snapshots, tickCount), 2), '%', {
    by_kind: deltaByKind,
    ticks: Math.round(tickCount),
    ticks_at_hz: Math.round(r.windowMs / TICK_MS),
    ...context,
  });

  const sum = (f: (rep: ClientProcReport) => number) => r.reports.reduce((n, rep) => n + f(rep), 0);
  emit(
    'load.seq_gaps',
    sum((rep) => rep.gaps + rep.epochChanges),
    'count',
    {
      epoch_changes: sum((rep) => rep.epochChanges),
      duplicates: sum((rep) => rep.duplicates),
      disconnects: sum((rep) => rep.disconnects),
      subscribe_retries: sum((rep) => rep.subscribeRetries),
      by_node: Object.fromEntries(r.nodes.map((n) => [n.name, sum((rep) => rep.gapsByUrl[n.url] ?? 0)])),
      connected_at_end: sum((rep) => rep.connected),
      ...context,
    },
  );
  emit('load.client_cpu_pct', round((sum((rep) => rep.cpuMs) / r.windowMs) * 100), '% of one core', {
    procs: r.reports.length,
    ...context,
  });
  emit('load.clients', CLIENTS, 'count', context);
  emit('load.nodes', NODES, 'count', context);
}
