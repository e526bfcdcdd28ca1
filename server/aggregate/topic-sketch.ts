/**
 * Hot topics with exponential time decay in bounded memory: a Space-Saving heavy-hitters sketch whose
 * weights decay with a half-life in event time. Weights are kept relative to a reference time
 * (w · 2^((t − ref)/halfLife)), so an update never touches other entries; the reference moves forward
 * when the scale grows large. Exact while fewer than `capacity` distinct words were seen.
 */
export class TopicSketch {
  private readonly weights = new Map<string, number>();
  private ref: number | undefined;

  constructor(
    private readonly capacity = 64,
    private readonly halfLifeMs = 6 * 3_600_000,
  ) {}

  add(word: string, time: number, weight = 1): void {
    this.addWeighted(word, weight * this.scaleAt(time));
  }

  /** Adds each of `words` once at `time` (one post's topic words): the decay scale is computed once. */
  addAll(words: readonly string[], time: number): void {
    if (words.length === 0) return;
    const w = this.scaleAt(time);
    for (let i = 0; i < words.length; i++) this.addWeighted(words[i]!, w);
  }

  /** The weight of one event at `time` relative to the reference time (rebasing first when it grew large). */
  private scaleAt(time: number): number {
    if (this.ref === undefined) this.ref = time;
    if ((time - this.ref) / this.halfLifeMs > 40) this.rebase(time);
    return 2 ** ((time - this.ref) / this.halfLifeMs);
  }

  private addWeighted(word: string, w: number): void {
    const current = this.weights.get(word);
    if (current !== undefined) {
      this.weights.set(word, current + w);
      return;
    }
    if (this.weights.size < this.capacity) {
      this.weights.set(word, w);
      return;
    }
    // Space-Saving: the new word takes the place of the lightest, inheriting its weight (an over-estimate
    // bounded by that weight), so a rising topic can enter a full sketch.
    let minWord = '';
    let min = Infinity;
    for (const [k, v] of this.weights) {
      if (v < min || (v === min && k > minWord)) {
        min = v;
        minWord = k;
      }
    }
    this.weights.delete(minWord);
    this.weights.set(word, min + w);
  }

  /** The heaviest `n` words with their weight decayed to `now` (events per half-life, roughly). */
  top(n: number, now: number): { word: string; weight: number }[] {
    if (this.ref === undefined) return [];
    const scale = 2 ** ((this.ref - now) / this.halfLifeMs);
    return [...this.weights]
      .map(([word, w]) => ({ word, weight: Math.round(w * scale * 100) / 100 }))
      .sort((a, b) => b.weight - a.weight || a.word.localeCompare(b.word))
      .slice(0, n);
  }

  get size(): number {
    return this.weights.size;
  }

  exportState(): { ref: number | undefined; entries: [string, number][] } {
    return { ref: this.ref, entries: [...this.weights] };
  }

  importState(s: { ref: number | undefined; entries: [string, number][] }): void {
    this.weights.clear();
    for (const [k, v] of s.entries) this.weights.set(k, v);
    this.ref = s.ref;
  }

  private rebase(time: number): void {
    const factor = 2 ** ((this.ref! - time) / this.halfLifeMs);
    for (const [k, v] of this.weights) this.weights.set(k, v * factor);
    this.ref = time;
  }
}
