import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIntervalGate } from './interval-gate';

describe('createIntervalGate', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const clock = () => Date.now();

  it('passes once per interval and calls back once when a refused pass is due', () => {
    const onDue = vi.fn();
    const gate = createIntervalGate(1_000, onDue, clock);
    expect(gate.tryPass()).toBe(true);
    vi.advanceTimersByTime(250);
    expect(gate.tryPass()).toBe(false);
    vi.advanceTimersByTime(250);
    expect(gate.tryPass()).toBe(false);
    vi.advanceTimersByTime(499);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledTimes(1);
    expect(gate.tryPass()).toBe(true);
    expect(gate.tryPass()).toBe(false);
  });

  it('lets the next pass through at once after open()', () => {
    const gate = createIntervalGate(1_000, () => undefined, clock);
    expect(gate.tryPass()).toBe(true);
    gate.open();
    expect(gate.tryPass()).toBe(true);
  });

  it('calls nothing back after stop()', () => {
    const onDue = vi.fn();
    const gate = createIntervalGate(1_000, onDue, clock);
    gate.tryPass();
    expect(gate.tryPass()).toBe(false);
    gate.stop();
    vi.advanceTimersByTime(5_000);
    expect(onDue).not.toHaveBeenCalled();
  });
});
