/**
 * Time for the core (DESIGN §4): the core never reads the wall clock. Production injects the system clock;
 * replay and tests inject a virtual one, so a replay at 60× behaves like a live day, only faster.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: tests and bounded simulations. */
export class ManualClock implements Clock {
  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  set(time: number): void {
    this.time = time;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}

/**
 * Virtual time for demo replay: runs at `speed`× real time from `origin`, can pause and seek.
 * It reads a real clock underneath only to know how much real time passed.
 */
export class ScaledClock implements Clock {
  private baseVirtual: number;
  private baseReal: number;
  private speedValue: number;
  private paused = false;

  constructor(
    private readonly real: Clock,
    origin: number,
    speed = 1,
  ) {
    this.baseVirtual = origin;
    this.baseReal = real.now();
    this.speedValue = speed;
  }

  now(): number {
    if (this.paused) return this.baseVirtual;
    return this.baseVirtual + (this.real.now() - this.baseReal) * this.speedValue;
  }

  get speed(): number {
    return this.speedValue;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  setSpeed(speed: number): void {
    this.rebase();
    this.speedValue = speed;
  }

  pause(): void {
    this.rebase();
    this.paused = true;
  }

  resume(): void {
    this.rebase();
    this.paused = false;
  }

  seek(virtual: number): void {
    this.baseVirtual = virtual;
    this.baseReal = this.real.now();
  }

  private rebase(): void {
    this.baseVirtual = this.now();
    this.baseReal = this.real.now();
  }
}
