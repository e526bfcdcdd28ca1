import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import type { AreaInfo } from '../../../protocol';

/** What `GET /api/geo/district` answers: the district without geometry. */
export interface DistrictInfo {
  code: string;
  name: string;
  nameEn?: string;
  bbox: [number, number, number, number];
  center: [number, number];
  areas: AreaInfo[];
}

/** The watched district's names and extent (static for a session). */
export const useDistrictStore = defineStore('district', () => {
  const district = shallowRef<DistrictInfo | null>(null);
  const error = ref<string | undefined>(undefined);
  const areasByCode = computed(() => markRaw(new Map((district.value?.areas ?? []).map((a) => [a.code, a]))));

  function set(next: DistrictInfo) {
    district.value = markRaw(next);
    error.value = undefined;
  }

  function setError(message: string) {
    error.value = message;
  }

  /** Display name of an area in the given locale, falling back to Chinese, then the code. */
  function areaName(code: string, locale: string): string {
    const a = areasByCode.value.get(code);
    if (!a) return code;
    return locale.startsWith('en') && a.nameEn ? a.nameEn : a.name;
  }

  return { district, error, areasByCode, set, setError, areaName };
});
