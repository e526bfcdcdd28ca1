import { storeToRefs } from 'pinia';
import { computed, onBeforeUnmount, onMounted, ref, watch, type Ref } from 'vue';
import type { AlertView } from '../../../../protocol';
import { useAlertsStore } from '../../stores/alerts';
import { useDistrictStore } from '../../stores/district';
import { useUiPrefsStore } from '../../stores/ui-prefs';
import { takeoverAlert } from '../alerts/alert.view-model';
import { useAlertSound } from '../alerts/use-alert-sound';
import { nextRotation } from './wall-options';

/** After someone touches an interactive wall, the rotation waits this long before it moves the map again. */
const TOUCH_PAUSE_MS = 60_000;

/** The area an alert is about, for the map to fly to. */
export function alertFocusCode(a: AlertView): string {
  return a.subject.type === 'area' ? a.subject.id : a.subject.grid;
}

/**
 * What the wall's map shows when nobody touches it (DESIGN §1): it rotates through the communities; a new
 * critical alert takes over — the map flies there, the board highlights it, the sound plays when asked for —
 * until it is acknowledged elsewhere; then the rotation resumes.
 */
export function useWallDirector(options: {
  rotateMs: number | null;
  sound: boolean;
  map: Ref<{ focusArea(code: string): void } | undefined>;
  stage: Ref<HTMLElement | undefined>;
}) {
  const { queue } = storeToRefs(useAlertsStore());
  const district = useDistrictStore();
  const { muted } = storeToRefs(useUiPrefsStore());

  const takeover = computed(() => takeoverAlert(queue.value));
  const order = computed(() => {
    const d = district.district;
    if (!d) return [];
    const communities = d.areas
      .filter((a) => a.level === 'community')
      .map((a) => a.code)
      .sort();
    return [d.code, ...communities];
  });
  const index = ref(0);
  const rotationCode = computed(() => order.value[index.value]);
  const focusCode = computed(() => (takeover.value ? alertFocusCode(takeover.value) : rotationCode.value));
  let touchedAt = -Infinity;

  watch(
    [focusCode, options.map],
    ([code, map]) => {
      if (code && map) map.focusArea(code);
    },
    { immediate: true },
  );
  // When the alert is acknowledged the rotation starts again from the whole area.
  watch(
    () => takeover.value?.id,
    (id, before) => {
      if (!id && before) index.value = 0;
    },
  );

  let timer: ReturnType<typeof setInterval> | undefined;
  const touched = () => (touchedAt = performance.now());
  onMounted(() => {
    options.stage.value?.addEventListener('pointerdown', touched);
    options.stage.value?.addEventListener('wheel', touched, { passive: true });
    if (options.rotateMs === null) return;
    timer = setInterval(() => {
      if (takeover.value || performance.now() - touchedAt < TOUCH_PAUSE_MS) return;
      index.value = Math.max(0, nextRotation(order.value, index.value));
    }, options.rotateMs);
  });
  onBeforeUnmount(() => {
    clearInterval(timer);
    options.stage.value?.removeEventListener('pointerdown', touched);
    options.stage.value?.removeEventListener('wheel', touched);
  });

  const sound = useAlertSound(
    computed(() => options.sound && takeover.value !== undefined),
    muted,
  );

  return {
    takeover,
    rotationCode,
    rotationIndex: index,
    rotationLength: computed(() => order.value.length),
    rotating: options.rotateMs !== null,
    sound,
  };
}
