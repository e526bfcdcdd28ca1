import type { IngestEvent } from '../../protocol';
import { CliError, EXIT } from './cli-kit';

/** The token a fresh server accepts (config default), used when neither --token nor the env var is given. */
export const DEFAULT_TOKEN = 'gridpulse-local-ingest';

export interface IngestReply {
  accepted: number;
  duplicates: number;
  late: number;
  rejected: number;
}

/** Tries per request on a network error or a 5xx before giving up. */
const ATTEMPTS = 3;

/** A server's base URL, checked, without a trailing slash. */
export function serverUrl(text: string, option: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`${option}: "${text}" is not a URL (e.g. http://localhost:8080)`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`${option}: "${text}" must be an http:// or https:// URL`, EXIT.usage);
  return url.href.replace(/\/+$/, '');
}

export function ingestToken(option: string | undefined): string {
  return option ?? process.env.GRIDPULSE_INGEST_TOKEN ?? DEFAULT_TOKEN;
}

/** POSTs batches to /api/ingest and turns every failure into an error that says what and where. */
export class IngestClient {
  private readonly base: string;
  private readonly token: string;

  constructor(base: string, token: string | undefined) {
    this.base = serverUrl(base, '--to');
    this.token = ingestToken(token);
  }

  async send(events: readonly IngestEvent[]): Promise<IngestReply> {
    const body = events.map((e) => JSON.stringify(e)).join('\n') + '\n';
    const url = `${this.base}/api/ingest`;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/x-ndjson' },
          body,
        });
      } catch (err) {
        if (attempt < ATTEMPTS) {
          await new Promise((r) => setTimeout(r, 500 * attempt));
          continue;
        }
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        throw new CliError(
          `cannot reach ${url}: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
          EXIT.failed,
        );
      }
      if (res.status >= 500 && attempt < ATTEMPTS) {
        await new Promise((r) => setTimeout(r, 500 * attempt));
        continue;
      }
      const reply = (await res.json().catch(() => ({}))) as Partial<IngestReply> & { error?: { message?: string } };
      if (res.status === 401)
        throw new CliError(
          `${url}: 401 unauthorized: pass the server's ingest token with --token or GRIDPULSE_INGEST_TOKEN`,
          EXIT.failed,
        );
      if (res.status === 413)
        throw new CliError(`${url}: 413 batch too large for the server: use a smaller --batch`, EXIT.failed);
      if (res.status !== 200 && res.status !== 400)
        throw new CliError(`${url}: HTTP ${res.status}: ${reply.error?.message ?? res.statusText}`, EXIT.failed);
      return {
        accepted: reply.accepted ?? 0,
        duplicates: reply.duplicates ?? 0,
        late: reply.late ?? 0,
        rejected: reply.rejected ?? 0,
      };
    }
  }
}
