import { computed, onBeforeUnmount, ref, watch, type Ref } from 'vue';

/** What the sound does now: playing, waiting for a click or key (browsers block audio until then), muted, or quiet. */
export type SoundState = 'playing' | 'blocked' | 'muted' | 'idle';

/** Two falling tones every 2 s: urgent without being shrill; generated, so there is no audio file to fetch. */
const PERIOD_MS = 2_000;
const TONES: readonly [hz: number, startS: number, lengthS: number][] = [
  [880, 0, 0.22],
  [660, 0.28, 0.32],
];

function beep(ctx: AudioContext, volume: number) {
  const t0 = ctx.currentTime + 0.01;
  for (const [hz, start, length] of TONES) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'triangle';
    osc.frequency.value = hz;
    // Short ramps: a hard start or stop of a wave clicks.
    gain.gain.setValueAtTime(0, t0 + start);
    gain.gain.linearRampToValueAtTime(volume, t0 + start + 0.02);
    gain.gain.setValueAtTime(volume, t0 + start + length - 0.05);
    gain.gain.linearRampToValueAtTime(0, t0 + start + length);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + start);
    osc.stop(t0 + start + length + 0.02);
  }
}

/**
 * Sounds while `wanted` is true and `muted` false (DESIGN §1: sound until acknowledged). Audio needs a user
 * gesture first: until one comes the state is `blocked`, and the first click or key anywhere unlocks it.
 */
export function useAlertSound(wanted: Ref<boolean>, muted: Ref<boolean>, volume = 0.25) {
  let ctx: AudioContext | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  const running = ref(false);
  const beeps = ref(0);

  const state = computed<SoundState>(() => {
    if (!wanted.value) return 'idle';
    if (muted.value) return 'muted';
    return running.value ? 'playing' : 'blocked';
  });

  function context(): AudioContext | undefined {
    if (ctx) return ctx;
    const Ctor =
      window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return undefined;
    ctx = new Ctor();
    ctx.onstatechange = () => (running.value = ctx?.state === 'running');
    running.value = ctx.state === 'running';
    return ctx;
  }

  function tick() {
    if (!ctx || ctx.state !== 'running' || !wanted.value || muted.value) return;
    beep(ctx, volume);
    beeps.value += 1;
  }

  function sync() {
    const on = wanted.value && !muted.value;
    if (!on) {
      clearInterval(timer);
      timer = undefined;
      return;
    }
    const c = context();
    if (!c) return;
    if (c.state !== 'running') void c.resume().catch(() => undefined);
    if (!timer) {
      tick();
      timer = setInterval(tick, PERIOD_MS);
    }
  }

  /** From a user gesture: resumes the audio context (the browser allows it now). */
  function unlock() {
    const c = context();
    if (c && c.state !== 'running') void c.resume().then(tick, () => undefined);
  }

  const onGesture = () => {
    if (wanted.value && !muted.value && !running.value) unlock();
  };
  window.addEventListener('pointerdown', onGesture, true);
  window.addEventListener('keydown', onGesture, true);

  watch([wanted, muted], sync, { immediate: true });

  onBeforeUnmount(() => {
    clearInterval(timer);
    window.removeEventListener('pointerdown', onGesture, true);
    window.removeEventListener('keydown', onGesture, true);
    void ctx?.close().catch(() => undefined);
  });

  return { state, beeps, unlock };
}
