/** What a key does on the duty console. */
export type DutyCommand =
  | 'next'
  | 'prev'
  | 'first'
  | 'last'
  | 'ack'
  | 'note'
  | 'assign'
  | 'dispatch'
  | 'resolve'
  | 'filter'
  | 'help'
  | 'mute'
  | 'escape';

/** The shortcuts as the help sheet lists them (key labels, command). */
export const DUTY_SHORTCUTS: readonly { keys: readonly string[]; command: DutyCommand }[] = [
  { keys: ['j', '↓'], command: 'next' },
  { keys: ['k', '↑'], command: 'prev' },
  { keys: ['Home', 'End'], command: 'first' },
  { keys: ['a'], command: 'ack' },
  { keys: ['n'], command: 'note' },
  { keys: ['s'], command: 'assign' },
  { keys: ['d'], command: 'dispatch' },
  { keys: ['r'], command: 'resolve' },
  { keys: ['/'], command: 'filter' },
  { keys: ['m'], command: 'mute' },
  { keys: ['?'], command: 'help' },
  { keys: ['Esc'], command: 'escape' },
];

const BY_KEY: Readonly<Record<string, DutyCommand>> = {
  j: 'next',
  ArrowDown: 'next',
  k: 'prev',
  ArrowUp: 'prev',
  Home: 'first',
  End: 'last',
  a: 'ack',
  n: 'note',
  s: 'assign',
  d: 'dispatch',
  r: 'resolve',
  '/': 'filter',
  '?': 'help',
  m: 'mute',
  Escape: 'escape',
};

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** Tag name of the focused element (INPUT, TEXTAREA, SELECT…), and whether it is content-editable. */
  targetTag?: string;
  editable?: boolean;
  /** A dialog is open: it handles its own keys (Escape closes it). */
  dialogOpen?: boolean;
}

/**
 * The console command for a key press, or undefined to let the browser have it. Typing in a field never fires a
 * shortcut (Escape leaves the field); browser and OS combinations (Ctrl, Cmd, Alt) are left alone.
 */
export function dutyCommand(e: KeyInput): DutyCommand | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const typing = e.editable || e.targetTag === 'INPUT' || e.targetTag === 'TEXTAREA' || e.targetTag === 'SELECT';
  if (e.dialogOpen || typing) return e.key === 'Escape' && !e.dialogOpen ? 'escape' : undefined;
  // Caps Lock or Shift still means the letter; '?' is Shift+/ and stays itself.
  return BY_KEY[e.key.length === 1 ? e.key.toLowerCase() : e.key];
}

/** The index after a move in a list of `length` rows (clamped, no wrap: the end of the queue is the end). */
export function moveIndex(current: number, command: DutyCommand, length: number): number {
  if (length === 0) return -1;
  switch (command) {
    case 'next':
      return Math.min(length - 1, current + 1);
    case 'prev':
      return Math.max(0, current < 0 ? 0 : current - 1);
    case 'first':
      return 0;
    case 'last':
      return length - 1;
    default:
      return current;
  }
}
