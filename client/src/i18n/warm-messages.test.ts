import { describe, expect, it } from 'vitest';
import { createAppI18n } from '.';
import en from './en';
import zhCN from './zh-CN';
import { messageKeys, warmMessages } from './warm-messages';

describe('warmMessages', () => {
  it('lists every string leaf of the message trees by its dotted key', () => {
    expect(messageKeys({ a: 'x', b: { c: 'y', d: { e: 'z' } } })).toEqual(['a', 'b.c', 'b.d.e']);
    const keys = messageKeys(zhCN);
    expect(keys).toContain('alerts.age.ms');
    expect(keys.length).toBeGreaterThan(100);
    expect(messageKeys(en).sort()).toEqual([...keys].sort());
  });

  it('formats every key once, a slice per idle period, and resolves with the count', async () => {
    const seen: string[] = [];
    let periods = 0;
    // Each idle period allows three calls.
    const idle = (cb: (d: { timeRemaining(): number }) => void) => {
      periods++;
      let left = 3;
      setTimeout(() => cb({ timeRemaining: () => (--left > 0 ? 10 : 0) }), 0);
    };
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(await warmMessages(keys, (k) => seen.push(k), idle)).toBe(7);
    expect(seen).toEqual(keys);
    expect(periods).toBe(3);
    expect(await warmMessages([], () => undefined, idle)).toBe(0);
  });

  it('goes on past a message that throws, and formats the real messages without error', async () => {
    const i18n = createAppI18n('zh-CN');
    const keys = messageKeys(zhCN);
    let n = 0;
    await warmMessages(keys, (k) => {
      n++;
      if (k === keys[0]) throw new Error('boom');
      i18n.global.t(k, {});
    });
    expect(n).toBe(keys.length);
    expect(i18n.global.t('alerts.age.ms', { m: 3, s: 4 })).toMatch(/3/);
  });
});
