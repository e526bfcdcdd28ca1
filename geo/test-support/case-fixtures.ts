import type { CaseView } from '../../protocol';

export const HOUR_MS = 3_600_000;

/** A case view for tests of the case layers and their hexagons: what matters is its state, time and place. */
export function caseAt(id: string, state: CaseView['state'], reportedAt: number, lon = 120.1): CaseView {
  return {
    id,
    status: 'reported',
    state,
    category: 'x',
    channel: 'hotline',
    urgency: 'normal',
    grid: 'g',
    lon,
    lat: 30.28,
    reportedAt,
    deadline: 0,
    closedAt: state === 'closed' ? reportedAt + HOUR_MS : null,
  };
}
