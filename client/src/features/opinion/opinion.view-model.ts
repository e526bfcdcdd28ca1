import type { ScopeInsights } from '../../../../protocol';
import { CHART_COLORS, CHART_FONT, hourlyAxis, valueAxis } from '../../components/base/chart-theme';

/** Sentiment index 0..100 from a mean sentiment in [-1, 1] (50 = neutral); null without posts. */
export function sentimentIndex(sentiment: number | null | undefined): number | null {
  if (sentiment === null || sentiment === undefined || !Number.isFinite(sentiment)) return null;
  return Math.round((Math.max(-1, Math.min(1, sentiment)) + 1) * 50);
}

export type SentimentLevel = 'positive' | 'neutral' | 'negative';

/** Bands of the index: below 40 reads negative, from 60 positive. */
export function sentimentLevel(index: number | null): SentimentLevel | null {
  if (index === null) return null;
  return index < 40 ? 'negative' : index >= 60 ? 'positive' : 'neutral';
}

export interface HotWordTag {
  word: string;
  weight: number;
  /** Font size on the design canvas, px. */
  size: number;
  /** Emphasis tier for colour: 0 the three heaviest, 1 the next four, 2 the rest. */
  tier: 0 | 1 | 2;
}

const MIN_PX = 16;
const MAX_PX = 38;

/**
 * Hot words as tags sized by weight (square-root scale, so one dominant word does not shrink the rest to
 * nothing). The heaviest sits in the middle of the flow and the others alternate around it, the way a word
 * cloud reads, but as plain HTML: no word-cloud plugin.
 */
export function hotWordTags(topics: readonly { word: string; weight: number }[] | undefined, limit = 12): HotWordTag[] {
  const top = [...(topics ?? [])]
    .filter((t) => t.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
    .slice(0, limit);
  if (top.length === 0) return [];
  const max = Math.sqrt(top[0]!.weight);
  const min = Math.sqrt(top[top.length - 1]!.weight);
  const tags = top.map((t, i): HotWordTag => {
    const k = max > min ? (Math.sqrt(t.weight) - min) / (max - min) : 1;
    return {
      word: t.word,
      weight: t.weight,
      size: Math.round(MIN_PX + k * (MAX_PX - MIN_PX)),
      tier: i < 3 ? 0 : i < 7 ? 1 : 2,
    };
  });
  const out: HotWordTag[] = [];
  tags.forEach((tag, i) => (i % 2 === 0 ? out.push(tag) : out.unshift(tag)));
  return out;
}

/**
 * ECharts option of the 24 h opinion trend: posts per hour as bars (right axis) under the mean sentiment line
 * (left axis, -1..1). An hour without posts has no sentiment and leaves a gap rather than a fake neutral.
 */
export function opinionTrendOption(
  series: ScopeInsights['opinion24h'] | undefined,
  names: { posts: string; sentiment: string },
) {
  const points = series?.points ?? [];
  return {
    animation: false,
    textStyle: { fontFamily: CHART_FONT },
    grid: { left: 34, right: 30, top: 12, bottom: 24 },
    xAxis: hourlyAxis(series),
    yAxis: [
      valueAxis({ min: -1, max: 1, interval: 1 }),
      valueAxis({ minInterval: 1, splitLine: { show: false }, position: 'right' }),
    ],
    series: [
      {
        id: 'posts',
        name: names.posts,
        type: 'bar' as const,
        yAxisIndex: 1,
        barWidth: '55%',
        itemStyle: { color: 'rgba(167,139,250,0.35)' },
        data: points.map((p) => p.posts),
      },
      {
        id: 'sentiment',
        name: names.sentiment,
        type: 'line' as const,
        yAxisIndex: 0,
        smooth: 0.3,
        symbol: 'circle',
        symbolSize: 4,
        connectNulls: false,
        lineStyle: { width: 2, color: CHART_COLORS.violet },
        itemStyle: { color: CHART_COLORS.violet },
        data: points.map((p) => p.sentiment),
      },
    ],
  };
}
