import { describeIssues, ingestEventSchema, type IngestEvent } from '../../protocol';
import { fastDeviceEvent } from './fast-device-event';

/** One refused line of an ingest body: where (1-based line or array index), which field, why. */
export interface LineError {
  line: number;
  path: string;
  message: string;
  reason: 'invalid_json' | 'invalid_event';
}

export interface ParsedBatch {
  events: IngestEvent[];
  /** For each event, the line (NDJSON) or 1-based array position it came from. */
  lines: number[];
  errors: LineError[];
  /** Lines that held anything (blank lines don't count). */
  total: number;
}

/**
 * Parses an ingest body: a JSON array of events, or NDJSON (one event per line). Every line is validated on
 * its own, so one bad line never loses the valid ones around it.
 */
export function parseEventBatch(text: string): ParsedBatch {
  const trimmed = text.trimStart();
  const out: ParsedBatch = { events: [], lines: [], errors: [], total: 0 };
  if (trimmed.startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(trimmed);
    } catch (err) {
      out.total = 1;
      out.errors.push({
        line: 1,
        path: '(body)',
        message: `not valid JSON: ${(err as Error).message}`,
        reason: 'invalid_json',
      });
      return out;
    }
    (items as unknown[]).forEach((item, i) => validateInto(out, item, i + 1));
    return out;
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (err) {
      out.total++;
      out.errors.push({
        line: i + 1,
        path: '(line)',
        message: `not valid JSON: ${(err as Error).message}`,
        reason: 'invalid_json',
      });
      continue;
    }
    validateInto(out, item, i + 1);
  }
  return out;
}

function validateInto(out: ParsedBatch, item: unknown, line: number): void {
  out.total++;
  const fast = fastDeviceEvent(item);
  if (fast) {
    out.events.push(fast);
    out.lines.push(line);
    return;
  }
  const parsed = ingestEventSchema.safeParse(item);
  if (parsed.success) {
    out.events.push(parsed.data);
    out.lines.push(line);
    return;
  }
  for (const issue of describeIssues(parsed.error)) {
    out.errors.push({ line, path: issue.path, message: issue.message, reason: 'invalid_event' });
  }
}
