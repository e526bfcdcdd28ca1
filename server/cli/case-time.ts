/**
 * Times as case exports write them: ISO-8601, `yyyy-MM-dd HH:mm:ss` and friends, epoch seconds or ms.
 * A time without an offset is local time in `tz` (default Asia/Shanghai: Chinese case systems write naive
 * local times).
 */
export type TimeParser = (text: string) => number | string;

const TOKENS: Record<string, string> = {
  yyyy: '(\\d{4})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  dd: '(\\d{2})',
  d: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
  SSS: '(\\d{1,3})',
};
const TOKEN_RE = /yyyy|SSS|MM|M|dd|d|HH|H|mm|ss/g;
const FIELD = { yyyy: 0, MM: 1, M: 1, dd: 2, d: 2, HH: 3, H: 3, mm: 4, ss: 5, SSS: 6 } as const;
const NAIVE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Throws RangeError for an unknown IANA zone. */
export function checkTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
}

/**
 * A parser for `format`: `auto` (ISO with offset, naive `yyyy-MM-dd[ HH:mm[:ss]]` with - / or ., epoch s/ms),
 * `iso`, `epoch-s`, `epoch-ms`, or a pattern of yyyy MM M dd d HH H mm ss SSS and literal characters.
 * Returns epoch ms, or a message saying why the text is not a time.
 */
export function createTimeParser(format: string, tz: string): TimeParser {
  checkTimeZone(tz);
  const naive = (f: number[]) => zonedToUtc(f, tz);
  if (format === 'epoch-ms' || format === 'epoch-s') {
    const unit = format === 'epoch-s' ? 1000 : 1;
    return (text) => (/^\d+(\.\d+)?$/.test(text) ? Math.round(Number(text) * unit) : `"${text}" is not ${format}`);
  }
  if (format === 'iso')
    return (text) => (WITH_OFFSET.test(text) ? Date.parse(text) : `"${text}" is not ISO-8601 with an offset`);
  if (format === 'auto') {
    return (text) => {
      if (/^\d+(\.\d+)?$/.test(text)) {
        const n = Number(text);
        // Seconds since 1970 pass 1e11 only in the year 5138: above it, the number is milliseconds.
        return Math.round(n >= 1e11 ? n : n * 1000);
      }
      if (WITH_OFFSET.test(text)) return Date.parse(text);
      const m = NAIVE.exec(text);
      if (m)
        return checked(
          m.slice(1).map((x) => Number(x ?? 0)),
          text,
          naive,
        );
      return `cannot read "${text}" as a time (ISO-8601, yyyy-MM-dd HH:mm:ss or epoch); name the format with --date-format`;
    };
  }
  const order: number[] = [];
  const source = format.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(TOKEN_RE, (t) => {
    order.push(FIELD[t as keyof typeof FIELD]);
    return TOKENS[t]!;
  });
  if (!order.includes(0) || !order.includes(1) || !order.includes(2)) {
    throw new RangeError(`--date-format "${format}" needs at least yyyy, MM (or M) and dd (or d)`);
  }
  const re = new RegExp(`^${source}$`);
  return (text) => {
    const m = re.exec(text);
    if (!m) return `"${text}" does not match --date-format ${format}`;
    const fields = [0, 1, 1, 0, 0, 0, 0];
    order.forEach((field, i) => {
      fields[field] = Number(m[i + 1]);
    });
    return checked(fields, text, naive);
  };
}

function checked(f: number[], text: string, naive: (f: number[]) => number): number | string {
  const [y, mo, d, h = 0, mi = 0, s = 0] = f as [number, number, number, number?, number?, number?];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
    return `"${text}" is not a valid date and time`;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCDate() !== d) return `"${text}" is not a valid date`;
  return naive(f);
}

/** Local wall time in `tz` → epoch ms (DST-correct; a time in a DST gap moves forward). */
function zonedToUtc(f: number[], tz: string): number {
  const guess = Date.UTC(f[0]!, f[1]! - 1, f[2]!, f[3] ?? 0, f[4] ?? 0, f[5] ?? 0, f[6] ?? 0);
  const first = offsetAt(tz, guess);
  const t = guess - first;
  const second = offsetAt(tz, t);
  return second === first ? t : guess - second;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `tz` from UTC at instant `utc`, ms. */
function offsetAt(tz: string, utc: number): number {
  let dtf = formats.get(tz);
  if (!dtf) {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(tz, dtf);
  }
  const p: Record<string, number> = {};
  for (const part of dtf.formatToParts(new Date(utc))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return wall - Math.floor(utc / 1000) * 1000;
}
