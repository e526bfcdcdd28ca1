import { describe, expect, it } from 'vitest';
import { CASE_CHANNELS, DEVICE_TYPES, FEEDS } from '../../../protocol';
import { CASE_CHANNEL_ORDER, DEVICE_TYPE_ORDER, FEED_ORDER } from './protocol-lists';

describe('client copies of the protocol lists', () => {
  it('match the protocol, order included', () => {
    expect(DEVICE_TYPE_ORDER).toEqual(DEVICE_TYPES);
    expect(CASE_CHANNEL_ORDER).toEqual(CASE_CHANNELS);
    expect(FEED_ORDER).toEqual(FEEDS);
  });
});
