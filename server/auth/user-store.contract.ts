/**
 * The behaviour every UserStore must have, as a reusable suite: SQLite and PostgreSQL run the same function
 * (server/store/user-stores.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserExistsError, type StoredUser, type UserStore } from './user-store';

export interface OpenedUserStore {
  store: UserStore;
  /** Opens the same data through a new handle (a restart, or another node). */
  reopen(): Promise<UserStore>;
  close(): Promise<void>;
}

function user(name: string, over: Partial<StoredUser> = {}): StoredUser {
  return { name, role: 'leader', area: '330106007001', passwordHash: `scrypt$1$1$1$s$${name}`, createdAt: 1_700_000_000_000, disabled: false, ...over };
}

export function describeUserStore(name: string, open: () => Promise<OpenedUserStore>): void {
  describe(`UserStore contract: ${name}`, () => {
    let opened: OpenedUserStore;
    beforeEach(async () => {
      opened = await open();
    });
    afterEach(async () => {
      await opened.close();
    });

    it('adds, gets, lists in name order, and never lists the hash', async () => {
      const { store } = opened;
      expect(await store.count()).toBe(0);
      await store.add(user('zhang', { displayName: '张三' }));
      await store.add(user('admin', { role: 'admin', area: '*' }));
      expect(await store.count()).toBe(2);
      expect(await store.get('zhang')).toEqual(user('zhang', { displayName: '张三' }));
      expect(await store.get('nobody')).toBeUndefined();
      const list = await store.list();
      expect(list.map((u) => u.name)).toEqual(['admin', 'zhang']);
      expect(JSON.stringify(list)).not.toContain('scrypt');
    });

    it('refuses a taken name and keeps the first user', async () => {
      const { store } = opened;
      await store.add(user('li'));
      await expect(store.add(user('li', { role: 'admin' }))).rejects.toBeInstanceOf(UserExistsError);
      expect((await store.get('li'))?.role).toBe('leader');
    });

    it('patches only what is given, and says when there is no such user', async () => {
      const { store } = opened;
      await store.add(user('wang'));
      expect(await store.update('wang', { disabled: true })).toMatchObject({ name: 'wang', role: 'leader', disabled: true });
      expect(await store.update('wang', { role: 'duty', area: '*', passwordHash: 'scrypt$new' })).toMatchObject({ role: 'duty', area: '*', disabled: true });
      expect((await store.get('wang'))?.passwordHash).toBe('scrypt$new');
      expect(await store.update('nobody', { disabled: true })).toBeUndefined();
    });

    it('removes, and what it wrote survives a reopen', async () => {
      const { store } = opened;
      await store.add(user('a1'));
      await store.add(user('a2'));
      expect(await store.remove('a1')).toBe(true);
      expect(await store.remove('a1')).toBe(false);
      const again = await opened.reopen();
      expect((await again.list()).map((u) => u.name)).toEqual(['a2']);
    });
  });
}
