import { onBeforeUnmount, onMounted, ref } from 'vue';
import { designSize } from './wall-options';

/**
 * Scale a design canvas to the viewport (measured from the window, never `screen`), contained and centred, so a
 * wall of any resolution (1920×1080 to 7680×2160) shows the same layout. The canvas takes the wall's shape
 * (`canvas`, e.g. 5760×2160), or with `fit: 'fill'` the viewport's own shape, so nothing is letterboxed.
 */
export function useStageScale(options: { canvas: { width: number; height: number }; fit: 'contain' | 'fill' }) {
  const scale = ref(1);
  const offsetX = ref(0);
  const offsetY = ref(0);
  const first = designSize(options.canvas);
  const width = ref(first.width);
  const height = ref(first.height);

  function fit() {
    const w = window.innerWidth;
    const h = window.innerHeight;
    const design = designSize(options.fit === 'fill' ? { width: w, height: h } : options.canvas);
    width.value = design.width;
    height.value = design.height;
    scale.value = Math.min(w / design.width, h / design.height);
    offsetX.value = (w - design.width * scale.value) / 2;
    offsetY.value = (h - design.height * scale.value) / 2;
  }

  onMounted(() => {
    fit();
    window.addEventListener('resize', fit);
  });
  onBeforeUnmount(() => window.removeEventListener('resize', fit));

  return { scale, offsetX, offsetY, width, height };
}
