import { RecordingError, readRecording } from '../../../mock-streams/recording';
import type { IngestEvent, RecordingHeader } from '../../../protocol';
import { systemClock } from '../../pipeline/clock';
import { CliError, EXIT, parseCommandArgs, parseInteger, progressBar, type Command } from '../cli-kit';
import { DEFAULT_TOKEN, IngestClient } from '../ingest-client';

const help = `
Usage: gridpulse replay <recording.ndjson.gz> --to <url> [options]

Pushes a recording into a running server through POST /api/ingest, paced by event time at --speed ×.
Event times are shifted so the recording's first moment is "now" (use --keep-time to send them unchanged).

Options:
  --to <url>        server base URL, e.g. http://localhost:8080 (required)
  --speed <n|max>   pace: 1 = real time, 60 = an hour a minute, max = as fast as the server takes it (default 1)
  --loop            start again at the end, forever (Ctrl-C stops); each pass gets new event and case ids
                    (suffix ~L<n>) so deduplication does not swallow them, and times move on by one span
  --keep-time       keep the recorded event times (the server counts old ones as late)
  --batch <n>       events per request, at most (default 5000)
  --token <t>       ingest token (default $GRIDPULSE_INGEST_TOKEN or ${DEFAULT_TOKEN})
  -h, --help        this help

A speed above 1 makes event time run ahead of the server's clock: a live server windows events more than
5 minutes ahead by arrival time (counted as clock skew), so the day is compressed, not lost.

Example:
  gridpulse replay mock-streams/recordings/incident-day.ndjson.gz --to http://localhost:8080 --speed 60
`;

interface Totals {
  sent: number;
  accepted: number;
  duplicates: number;
  late: number;
  rejected: number;
  requests: number;
}

export const command: Command = {
  name: 'replay',
  summary: 'push a recording into a running server at N× speed',
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      to: { type: 'string' },
      speed: { type: 'string' },
      loop: { type: 'boolean' },
      'keep-time': { type: 'boolean' },
      batch: { type: 'string' },
      token: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const v = args.values;
    const file = args.positionals[0];
    if (!file)
      throw new CliError(
        'replay: name the recording to replay, e.g. gridpulse replay day.ndjson.gz --to http://localhost:8080',
        EXIT.usage,
      );
    if (args.positionals.length > 1)
      throw new CliError(`replay: unexpected argument "${args.positionals[1]}"`, EXIT.usage);
    if (!v.to)
      throw new CliError('replay: --to <url> is required (the server, e.g. http://localhost:8080)', EXIT.usage);
    const speed = parseSpeed(v.speed ?? '1');
    const batchSize = v.batch === undefined ? 5000 : parseInteger(v.batch, '--batch', 1, 100_000);
    const client = new IngestClient(v.to, v.token);

    const totals: Totals = { sent: 0, accepted: 0, duplicates: 0, late: 0, rejected: 0, requests: 0 };
    // The recorded day is shifted to start "now" on the real clock; sends are paced on a monotonic timer.
    const began = systemClock.now();
    const beganMono = performance.now();
    let stopped = false;
    const onSigint = () => {
      stopped = true;
    };
    process.once('SIGINT', onSigint);
    try {
      for (let pass = 0; !stopped; pass++) {
        const rec = await open(file);
        const span = Math.max(1, rec.header.end - rec.header.start);
        const shift = (v['keep-time'] ? 0 : began - rec.header.start) + pass * span;
        const passStart = performance.now();
        const bar = progressBar(pass === 0 ? 'replay' : `replay pass ${pass + 1}`, rec.header.events);
        let done = 0;
        let batch: IngestEvent[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const r = await client.send(batch);
          totals.sent += batch.length;
          totals.requests++;
          totals.accepted += r.accepted;
          totals.duplicates += r.duplicates;
          totals.late += r.late;
          totals.rejected += r.rejected;
          done += batch.length;
          bar.update(done);
          batch = [];
        };
        try {
          for await (const event of rec.events) {
            if (stopped) break;
            // Real ms after the pass began at which this event is due.
            const due = speed === Infinity ? 0 : (event.time - rec.header.start) / speed;
            const wait = passStart + due - performance.now();
            if (wait > 20) {
              await flush();
              const left = passStart + due - performance.now();
              if (left > 0) await sleep(left);
            }
            batch.push(relabel(event, shift, pass));
            if (batch.length >= batchSize) await flush();
          }
          await flush();
        } catch (err) {
          if (err instanceof RecordingError) throw new CliError(`replay: ${err.message}`, EXIT.badInput);
          throw err;
        } finally {
          bar.stop();
          rec.close();
        }
        if (!v.loop) break;
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    const seconds = (performance.now() - beganMono) / 1000;
    process.stdout.write(
      `replayed ${totals.sent} events in ${seconds.toFixed(1)} s (${Math.round(totals.sent / Math.max(seconds, 0.001))}/s, ${totals.requests} requests): ` +
        `${totals.accepted} accepted, ${totals.duplicates} duplicates, ${totals.late} late, ${totals.rejected} rejected\n`,
    );
    if (totals.rejected > 0) {
      process.stdout.write(
        'some events were refused by the server (see its /metrics gridpulse_rejected_total for reasons)\n',
      );
    }
    return EXIT.ok;
  },
};

async function open(
  file: string,
): Promise<{ header: RecordingHeader; events: AsyncIterable<IngestEvent>; close(): void }> {
  try {
    return await readRecording(file);
  } catch (err) {
    if (err instanceof RecordingError) throw new CliError(`replay: ${err.message}`, EXIT.badInput);
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new CliError(`replay: ${file}: no such file`, EXIT.usage);
    throw new CliError(`replay: ${file}: ${e.message}`, EXIT.failed);
  }
}

/** The event at its replay time; from the second pass on with new ids, so dedup keeps every pass. */
function relabel(event: IngestEvent, shift: number, pass: number): IngestEvent {
  const out = { ...event, time: event.time + shift };
  if (pass === 0) return out;
  out.id = `${event.id}~L${pass}`;
  if (out.kind === 'case.updated') out.caseId = `${out.caseId}~L${pass}`;
  return out;
}

function parseSpeed(text: string): number {
  if (text === 'max') return Infinity;
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0 && n <= 100_000))
    throw new CliError(`--speed: "${text}" must be a number above 0 (up to 100000) or max`, EXIT.usage);
  return n;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
