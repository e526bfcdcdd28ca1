import type { EventSeries, Feed } from '../../../../protocol';

const CJK_FONTS = '"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif';

export interface FeedStyle {
  feed: Feed;
  label: string;
  color: string;
}

/** HH:mm of a minute start, in the viewer's local time. */
export function minuteLabel(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/**
 * ECharts option for the events-per-minute panel: one stacked area series per feed over the last hour.
 * No tooltip or legend component: nobody points at a wall, and the panel draws its legend in HTML (both
 * components would add ~40 KB to the chart chunk).
 * `now` (server time) drops the minute still in progress. Pure, so it is tested without a canvas; the component only hands it to `setOption`.
 */
export function eventsChartOption(series: EventSeries | null, feeds: readonly FeedStyle[], now?: number) {
  const start = series?.start ?? 0;
  const step = series?.stepMs ?? 60_000;
  // The minute still in progress would read as a sudden drop: show complete minutes only.
  const complete = now === undefined ? Infinity : Math.max(0, Math.floor((now - start) / step));
  const counts = (series?.counts ?? []).slice(0, complete);
  const labels = counts.map((_, i) => minuteLabel(start + i * step));
  return {
    animation: false,
    textStyle: { fontFamily: CJK_FONTS },
    grid: { left: 44, right: 14, top: 14, bottom: 26 },
    xAxis: {
      type: 'category' as const,
      boundaryGap: false,
      data: labels,
      axisLine: { lineStyle: { color: 'rgba(125,211,252,0.35)' } },
      axisTick: { show: false },
      axisLabel: { color: '#7f9bb6', fontSize: 12, interval: 9 },
    },
    yAxis: {
      type: 'value' as const,
      minInterval: 1,
      splitLine: { lineStyle: { color: 'rgba(125,211,252,0.1)' } },
      axisLabel: { color: '#7f9bb6', fontSize: 12 },
    },
    series: feeds.map((f) => ({
      id: f.feed,
      name: f.label,
      type: 'line' as const,
      stack: 'events',
      smooth: 0.3,
      symbol: 'none',
      lineStyle: { width: 1.5, color: f.color },
      itemStyle: { color: f.color },
      areaStyle: { color: f.color, opacity: 0.28 },
      data: counts.map((c) => c[f.feed]),
    })),
  };
}
