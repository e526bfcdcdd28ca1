import { describe, expect, it } from 'vitest';
import { formatCount, formatDecimal, formatDuration, formatPercent, formatSignedPercent, hourLabel, NO_VALUE } from './number-format';

describe('number formats', () => {
  it('groups counts per locale and never turns a missing value into 0', () => {
    expect(formatCount(12345, 'zh-CN')).toBe('12,345');
    expect(formatCount(12345, 'en')).toBe('12,345');
    expect(formatCount(undefined, 'en')).toBe(NO_VALUE);
    expect(formatCount(null, 'en')).toBe(NO_VALUE);
    expect(formatCount(Number.NaN, 'en')).toBe(NO_VALUE);
    expect(formatDecimal(3.456, 'en')).toBe('3.5');
  });

  it('formats ratios as percentages, signed where it is a change', () => {
    expect(formatPercent(0.8, 'zh-CN')).toBe('80.0%');
    expect(formatPercent(0.12345, 'en', 0)).toBe('12%');
    expect(formatPercent(null, 'en')).toBe(NO_VALUE);
    expect(formatSignedPercent(0.12, 'en')).toBe('+12%');
    expect(formatSignedPercent(-0.05, 'zh-CN')).toBe('-5%');
    expect(formatSignedPercent(0, 'en')).toBe('0%');
  });

  it('splits a duration into a numeral and its unit, in hours from one hour up', () => {
    expect(formatDuration(5.25 * 3_600_000, 'zh-CN')).toEqual({ value: '5.3', unit: '小时' });
    expect(formatDuration(5.25 * 3_600_000, 'en')).toEqual({ value: '5.3', unit: 'hr' });
    expect(formatDuration(45 * 60_000, 'zh-CN')).toEqual({ value: '45', unit: '分钟' });
    expect(formatDuration(45 * 60_000, 'en')).toEqual({ value: '45', unit: 'min' });
    expect(formatDuration(null, 'en')).toEqual({ value: NO_VALUE, unit: '' });
  });

  it('labels hours on the local clock', () => {
    expect(hourLabel(new Date(2026, 0, 1, 7, 0).getTime())).toBe('07:00');
  });
});
