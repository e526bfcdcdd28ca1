import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, createGzip, type ZlibOptions } from 'node:zlib';
import type { District } from '../geo/district.types';
import {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  describeIssues,
  ingestEventSchema,
  recordingHeaderSchema,
  type IngestEvent,
  type RecordingHeader,
  type RecordingHeaderInput,
} from '../protocol';
import type { ScenarioSpec } from './scenarios';
import { createSimulation, type SimulationOptions } from './simulation';

/**
 * Recordings (DESIGN §6): gzip NDJSON, a header line, then one event per line in event-time order.
 * Files are deterministic: the same header and events give byte-identical files (fixed zlib settings, gzip
 * mtime 0, and the header's OS byte pinned to Unix so the platform that wrote it does not show).
 */
const GZIP_OPTIONS: ZlibOptions = { level: 9, memLevel: 9, strategy: constants.Z_DEFAULT_STRATEGY };
/** Byte 9 of a gzip member header is the OS that wrote it; zlib sets it per platform. 3 = Unix. */
const GZIP_OS_OFFSET = 9;
const GZIP_OS_UNIX = 3;
/** Lines are joined into chunks of about this many characters before compression (fewer stream writes). */
const CHUNK_CHARS = 1 << 18;

export type EventSource = AsyncIterable<IngestEvent> | Iterable<IngestEvent>;

/** A recording opened for reading: its validated header and its events, streamed. */
export interface OpenRecording {
  header: RecordingHeader;
  /** The events in file order; iterate once. */
  events: AsyncIterable<IngestEvent>;
  /** Releases the file when the events are not read to the end. */
  close(): void;
}

/** A recording that cannot be read, with the file and, where known, the line. */
export class RecordingError extends Error {
  override name = 'RecordingError';
}

/**
 * Writes a recording to `path` (through a temporary file, renamed at the end). Events must come in
 * event-time order inside [header.start, header.end). When `header.events` is given it must match the count;
 * when it is left out the count is filled in (the events are then compressed first into a second gzip member,
 * which every gzip reader concatenates).
 * @returns the header as written.
 */
export async function writeRecording(
  path: string,
  header: RecordingHeaderInput,
  events: EventSource,
): Promise<RecordingHeader> {
  const tmp = `${path}.${process.pid}.tmp`;
  const eventsTmp = `${path}.${process.pid}.events.tmp`;
  const base = { ...header, format: RECORDING_FORMAT, version: RECORDING_VERSION } as const;
  let count = 0;
  const lines = (): AsyncGenerator<string> =>
    eventLines(events, header.start, header.end, () => {
      count++;
    });
  try {
    if (header.events !== undefined) {
      const full = checkHeader({ ...base, events: header.events }, path);
      await gzipTo(tmp, prepend(`${JSON.stringify(full)}\n`, lines()));
      if (count !== full.events) throw new RecordingError(`${path}: header says ${full.events} events, got ${count}`);
      await rename(tmp, path);
      return full;
    }
    await gzipTo(eventsTmp, lines());
    const full = checkHeader({ ...base, events: count }, path);
    await gzipTo(tmp, prepend(`${JSON.stringify(full)}\n`, noLines()));
    await pipeline(createReadStream(eventsTmp), createWriteStream(tmp, { flags: 'a' }));
    await rename(tmp, path);
    return full;
  } finally {
    await rm(tmp, { force: true });
    await rm(eventsTmp, { force: true });
  }
}

/**
 * Opens a recording: checks it is gzip, reads and validates the header (clear errors for a wrong format or
 * version), and streams the events. With `validate`, every event is checked against the ingest schema too.
 */
export async function readRecording(path: string, opts: { validate?: boolean } = {}): Promise<OpenRecording> {
  const handle = await open(path, 'r');
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    if (bytesRead < 2 || magic[0] !== 0x1f || magic[1] !== 0x8b) {
      throw new RecordingError(`${path}: not a GridPulse recording (expected a gzip file)`);
    }
  } finally {
    await handle.close();
  }
  const file = createReadStream(path);
  const gunzip = createGunzip();
  file.pipe(gunzip);
  file.on('error', (err) => gunzip.destroy(err));
  const rl = createInterface({ input: gunzip, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  const close = (): void => {
    rl.close();
    gunzip.destroy();
    file.destroy();
  };
  let header: RecordingHeader;
  try {
    const first = await lines.next();
    if (first.done === true) throw new RecordingError(`${path}: empty recording (no header line)`);
    header = parseHeader(first.value, path);
  } catch (err) {
    close();
    throw wrapGzipError(err, path);
  }
  const validate = opts.validate === true;
  async function* events(): AsyncGenerator<IngestEvent> {
    let lineNo = 1;
    try {
      for (;;) {
        const next = await lines.next();
        if (next.done === true) return;
        lineNo++;
        if (next.value.length === 0) continue;
        let value: unknown;
        try {
          value = JSON.parse(next.value);
        } catch {
          throw new RecordingError(`${path}:${lineNo}: not valid JSON`);
        }
        if (!validate) {
          yield value as IngestEvent;
          continue;
        }
        const parsed = ingestEventSchema.safeParse(value);
        if (!parsed.success) {
          const why = describeIssues(parsed.error)
            .map((i) => `${i.path}: ${i.message}`)
            .join('; ');
          throw new RecordingError(`${path}:${lineNo}: invalid event (${why})`);
        }
        yield parsed.data;
      }
    } catch (err) {
      throw wrapGzipError(err, path);
    } finally {
      close();
    }
  }
  return { header, events: events(), close };
}

export interface GenerateRecordingOptions {
  seed: number;
  district: District;
  /** Epoch ms of the first event time. */
  start: number;
  durationMs: number;
  /** Output path (`.ndjson.gz`). */
  out: string;
  deviceCount?: number;
  rate?: number;
  scenarios?: ScenarioSpec[];
  /** Written to the header; default `gridpulse/mock-streams`. */
  createdBy?: string;
}

/** Events per simulation step: bounds memory whatever the rate. */
const EVENTS_PER_STEP = 200_000;

/**
 * Simulates `durationMs` from `start` and writes it as a recording. Runs the (deterministic) simulation twice:
 * once to count the events for the header, once to write them, so the file is one gzip member.
 * `onProgress(done, total)` reports simulated milliseconds over both passes.
 */
export async function generateRecording(
  opts: GenerateRecordingOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<RecordingHeader> {
  const { start, durationMs } = opts;
  if (!(Number.isInteger(durationMs) && durationMs > 0))
    throw new RangeError(`durationMs must be a positive integer, got ${durationMs}`);
  const end = start + durationMs;
  const simOptions: SimulationOptions = { seed: opts.seed, district: opts.district, start };
  if (opts.deviceCount !== undefined) simOptions.deviceCount = opts.deviceCount;
  if (opts.rate !== undefined) simOptions.rate = opts.rate;
  if (opts.scenarios !== undefined) simOptions.scenarios = opts.scenarios;
  const counting = createSimulation(simOptions);
  const step = Math.max(1000, Math.min(3_600_000, Math.round((EVENTS_PER_STEP / counting.expectedRate) * 1000)));
  const total = 2 * durationMs;
  let count = 0;
  for (let t = start; t < end;) {
    t = Math.min(end, t + step);
    count += counting.advance(t).length;
    onProgress?.(t - start, total);
  }
  const sim = createSimulation(simOptions);
  function* events(): Generator<IngestEvent> {
    for (let t = start; t < end;) {
      t = Math.min(end, t + step);
      yield* sim.advance(t);
      onProgress?.(durationMs + t - start, total);
    }
  }
  const header: RecordingHeaderInput = {
    seed: opts.seed,
    start,
    end,
    district: opts.district.code,
    createdBy: opts.createdBy ?? 'gridpulse/mock-streams',
    events: count,
    deviceCount: sim.devices.length,
    rate: Math.round(sim.expectedRate * 1000) / 1000,
    scenarios: sim.scenarios.map((s) => ({ ...s })),
    heartbeatS: { ...sim.heartbeatS },
  };
  return writeRecording(opts.out, header, events());
}

function parseHeader(line: string, path: string): RecordingHeader {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new RecordingError(`${path}: not a GridPulse recording (the first line is not a JSON header)`);
  }
  const v = value as { format?: unknown; version?: unknown } | null;
  if (typeof v !== 'object' || v === null || v.format !== RECORDING_FORMAT) {
    throw new RecordingError(
      `${path}: not a GridPulse recording (header format is ${JSON.stringify(v?.format)}, expected "${RECORDING_FORMAT}")`,
    );
  }
  if (v.version !== RECORDING_VERSION) {
    throw new RecordingError(
      `${path}: unsupported recording version ${JSON.stringify(v.version)} (this build reads version ${RECORDING_VERSION})`,
    );
  }
  return checkHeader(value, path);
}

function checkHeader(value: unknown, path: string): RecordingHeader {
  const parsed = recordingHeaderSchema.safeParse(value);
  if (!parsed.success) {
    const why = describeIssues(parsed.error)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new RecordingError(`${path}: invalid recording header (${why})`);
  }
  return parsed.data;
}

function wrapGzipError(err: unknown, path: string): unknown {
  if (err instanceof RecordingError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR')
    return new RecordingError(`${path}: corrupt or truncated gzip data`);
  return err;
}

async function* eventLines(
  events: EventSource,
  start: number,
  end: number,
  counted: () => void,
): AsyncGenerator<string> {
  let batch = '';
  let last = -Infinity;
  let index = 0;
  for await (const e of events) {
    if (e.time < last) throw new RecordingError(`event ${index} (${e.id}) is out of time order: ${e.time} < ${last}`);
    if (e.time < start || e.time >= end)
      throw new RecordingError(`event ${index} (${e.id}) time ${e.time} is outside [${start}, ${end})`);
    last = e.time;
    index++;
    counted();
    batch += `${JSON.stringify(e)}\n`;
    if (batch.length >= CHUNK_CHARS) {
      yield batch;
      batch = '';
    }
  }
  if (batch.length > 0) yield batch;
}

async function* prepend(first: string, rest: AsyncIterable<string>): AsyncGenerator<string> {
  yield first;
  yield* rest;
}

async function* noLines(): AsyncGenerator<string> {}

async function gzipTo(path: string, chunks: AsyncIterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks), createGzip(GZIP_OPTIONS), pinOsByte(), createWriteStream(path));
}

/** Rewrites the OS byte of the gzip header (the stream's first bytes), so files do not depend on the platform. */
function pinOsByte(): Transform {
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      let out = chunk;
      if (offset <= GZIP_OS_OFFSET && offset + chunk.length > GZIP_OS_OFFSET) {
        out = Buffer.from(chunk);
        out[GZIP_OS_OFFSET - offset] = GZIP_OS_UNIX;
      }
      offset += chunk.length;
      done(null, out);
    },
  });
}
