import { useI18n } from 'vue-i18n';
import type { AlertView } from '../../../../protocol';
import { useDistrictStore } from '../../stores/district';

/**
 * Names for where alerts are: "翠苑一区社区 · 第3网格" for a grid (its community first, since grid names repeat),
 * the area's own name above grid level, and the device or case id after the place.
 */
export function useAlertPlaces() {
  const district = useDistrictStore();
  const { locale } = useI18n();

  function areaLabel(code: string): string {
    const area = district.areasByCode.get(code);
    const name = district.areaName(code, locale.value);
    if (area?.level === 'grid' && area.parent) return `${district.areaName(area.parent, locale.value)} · ${name}`;
    return name;
  }

  function placeOf(a: AlertView): string {
    if (a.subject.type === 'area') return areaLabel(a.subject.id);
    return `${areaLabel(a.subject.grid)} · ${a.subject.id}`;
  }

  /** Street and communities (and their grids when `withGrids`) for an area picker, indented by level. */
  function areaOptions(withGrids = false): { code: string; name: string; depth: number }[] {
    const areas = district.district?.areas ?? [];
    const levels = withGrids ? ['street', 'community', 'grid'] : ['street', 'community'];
    return areas
      .filter((a) => levels.includes(a.level))
      .sort((x, y) => x.code.localeCompare(y.code))
      .map((a) => ({ code: a.code, name: district.areaName(a.code, locale.value), depth: levels.indexOf(a.level) }));
  }

  return { placeOf, areaLabel, areaOptions };
}
