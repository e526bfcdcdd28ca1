import type { CaseView } from '../../protocol';
import type { AlertInputs, DeviceFact } from '../alerts/alert-inputs';

/**
 * What the alert rules of one node of a multi-street cluster evaluate over (DESIGN §7): only the areas, devices
 * and cases of the streets it aggregates. Its world may still hold a street it lost (stale figures) and holds
 * nothing of the others' streets, so it neither raises nor clears alerts there; areas spanning several streets
 * (the district, the root) are evaluated by no node.
 */
export function ownedInputs(inputs: AlertInputs, owns: (code: string) => boolean): AlertInputs {
  return {
    ...inputs,
    areas: (level) => inputs.areas(level).filter(owns),
    *devices(type): Iterable<DeviceFact> {
      for (const d of inputs.devices(type)) if (owns(d.grid)) yield d;
    },
    device(id) {
      const d = inputs.device(id);
      return d && owns(d.grid) ? d : undefined;
    },
    *overdueCases(): Iterable<CaseView> {
      for (const c of inputs.overdueCases()) if (owns(c.grid)) yield c;
    },
  };
}
