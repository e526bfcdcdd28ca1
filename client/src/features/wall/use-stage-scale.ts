import { onBeforeUnmount, onMounted, ref } from 'vue';

/**
 * Scale a fixed design canvas (e.g. 1920×1080) to the viewport, contained and centred, so a wall of any
 * resolution (1920×1080 to 7680×2160) shows the same layout.
 */
export function useStageScale(width: number, height: number) {
  const scale = ref(1);
  const offsetX = ref(0);
  const offsetY = ref(0);

  function fit() {
    const w = window.innerWidth;
    const h = window.innerHeight;
    scale.value = Math.min(w / width, h / height);
    offsetX.value = (w - width * scale.value) / 2;
    offsetY.value = (h - height * scale.value) / 2;
  }

  onMounted(() => {
    fit();
    window.addEventListener('resize', fit);
  });
  onBeforeUnmount(() => window.removeEventListener('resize', fit));

  return { scale, offsetX, offsetY };
}
