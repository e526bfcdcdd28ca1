import type { OpinionChannel } from '../protocol';
import { CLOSERS, OPENERS, OPINION_TOPICS, type OpinionTopic, type Polarity } from './opinion-corpus';
import type { Place, Places } from './places';
import type { Rng } from './prng';

/** Posts per grid per day across all channels. */
export const POSTS_PER_GRID_PER_DAY = 6;
/** When residents post (local hour): lunch break and the evening. */
export const OPINION_PROFILE = [
  0.5, 0.3, 0.15, 0.1, 0.1, 0.15, 0.4, 0.9, 1.1, 1, 1, 1.1, 1.4, 1.2, 1, 1, 1, 1.1, 1.3, 1.6, 1.9, 2, 1.7, 1,
];
/** Share of posts that arrive with a sentiment already scored (a monitoring vendor's feed); the rest the server scores. */
const PRESCORED_SHARE = 0.08;

const CHANNELS: readonly OpinionChannel[] = ['group', 'forum', 'social', 'hotline'];
const CHANNEL_WEIGHTS = [0.5, 0.2, 0.2, 0.1];
/** How often each channel's posts can be placed (a group chat belongs to a compound; social posts rarely say). */
const LOCATED: Readonly<Record<OpinionChannel, number>> = { group: 0.9, hotline: 0.85, forum: 0.6, social: 0.35 };
const POLARITIES: readonly Polarity[] = ['neg', 'neu', 'pos'];
const TOPIC_WEIGHTS = OPINION_TOPICS.map((t) => t.weight);

/** A post before it becomes an event. */
export interface ComposedPost {
  channel: OpinionChannel;
  text: string;
  sentiment?: number;
  place?: Place;
}

export interface PostSeed {
  topic?: OpinionTopic;
  /** Weights for neg, neu, pos; default 0.45 / 0.3 / 0.25. */
  polarity?: readonly [number, number, number];
  area?: string;
  /** Force a location (scenario posts are about a place). */
  located?: boolean;
}

/** Composes resident posts from the corpus with varied sentiment and channel. */
export class OpinionGenerator {
  constructor(
    private readonly places: Places,
    private readonly rng: Rng,
  ) {}

  compose(seed: PostSeed = {}): ComposedPost {
    const rng = this.rng;
    const topic = seed.topic ?? rng.weighted(OPINION_TOPICS, TOPIC_WEIGHTS);
    const polarity = rng.weighted(POLARITIES, seed.polarity ?? [0.45, 0.3, 0.25]);
    const channel = rng.weighted(CHANNELS, CHANNEL_WEIGHTS);
    const place = this.places.pick(rng, seed.area);
    const sentences = topic[polarity].length > 0 ? topic[polarity] : topic.neu;
    const first = rng.pick(sentences);
    let body = first;
    if (sentences.length > 1 && rng.chance(0.4)) {
      let second = rng.pick(sentences);
      if (second === first) second = sentences[(sentences.indexOf(first) + 1) % sentences.length] as string;
      body += second;
    }
    let text = `${rng.pick(OPENERS[polarity])}${body}${rng.pick(CLOSERS[polarity])}`;
    text = text
      .replaceAll('{c}', place.community)
      .replaceAll('{b}', place.label)
      .replaceAll('{n}', String(rng.int(2, 9)));
    if (channel === 'hotline') text = `来电人反映：${text}`;
    else if (channel === 'social' && rng.chance(0.5)) text = `#${place.community}# ${text}`;
    const post: ComposedPost = { channel, text };
    if (seed.located === true || rng.chance(LOCATED[channel])) post.place = place;
    if (rng.chance(PRESCORED_SHARE)) post.sentiment = scoreFor(polarity, rng);
    return post;
  }
}

function scoreFor(polarity: Polarity, rng: Rng): number {
  const raw =
    polarity === 'neg' ? -rng.range(0.4, 0.95) : polarity === 'pos' ? rng.range(0.35, 0.9) : rng.range(-0.15, 0.15);
  return Math.round(raw * 100) / 100;
}
