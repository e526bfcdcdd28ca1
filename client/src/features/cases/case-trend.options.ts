import type { ScopeInsights } from '../../../../protocol';
import { CHART_COLORS, CHART_FONT, hourlyAxis, valueAxis } from '../../components/base/chart-theme';

/**
 * ECharts option of the 24 h case trend: reported per hour as bars, closed per hour as a line. Series ids are
 * stable (`new`, `closed`) so each frame's `setOption` merges into the same series instead of rebuilding them.
 * No legend or tooltip component (nobody points at a wall; the panel draws its legend in HTML).
 */
export function caseTrendOption(series: ScopeInsights['cases24h'] | undefined, names: { new: string; closed: string }) {
  const points = series?.points ?? [];
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT },
    grid: { left: 34, right: 8, top: 12, bottom: 24 },
    xAxis: hourlyAxis(series),
    yAxis: valueAxis({ minInterval: 1 }),
    series: [
      {
        id: 'new',
        name: names.new,
        type: 'bar' as const,
        barWidth: '55%',
        itemStyle: { color: CHART_COLORS.amber, borderRadius: [2, 2, 0, 0] },
        data: points.map((p) => p.new),
      },
      {
        id: 'closed',
        name: names.closed,
        type: 'line' as const,
        smooth: 0.3,
        symbol: 'none',
        lineStyle: { width: 2, color: CHART_COLORS.teal },
        itemStyle: { color: CHART_COLORS.teal },
        areaStyle: { color: CHART_COLORS.teal, opacity: 0.15 },
        data: points.map((p) => p.closed),
      },
    ],
  };
}
