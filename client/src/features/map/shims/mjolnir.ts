/**
 * Stands in for `mjolnir.js` (deck.gl's DOM gesture manager) in the client build (vite.config.ts `resolve.alias`).
 * The map's deck.gl draws through MapboxOverlay in overlaid mode: its canvas sits in a `pointer-events: none`
 * container, so no DOM event ever reaches deck's own EventManager; MapboxOverlay hands deck the map's mouse events
 * instead (`deck._onEvent`, `_onPointerMove`), and GridPulse picks with `pickObject` from MapLibre's events. Deck
 * still constructs an EventManager and registers its handlers: this one keeps them and listens to nothing.
 */
type Handler = (event: unknown) => void;

export class EventManager {
  private readonly handlers = new Map<string, Set<Handler>>();

  constructor(
    private element: Element | null = null,
    _options: unknown = {},
  ) {}

  getElement(): Element | null {
    return this.element;
  }

  setElement(element: Element | null): void {
    this.element = element;
  }

  on(event: string | Record<string, Handler>, handler?: Handler): void {
    if (typeof event !== 'string') {
      for (const [name, h] of Object.entries(event)) this.on(name, h);
      return;
    }
    if (!handler) return;
    const set = this.handlers.get(event) ?? new Set<Handler>();
    set.add(handler);
    this.handlers.set(event, set);
  }

  once(event: string, handler: Handler): void {
    this.on(event, handler);
  }

  watch(event: string | Record<string, Handler>, handler?: Handler): void {
    this.on(event, handler);
  }

  off(event: string | Record<string, Handler>, handler?: Handler): void {
    if (typeof event !== 'string') {
      for (const [name, h] of Object.entries(event)) this.off(name, h);
      return;
    }
    if (handler) this.handlers.get(event)?.delete(handler);
    else this.handlers.delete(event);
  }

  destroy(): void {
    this.handlers.clear();
    this.element = null;
  }
}

/** Gesture recognizers deck lists in its defaults (lib/constants.js); constructed, never fed an event. */
class Recognizer {
  constructor(readonly options: Record<string, unknown> = {}) {}
}
export class Pan extends Recognizer {}
export class Pinch extends Recognizer {}
export class Tap extends Recognizer {}
export class DoubleClickDrag extends Recognizer {}
