/**
 * The feed side of the load benchmark: NDJSON POSTs to /api/ingest at a steady rate, in batches every
 * `batchMs`, spread round-robin over the nodes, with probe events mixed in. A probe is a telemetry event of a
 * probe device whose event time is unique (it comes back to clients as the device's `lastSeen`) and which
 * moves the device, so the device is sent in the next delta; the time its POST was answered is recorded.
 */
import type { IngestEvent } from '../../protocol';
import type { ProbeSite } from './plan';

export interface IngestTarget {
  url: string;
}

export interface IngestDriverOptions {
  nodes: readonly IngestTarget[];
  token: string;
  /** Events per second, probes included. */
  rate: number;
  batchMs: number;
  /** Each probe device gets a probe this often. */
  probeEveryMs: number;
  probes: readonly ProbeSite[];
  /** The realistic event mix (bench/support/event-mix.ts). */
  next: () => IngestEvent;
  /** Requests in flight per node before batches wait (the backlog then grows, and the achieved rate shows it). */
  maxInFlightPerNode?: number;
  /** Largest batch, events (a batch that fell behind is not allowed to grow past this). */
  maxBatch?: number;
}

export interface IngestDriver {
  start(): void;
  stop(): Promise<void>;
  /** Events accepted so far (from the ingest answers). */
  readonly accepted: number;
  readonly requests: number;
  readonly failures: number;
  readonly firstFailure: string | undefined;
  /** Probe time → epoch ms when the POST that carried it was answered (200, event accepted). */
  readonly probeAcceptedAt: ReadonlyMap<number, number>;
  /** Events generated but not yet sent because every node had its requests in flight. */
  readonly backlog: number;
}

interface IngestAnswer {
  accepted?: number;
  rejected?: number;
  errors?: { line: number; message: string }[];
}

export async function postNdjson(url: string, token: string, body: string): Promise<IngestAnswer> {
  const res = await fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}/api/ingest answered ${res.status}: ${text.slice(0, 300)}`);
  const answer = JSON.parse(text) as IngestAnswer;
  if (answer.rejected)
    throw new Error(
      `POST ${url}/api/ingest rejected ${answer.rejected} event(s): ${JSON.stringify(answer.errors?.slice(0, 3))}`,
    );
  return answer;
}

export function createIngestDriver(opts: IngestDriverOptions): IngestDriver {
  const maxInFlight = opts.maxInFlightPerNode ?? 4;
  // Like a real feed, a sender that fell behind sends more requests, not bigger ones: the server's loop never
  // blocks on one huge body (ingest is synchronous in the request), and the backlog shows what was not taken.
  const maxBatch = opts.maxBatch ?? 5_000;
  const probesPerBatch = Math.min(
    opts.probes.length,
    Math.ceil((opts.probes.length * opts.batchMs) / opts.probeEveryMs),
  );
  const inFlight = new Array<number>(opts.nodes.length).fill(0);
  const pending = new Set<Promise<void>>();
  const probeAcceptedAt = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let t0 = 0;
  let generated = 0;
  let accepted = 0;
  let requests = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  let nodeTurn = 0;
  let probeTurn = 0;
  let probeSeq = 0;
  let lastProbeTime = 0;
  let backlog = 0;

  function probeEvents(): { lines: string; times: number[] } {
    let lines = '';
    const times: number[] = [];
    for (let k = 0; k < probesPerBatch; k++) {
      const turn = probeTurn++;
      const site = opts.probes[turn % opts.probes.length]!;
      // Unique and increasing: the time is how clients tell one probe from another.
      const time = (lastProbeTime = Math.max(Date.now(), lastProbeTime + 1));
      // Each round over the sites flips every device to its other position, so the probe is a change to send.
      const [lon, lat] = site.positions[Math.floor(turn / opts.probes.length) % 2]!;
      const e: IngestEvent = {
        v: 1,
        kind: 'device.telemetry',
        id: `probe-${probeSeq++}`,
        source: 'bench-probe',
        time,
        deviceId: site.deviceId,
        deviceType: 'power',
        lon,
        lat,
        metrics: { kwh: 0 },
      };
      lines += `${JSON.stringify(e)}\n`;
      times.push(time);
    }
    return { lines, times };
  }

  function send(node: number, body: string, events: number, probeTimes: number[]): void {
    inFlight[node]!++;
    requests++;
    const p = postNdjson(opts.nodes[node]!.url, opts.token, body)
      .then((answer) => {
        const at = Date.now();
        accepted += answer.accepted ?? 0;
        for (const t of probeTimes) probeAcceptedAt.set(t, at);
        if ((answer.accepted ?? 0) < events)
          throw new Error(`${events - (answer.accepted ?? 0)} of ${events} events not accepted (duplicates?)`);
      })
      .catch((err: unknown) => {
        failures++;
        const e = err as Error & { cause?: { message?: string; code?: string } };
        firstFailure ??= e.cause ? `${e.message} (${e.cause.code ?? ''} ${e.cause.message ?? ''})` : e.message;
      })
      .finally(() => {
        inFlight[node]!--;
        pending.delete(p);
      });
    pending.add(p);
  }

  function tick(): void {
    const due = Math.floor((opts.rate * (performance.now() - t0)) / 1000) - generated;
    if (due <= 0) return;
    // The next node with room, round-robin: with two nodes each gets every other batch.
    let node = -1;
    for (let k = 0; k < opts.nodes.length; k++) {
      const candidate = (nodeTurn + k) % opts.nodes.length;
      if (inFlight[candidate]! < maxInFlight) {
        node = candidate;
        break;
      }
    }
    if (node < 0) {
      backlog = due;
      return;
    }
    nodeTurn = node + 1;
    const probes = probeEvents();
    const n = Math.max(0, Math.min(due, maxBatch) - probes.times.length);
    let body = probes.lines;
    for (let i = 0; i < n; i++) body += `${JSON.stringify(opts.next())}\n`;
    const events = n + probes.times.length;
    generated += events;
    backlog = Math.max(0, due - events);
    send(node, body, events, probes.times);
  }

  return {
    start() {
      if (timer) return;
      t0 = performance.now();
      timer = setInterval(tick, opts.batchMs);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...pending]);
    },
    get accepted() {
      return accepted;
    },
    get requests() {
      return requests;
    },
    get failures() {
      return failures;
    },
    get firstFailure() {
      return firstFailure;
    },
    get probeAcceptedAt() {
      return probeAcceptedAt;
    },
    get backlog() {
      return backlog;
    },
  };
}

/** Sends every event once, `batch` per request, `inFlight` requests at a time per node (used to prime device state). */
export async function sendAll(
  nodes: readonly IngestTarget[],
  token: string,
  events: readonly IngestEvent[],
  batch: number,
  inFlight: number,
): Promise<number> {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batch) {
    let body = '';
    for (const e of events.slice(i, i + batch)) body += `${JSON.stringify(e)}\n`;
    bodies.push(body);
  }
  let next = 0;
  let accepted = 0;
  const worker = async (node: number) => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      accepted += (await postNdjson(nodes[node]!.url, token, body)).accepted ?? 0;
    }
  };
  await Promise.all(nodes.flatMap((_, node) => Array.from({ length: inFlight }, () => worker(node))));
  return accepted;
}
