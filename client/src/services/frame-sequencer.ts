import type { DeltaFrame, SnapshotFrame } from '../../../protocol';

/**
 * Snapshot/delta ordering for one scope subscription (DESIGN §5).
 *
 * A delta is applied only when it belongs to the current epoch and carries exactly `lastSeq + 1`.
 * Anything else is either an old duplicate (ignored) or a gap / new epoch (the caller must resync with a fresh
 * snapshot). Deltas that arrive while a snapshot is awaited are held, bounded, and replayed in order once the
 * snapshot lands, so a delta racing the subscribe ack is neither lost nor applied twice.
 *
 * Pure: no timers, no I/O; the caller owns the socket and the stores.
 */
export type SequencerPhase = 'idle' | 'awaiting-snapshot' | 'synced';

/** What the caller should do with a frame. */
export type DeltaDecision =
  /** Apply `frames` in order (normally one). */
  | { action: 'apply'; frames: DeltaFrame[] }
  /** Already folded in (seq ≤ lastSeq, same epoch), or held until the snapshot arrives. */
  | { action: 'ignore'; reason: 'duplicate' | 'buffered' | 'idle' }
  /** A gap or a new epoch: show "resyncing" and ask for a fresh snapshot. */
  | { action: 'resync'; reason: 'gap' | 'epoch' | 'buffer-overflow' };

export interface SnapshotDecision {
  /** Deltas held while awaiting the snapshot that follow it directly, to apply after it. */
  then: DeltaFrame[];
  /** True when the held deltas left a gap after the snapshot: the caller must resync again. */
  resync: boolean;
}

export interface FrameSequencer {
  readonly phase: SequencerPhase;
  readonly epoch: string | undefined;
  readonly lastSeq: number;
  /** A subscribe (or re-subscribe) request went out: hold deltas until its snapshot. */
  expectSnapshot(): void;
  /** The subscribe ack arrived. */
  acceptSnapshot(frame: SnapshotFrame): SnapshotDecision;
  acceptDelta(frame: DeltaFrame): DeltaDecision;
  /** The connection dropped: forget everything; the next connect starts from a snapshot. */
  reset(): void;
}

/** Held deltas while awaiting a snapshot; more than this means the snapshot is far behind: resync. */
const DEFAULT_MAX_BUFFER = 256;

export function createFrameSequencer(options: { maxBuffer?: number } = {}): FrameSequencer {
  const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
  let phase: SequencerPhase = 'idle';
  let epoch: string | undefined;
  let lastSeq = -1;
  let held: DeltaFrame[] = [];

  function acceptDelta(frame: DeltaFrame): DeltaDecision {
    if (phase === 'idle') return { action: 'ignore', reason: 'idle' };
    if (phase === 'awaiting-snapshot') {
      if (held.length >= maxBuffer) {
        held = [];
        return { action: 'resync', reason: 'buffer-overflow' };
      }
      held.push(frame);
      return { action: 'ignore', reason: 'buffered' };
    }
    if (frame.epoch !== epoch) return { action: 'resync', reason: 'epoch' };
    if (frame.seq <= lastSeq) return { action: 'ignore', reason: 'duplicate' };
    if (frame.seq !== lastSeq + 1) return { action: 'resync', reason: 'gap' };
    lastSeq = frame.seq;
    return { action: 'apply', frames: [frame] };
  }

  function acceptSnapshot(frame: SnapshotFrame): SnapshotDecision {
    phase = 'synced';
    epoch = frame.epoch;
    lastSeq = frame.seq;
    const pending = held.filter((d) => d.epoch === frame.epoch && d.seq > frame.seq).sort((a, b) => a.seq - b.seq);
    const newerEpoch = held.some((d) => d.epoch !== frame.epoch);
    held = [];
    const then: DeltaFrame[] = [];
    for (const d of pending) {
      if (d.seq <= lastSeq) continue;
      if (d.seq !== lastSeq + 1) return { then, resync: true };
      lastSeq = d.seq;
      then.push(d);
    }
    // A held delta of another epoch means the server was rebuilt after (or before) this snapshot was cut;
    // only the next snapshot can tell which, so ask for it.
    return { then, resync: newerEpoch };
  }

  return {
    get phase() {
      return phase;
    },
    get epoch() {
      return epoch;
    },
    get lastSeq() {
      return lastSeq;
    },
    expectSnapshot() {
      phase = 'awaiting-snapshot';
      held = [];
    },
    acceptSnapshot,
    acceptDelta,
    reset() {
      phase = 'idle';
      epoch = undefined;
      lastSeq = -1;
      held = [];
    },
  };
}
