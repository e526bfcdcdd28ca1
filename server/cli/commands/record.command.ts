import { writeRecording } from '../../../mock-streams/recording';
import type { IngestEvent } from '../../../protocol';
import { CliError, EXIT, parseCommandArgs, parseDuration, parseInteger, progressBar, type Command } from '../cli-kit';
import { DEFAULT_TOKEN, ingestToken, serverUrl } from '../ingest-client';

const help = `
Usage: gridpulse record --from <url> --out <file.ndjson.gz> [options]

Records a running server's merged stream (every accepted event of every feed, from GET /api/stream) into a
recording, until Ctrl-C or --duration. Events are put in event-time order before writing.

Options:
  --from <url>        server base URL, e.g. http://localhost:8080 (required)
  --out <file>        recording to write, .ndjson.gz (required)
  --duration <d>      stop after this much real time: 30s, 10m, 1h (default: until Ctrl-C)
  --max-events <n>    stop when this many events are held (they are sorted in memory; default 2000000)
  --token <t>         ingest token (default $GRIDPULSE_INGEST_TOKEN or ${DEFAULT_TOKEN})
  -h, --help          this help

Example:
  gridpulse record --from http://localhost:8080 --out live.ndjson.gz --duration 10m
`;

export const command: Command = {
  name: 'record',
  summary: "record a running server's merged stream into a recording",
  help,
  async run(argv) {
    const args = parseCommandArgs(command, argv, {
      from: { type: 'string' },
      out: { type: 'string' },
      duration: { type: 'string' },
      'max-events': { type: 'string' },
      token: { type: 'string' },
    });
    if (!args) return EXIT.ok;
    const v = args.values;
    if (args.positionals.length > 0)
      throw new CliError(`record: unexpected argument "${args.positionals[0]}"`, EXIT.usage);
    if (!v.from)
      throw new CliError('record: --from <url> is required (the server, e.g. http://localhost:8080)', EXIT.usage);
    if (!v.out) throw new CliError('record: --out <file> is required', EXIT.usage);
    const base = serverUrl(v.from, '--from');
    const durationMs = v.duration === undefined ? undefined : parseDuration(v.duration, '--duration');
    const maxEvents =
      v['max-events'] === undefined ? 2_000_000 : parseInteger(v['max-events'], '--max-events', 1, 50_000_000);
    const token = ingestToken(v.token);

    const district = await districtCode(base, token);
    const abort = new AbortController();
    const url = `${base}/api/stream`;
    let res: Response;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new CliError(`cannot reach ${url}: ${cause?.code ?? (err as Error).message}`, EXIT.failed);
    }
    if (res.status === 401)
      throw new CliError(
        `${url}: 401 unauthorized: pass the server's ingest token with --token or GRIDPULSE_INGEST_TOKEN`,
        EXIT.failed,
      );
    if (!res.ok || !res.body) throw new CliError(`${url}: HTTP ${res.status}`, EXIT.failed);

    process.stderr.write(`recording ${url}${durationMs === undefined ? ' until Ctrl-C' : ` for ${v.duration}`} …\n`);
    const began = performance.now();
    const events: IngestEvent[] = [];
    let why = 'stopped';
    const stop = (reason: string) => {
      why = reason;
      abort.abort();
    };
    const onSigint = () => stop('Ctrl-C');
    process.once('SIGINT', onSigint);
    const timer =
      durationMs === undefined ? undefined : setTimeout(() => stop(`--duration ${v.duration} reached`), durationMs);
    const bar = progressBar('record', durationMs ?? maxEvents);
    const ticker = setInterval(
      () => bar.update(durationMs === undefined ? events.length : Math.min(durationMs, performance.now() - began)),
      500,
    );
    let serverError: string | undefined;
    try {
      const decoder = new TextDecoder();
      let rest = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        rest += decoder.decode(chunk, { stream: true });
        const lines = rest.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '') continue;
          const value = JSON.parse(line) as IngestEvent | { error?: { message?: string } };
          if ('error' in value && value.error) {
            serverError = value.error.message ?? 'stream error';
            continue;
          }
          events.push(value as IngestEvent);
        }
        if (events.length >= maxEvents) stop(`--max-events ${maxEvents} reached`);
      }
      if (!abort.signal.aborted)
        why = serverError ? `server ended the stream: ${serverError}` : 'server ended the stream';
    } catch (err) {
      if (!abort.signal.aborted) {
        why = `connection lost: ${(err as Error).message}`;
      }
    } finally {
      clearInterval(ticker);
      if (timer) clearTimeout(timer);
      process.off('SIGINT', onSigint);
      bar.stop();
    }

    // Stable sort: events of equal time keep their arrival order.
    events.sort((a, b) => a.time - b.time);
    const start = events.length > 0 ? events[0]!.time : began;
    const end = events.length > 0 ? events[events.length - 1]!.time + 1 : began;
    try {
      await writeRecording(
        v.out,
        { start, end, district, createdBy: 'gridpulse record', events: events.length },
        events,
      );
    } catch (err) {
      throw new CliError(`record: cannot write ${v.out}: ${(err as Error).message}`, EXIT.failed);
    }
    process.stdout.write(
      `${why}: recorded ${events.length} events in ${((performance.now() - began) / 1000).toFixed(1)} s into ${v.out}\n`,
    );
    return serverError ? EXIT.failed : EXIT.ok;
  },
};

async function districtCode(base: string, token: string): Promise<string> {
  const url = `${base}/api/geo/district`;
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { code?: string };
    if (res.ok && body.code) return body.code;
    throw new Error(`HTTP ${res.status}`);
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    throw new CliError(`cannot read the district from ${url}: ${cause?.code ?? (err as Error).message}`, EXIT.failed);
  }
}
