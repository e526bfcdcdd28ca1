import { onBeforeUnmount, onMounted, ref } from 'vue';

/** Wall-clock time, updated every `everyMs`. */
export function useNow(everyMs = 1_000) {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => {
    timer = setInterval(() => (now.value = Date.now()), everyMs);
  });
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
