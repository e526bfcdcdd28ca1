/**
 * Locale-aware numbers for the screens (Intl, cached: panels format on every frame). A missing value is
 * shown as an em dash, never as 0.
 */
export const NO_VALUE = '—';

const cache = new Map<string, Intl.NumberFormat>();

function nf(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

const missing = (n: number | null | undefined): n is null | undefined => n === null || n === undefined || !Number.isFinite(n);

/** A count with grouping: 12,345. */
export function formatCount(n: number | null | undefined, locale: string): string {
  return missing(n) ? NO_VALUE : nf(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A number with up to `digits` decimals: 3.4. */
export function formatDecimal(n: number | null | undefined, locale: string, digits = 1): string {
  return missing(n) ? NO_VALUE : nf(locale, { maximumFractionDigits: digits }).format(n);
}

/** A ratio 0..1 as a percentage with fixed decimals: 0.8 → 80.0%. */
export function formatPercent(ratio: number | null | undefined, locale: string, digits = 1): string {
  return missing(ratio)
    ? NO_VALUE
    : nf(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

/** A change ratio with its sign: 0.12 → +12%, -0.05 → -5%, 0 → 0%. */
export function formatSignedPercent(ratio: number | null | undefined, locale: string): string {
  return missing(ratio)
    ? NO_VALUE
    : nf(locale, { style: 'percent', maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(ratio);
}

/** A value and its unit, apart, so a panel can set the numeral large and the unit small. */
export interface ValueWithUnit {
  value: string;
  unit: string;
}

/**
 * A duration as hours (from one hour up, one decimal) or whole minutes, in the locale's words:
 * 5.2 小时 / 5.2 hr, 45 分钟 / 45 min.
 */
export function formatDuration(ms: number | null | undefined, locale: string): ValueWithUnit {
  if (missing(ms)) return { value: NO_VALUE, unit: '' };
  const hours = ms / 3_600_000;
  const [n, unit, digits] = hours >= 1 ? [hours, 'hour', 1] : [Math.round(ms / 60_000), 'minute', 0];
  const parts = nf(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits }).formatToParts(n);
  return {
    value: parts
      .filter((p) => p.type !== 'unit' && p.type !== 'literal')
      .map((p) => p.value)
      .join(''),
    unit: parts
      .filter((p) => p.type === 'unit')
      .map((p) => p.value)
      .join(''),
  };
}

/** HH:00 of an hour start in the viewer's time zone (chart axes). */
export function hourLabel(ms: number): string {
  return `${String(new Date(ms).getHours()).padStart(2, '0')}:00`;
}
