import { describe, expect, it } from 'vitest';
import { DUTY_SHORTCUTS, dutyCommand, moveIndex } from './duty-keys';

describe('duty console keys', () => {
  it('maps letters and arrows to commands', () => {
    expect(dutyCommand({ key: 'j' })).toBe('next');
    expect(dutyCommand({ key: 'ArrowDown' })).toBe('next');
    expect(dutyCommand({ key: 'K' })).toBe('prev');
    expect(dutyCommand({ key: 'a' })).toBe('ack');
    expect(dutyCommand({ key: 'd' })).toBe('dispatch');
    expect(dutyCommand({ key: 'r' })).toBe('resolve');
    expect(dutyCommand({ key: 'n' })).toBe('note');
    expect(dutyCommand({ key: '/' })).toBe('filter');
    expect(dutyCommand({ key: '?' })).toBe('help');
    expect(dutyCommand({ key: 'x' })).toBeUndefined();
  });

  it('never fires while typing, in a dialog, or with a modifier', () => {
    expect(dutyCommand({ key: 'a', targetTag: 'INPUT' })).toBeUndefined();
    expect(dutyCommand({ key: 'j', targetTag: 'TEXTAREA' })).toBeUndefined();
    expect(dutyCommand({ key: 'a', editable: true })).toBeUndefined();
    expect(dutyCommand({ key: 'Escape', targetTag: 'INPUT' })).toBe('escape');
    expect(dutyCommand({ key: 'a', dialogOpen: true })).toBeUndefined();
    expect(dutyCommand({ key: 'Escape', dialogOpen: true })).toBeUndefined();
    expect(dutyCommand({ key: 'r', ctrlKey: true })).toBeUndefined();
    expect(dutyCommand({ key: 'a', metaKey: true })).toBeUndefined();
  });

  it('moves within the list without wrapping', () => {
    expect(moveIndex(-1, 'next', 3)).toBe(0);
    expect(moveIndex(2, 'next', 3)).toBe(2);
    expect(moveIndex(0, 'prev', 3)).toBe(0);
    expect(moveIndex(1, 'last', 3)).toBe(2);
    expect(moveIndex(2, 'first', 3)).toBe(0);
    expect(moveIndex(0, 'next', 0)).toBe(-1);
  });

  it('lists every command that has a key in the help sheet', () => {
    const listed = new Set(DUTY_SHORTCUTS.map((s) => s.command));
    for (const key of ['j', 'k', 'a', 'n', 's', 'd', 'r', '/', '?', 'm', 'Escape', 'Home']) {
      expect(listed.has(dutyCommand({ key })!)).toBe(true);
    }
  });
});
