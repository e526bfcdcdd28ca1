import { hourLabel } from '../../i18n/number-format';

/**
 * One visual language for every chart on the screens: the same fonts, axis colours and sizes as the HTML
 * panels around them. Plain data, so option builders stay pure and testable.
 */
export const CHART_FONT = '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif';

export const CHART_COLORS = {
  axisLine: 'rgba(125,211,252,0.35)',
  axisLabel: '#8fb0cc',
  splitLine: 'rgba(125,211,252,0.1)',
  teal: '#2dd4bf',
  amber: '#fbbf24',
  violet: '#a78bfa',
  red: '#f87171',
} as const;

/** Axis label size on the 1920×1080 design canvas: readable from across a room. */
export const CHART_LABEL_SIZE = 13;

export function categoryAxis(labels: string[], interval: number) {
  return {
    type: 'category' as const,
    data: labels,
    axisLine: { lineStyle: { color: CHART_COLORS.axisLine } },
    axisTick: { show: false },
    axisLabel: { color: CHART_COLORS.axisLabel, fontSize: CHART_LABEL_SIZE, interval },
  };
}

/** The x axis of an hourly window series (24 h trends): one label per hour bucket, every 6th shown. */
export function hourlyAxis(series: { start: number; stepMs: number; points: readonly unknown[] } | undefined) {
  const start = series?.start ?? 0;
  const step = series?.stepMs ?? 3_600_000;
  return categoryAxis(
    (series?.points ?? []).map((_, i) => hourLabel(start + i * step)),
    5,
  );
}

export function valueAxis(extra: Record<string, unknown> = {}) {
  return {
    type: 'value' as const,
    splitLine: { lineStyle: { color: CHART_COLORS.splitLine } },
    axisLabel: { color: CHART_COLORS.axisLabel, fontSize: CHART_LABEL_SIZE },
    ...extra,
  };
}
