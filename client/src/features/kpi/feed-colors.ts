import type { Feed } from '../../../../protocol';

/** One colour per feed, shared by the KPI cards, the chart and the ranking. */
export const FEED_COLORS: Readonly<Record<Feed, string>> = {
  device: '#2dd4bf',
  case: '#fbbf24',
  opinion: '#a78bfa',
};
