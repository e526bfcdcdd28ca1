import { describe, expect, it } from 'vitest';
import { eventsChartOption } from './events-chart.options';

const feeds = [
  { feed: 'device' as const, label: '物', color: '#0f0' },
  { feed: 'case' as const, label: '事', color: '#ff0' },
  { feed: 'opinion' as const, label: '情', color: '#f0f' },
];

describe('events chart option', () => {
  it('stacks one series per feed with one point per minute', () => {
    const start = new Date(2025, 0, 1, 9, 58).getTime();
    const option = eventsChartOption(
      {
        start,
        stepMs: 60_000,
        counts: [
          { device: 1, case: 2, opinion: 3 },
          { device: 4, case: 5, opinion: 6 },
          { device: 7, case: 8, opinion: 9 },
        ],
      },
      feeds,
    );
    expect(option.xAxis.data).toEqual(['09:58', '09:59', '10:00']);
    expect(option.series.map((s) => s.stack)).toEqual(['events', 'events', 'events']);
    expect(option.series[1]?.data).toEqual([2, 5, 8]);
  });

  it('draws empty axes before the first frame', () => {
    const option = eventsChartOption(null, feeds);
    expect(option.xAxis.data).toEqual([]);
    expect(option.series).toHaveLength(3);
  });

  it('leaves out the minute still in progress', () => {
    const start = new Date(2025, 0, 1, 9, 58).getTime();
    const counts = [
      { device: 5, case: 0, opinion: 0 },
      { device: 6, case: 0, opinion: 0 },
      { device: 1, case: 0, opinion: 0 },
    ];
    const option = eventsChartOption({ start, stepMs: 60_000, counts }, feeds, start + 2 * 60_000 + 30_000);
    expect(option.xAxis.data).toEqual(['09:58', '09:59']);
    expect(eventsChartOption({ start, stepMs: 60_000, counts }, feeds, start + 3 * 60_000).xAxis.data).toHaveLength(3);
  });
});
