import type { AreaStats, FeedCounts } from '../../../../protocol';
import { totalEvents } from '../../stores/areas';

/** The five headline figures of the wall; undefined before the first snapshot. */
export interface HeadlineKpis {
  events5m: number | undefined;
  feeds: FeedCounts | undefined;
  /** Devices online / all devices, 0..1; undefined without devices. */
  onlineRatio: number | undefined;
  openCases: number | undefined;
  overdueCases: number | undefined;
  negativePosts1h: number | undefined;
}

export function headlineKpis(summary: AreaStats | null): HeadlineKpis {
  if (!summary) {
    return {
      events5m: undefined,
      feeds: undefined,
      onlineRatio: undefined,
      openCases: undefined,
      overdueCases: undefined,
      negativePosts1h: undefined,
    };
  }
  const { devices } = summary;
  return {
    events5m: totalEvents(summary.events5m),
    feeds: summary.events5m,
    onlineRatio: devices.total > 0 ? devices.online / devices.total : undefined,
    openCases: summary.cases.open,
    overdueCases: summary.cases.overdue,
    negativePosts1h: summary.opinion.negative1h,
  };
}
