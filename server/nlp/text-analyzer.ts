import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';
import { DEGREE, NEGATIONS, POLARITY, STOP_WORDS } from './sentiment-lexicon';

/** What the aggregates need from a post's text. */
export interface TextAnalysis {
  /** In [-1, 1]. */
  sentiment: number;
  /** Topic words: nouns and verbal nouns of two characters or more, stop words removed, each once. */
  keywords: string[];
}

export type TextAnalyzer = (text: string) => TextAnalysis;

/**
 * Memoises an analyzer over the last `capacity` distinct texts (reposts and template messages repeat; the
 * map is cleared when full, so memory stays bounded).
 */
export function memoizeAnalyzer(analyze: TextAnalyzer, capacity = 10_000): TextAnalyzer {
  const cache = new Map<string, TextAnalysis>();
  return (text) => {
    let hit = cache.get(text);
    if (!hit) {
      if (cache.size >= capacity) cache.clear();
      hit = analyze(text);
      cache.set(text, hit);
    }
    return hit;
  };
}

let jieba: Jieba | undefined;

/** Part-of-speech tags kept as topics: nouns (n*), verbal nouns, place and organisation names. */
const TOPIC_TAG = /^(n|vn|nz|ns|nt|an)/;

/**
 * Chinese text analysis with jieba segmentation: lexicon sentiment (with negation and degree adverbs,
 * squashed into [-1, 1] by tanh) and topic words. Deterministic: the same text always gives the same result.
 */
export function createTextAnalyzer(): TextAnalyzer {
  jieba ??= Jieba.withDict(dict);
  const segmenter = jieba;
  return (text: string) => {
    const tagged = segmenter.tag(text, true);
    let score = 0;
    const keywords = new Set<string>();
    for (let i = 0; i < tagged.length; i++) {
      const { word, tag } = tagged[i]!;
      const polarity = POLARITY[word];
      if (polarity !== undefined) {
        let p = polarity;
        for (let back = 1; back <= 2 && i - back >= 0; back++) {
          const prev = tagged[i - back]!.word;
          if (NEGATIONS.has(prev)) p = -p * 0.8;
          const degree = DEGREE[prev];
          if (degree !== undefined) p *= degree;
        }
        score += p;
      }
      if (word.length >= 2 && TOPIC_TAG.test(tag) && !STOP_WORDS.has(word) && !/^\d+$/.test(word)) keywords.add(word);
    }
    const exclamations = (text.match(/[!！]/g) ?? []).length;
    if (score < 0) score *= 1 + Math.min(exclamations, 3) * 0.15;
    return { sentiment: Math.round(Math.tanh(score / 1.5) * 1000) / 1000, keywords: [...keywords] };
  };
}
