import type { Role, UserView } from '../../protocol';

/** A stored user: the view plus the password hash. */
export interface StoredUser extends UserView {
  passwordHash: string;
}

export interface UserPatch {
  role?: Role;
  area?: string;
  displayName?: string;
  passwordHash?: string;
  disabled?: boolean;
}

/**
 * Users (DESIGN §3.6). Async so a shared store (PostgreSQL, several nodes) can implement it as well as SQLite.
 * Names are unique; `add` refuses a taken name with UserExistsError.
 */
export interface UserStore {
  count(): Promise<number>;
  get(name: string): Promise<StoredUser | undefined>;
  list(): Promise<UserView[]>;
  add(user: StoredUser): Promise<void>;
  /** Returns the user after the patch, or undefined when there is no such user. */
  update(name: string, patch: UserPatch): Promise<UserView | undefined>;
  remove(name: string): Promise<boolean>;
}

export class UserExistsError extends Error {
  constructor(readonly userName: string) {
    super(`a user named "${userName}" already exists`);
  }
}

/** A stored user without the hash. */
export function userView(u: StoredUser): UserView {
  const { passwordHash: _hash, ...view } = u;
  return view;
}
