import { describe, expect, it } from 'vitest';
import { hotWordTags, opinionTrendOption, sentimentIndex, sentimentLevel } from './opinion.view-model';

describe('opinion view model', () => {
  it('maps mean sentiment to a 0–100 index with bands', () => {
    expect(sentimentIndex(-1)).toBe(0);
    expect(sentimentIndex(0)).toBe(50);
    expect(sentimentIndex(0.5)).toBe(75);
    expect(sentimentIndex(null)).toBeNull();
    expect([sentimentLevel(39), sentimentLevel(40), sentimentLevel(60), sentimentLevel(null)]).toEqual([
      'negative',
      'neutral',
      'positive',
      null,
    ]);
  });

  it('sizes hot words by weight, heaviest in the middle, and drops empty weights', () => {
    const tags = hotWordTags(
      [
        { word: '停车', weight: 100 },
        { word: '电梯', weight: 25 },
        { word: '噪音', weight: 1 },
        { word: '无', weight: 0 },
      ],
      12,
    );
    expect(tags.map((t) => t.word)).toEqual(['电梯', '停车', '噪音']);
    const size = Object.fromEntries(tags.map((t) => [t.word, t.size]));
    expect(size['停车']).toBe(38);
    expect(size['噪音']).toBe(16);
    expect(size['电梯']!).toBeGreaterThan(16);
    expect(size['电梯']!).toBeLessThan(38);
    expect(hotWordTags(undefined)).toEqual([]);
    expect(hotWordTags([{ word: 'a', weight: 1 }])[0]?.size).toBe(38);
  });

  it('draws posts as bars and sentiment as a line with gaps for silent hours', () => {
    const o = opinionTrendOption(
      { start: 0, stepMs: 3_600_000, points: [{ posts: 2, sentiment: -0.5 }, { posts: 0, sentiment: null }] },
      { posts: 'p', sentiment: 's' },
    );
    expect(o.series.map((s) => s.id)).toEqual(['posts', 'sentiment']);
    expect(o.series[1]?.data).toEqual([-0.5, null]);
  });
});
