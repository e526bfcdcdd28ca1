import { describe, expect, it } from 'vitest';
import type { DeltaFrame, SnapshotFrame } from '../../../protocol';
import { snapshotFrame } from '../test-support/frame-fixtures';
import { createFrameSequencer } from './frame-sequencer';

function snapshot(epoch: string, seq: number): SnapshotFrame {
  return snapshotFrame(epoch, seq);
}

function delta(epoch: string, seq: number): DeltaFrame {
  return { scope: '*', epoch, seq, time: 0, changes: {} };
}

function synced(epoch = 'e1', seq = 10) {
  const s = createFrameSequencer();
  s.expectSnapshot();
  s.acceptSnapshot(snapshot(epoch, seq));
  return s;
}

describe('frame sequencer', () => {
  it('applies consecutive deltas in order', () => {
    const s = synced('e1', 10);
    for (const seq of [11, 12, 13]) {
      const d = s.acceptDelta(delta('e1', seq));
      expect(d).toEqual({ action: 'apply', frames: [delta('e1', seq)] });
    }
    expect(s.lastSeq).toBe(13);
  });

  it('asks for a resync on a gap and applies nothing after it', () => {
    const s = synced('e1', 10);
    expect(s.acceptDelta(delta('e1', 11)).action).toBe('apply');
    expect(s.acceptDelta(delta('e1', 13))).toEqual({ action: 'resync', reason: 'gap' });
    expect(s.lastSeq).toBe(11);
  });

  it('asks for a resync on a new epoch, even with the expected seq', () => {
    const s = synced('e1', 10);
    expect(s.acceptDelta(delta('e2', 11))).toEqual({ action: 'resync', reason: 'epoch' });
  });

  it('ignores duplicates and old frames', () => {
    const s = synced('e1', 10);
    expect(s.acceptDelta(delta('e1', 10))).toEqual({ action: 'ignore', reason: 'duplicate' });
    expect(s.acceptDelta(delta('e1', 11)).action).toBe('apply');
    expect(s.acceptDelta(delta('e1', 11))).toEqual({ action: 'ignore', reason: 'duplicate' });
    expect(s.acceptDelta(delta('e1', 3))).toEqual({ action: 'ignore', reason: 'duplicate' });
    expect(s.acceptDelta(delta('e1', 12)).action).toBe('apply');
  });

  it('ignores deltas before any subscription', () => {
    const s = createFrameSequencer();
    expect(s.acceptDelta(delta('e1', 1))).toEqual({ action: 'ignore', reason: 'idle' });
  });

  it('holds deltas that race the snapshot and replays only those after it', () => {
    const s = createFrameSequencer();
    s.expectSnapshot();
    expect(s.acceptDelta(delta('e1', 12)).action).toBe('ignore');
    expect(s.acceptDelta(delta('e1', 11)).action).toBe('ignore');
    expect(s.acceptDelta(delta('e1', 10)).action).toBe('ignore');
    const r = s.acceptSnapshot(snapshot('e1', 10));
    expect(r.resync).toBe(false);
    expect(r.then.map((f) => f.seq)).toEqual([11, 12]);
    expect(s.acceptDelta(delta('e1', 13)).action).toBe('apply');
  });

  it('reports a gap among held deltas after the snapshot', () => {
    const s = createFrameSequencer();
    s.expectSnapshot();
    s.acceptDelta(delta('e1', 13));
    const r = s.acceptSnapshot(snapshot('e1', 10));
    expect(r).toEqual({ then: [], resync: true });
  });

  it('reports a held delta of another epoch', () => {
    const s = createFrameSequencer();
    s.expectSnapshot();
    s.acceptDelta(delta('e2', 1));
    expect(s.acceptSnapshot(snapshot('e1', 10)).resync).toBe(true);
  });

  it('bounds the held deltas', () => {
    const s = createFrameSequencer({ maxBuffer: 2 });
    s.expectSnapshot();
    s.acceptDelta(delta('e1', 1));
    s.acceptDelta(delta('e1', 2));
    expect(s.acceptDelta(delta('e1', 3))).toEqual({ action: 'resync', reason: 'buffer-overflow' });
  });

  it('starts over after a reset', () => {
    const s = synced('e1', 10);
    s.reset();
    expect(s.phase).toBe('idle');
    expect(s.acceptDelta(delta('e1', 11)).action).toBe('ignore');
    s.expectSnapshot();
    s.acceptSnapshot(snapshot('e1', 40));
    expect(s.acceptDelta(delta('e1', 41)).action).toBe('apply');
  });
});
