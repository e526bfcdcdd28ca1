import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SEVERITIES, type DutyKpis, type Severity } from '../../protocol';
import type { PipelineCounters } from '../pipeline/pipeline';

/**
 * Prometheus metrics of one app instance (its own registry: several apps in one process, as in tests, never
 * share counters).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gridpulse_process_' });
  const accepted = new Counter({
    name: 'gridpulse_events_accepted_total',
    help: 'Events accepted into the pipeline, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'gridpulse_rejected_total',
    help: 'Inputs refused at an edge or in the pipeline, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'gridpulse_events_duplicate_total',
    help: 'Events dropped as duplicates of an id seen within the dedup horizon',
    registers: [registry],
  });
  const late = new Counter({
    name: 'gridpulse_events_late_total',
    help: 'Events older than the allowed lateness (counted, still folded in where their window is live)',
    registers: [registry],
  });
  const backfilled = new Counter({
    name: 'gridpulse_events_backfilled_total',
    help: 'Old events delivered as history on start (a feed pre-roll), not counted as late',
    registers: [registry],
  });
  const skewed = new Counter({
    name: 'gridpulse_events_clock_skew_total',
    help: 'Events from device clocks too far ahead, windowed by ingest time',
    registers: [registry],
  });
  const frames = new Counter({
    name: 'gridpulse_frames_sent_total',
    help: 'Delta frames sent to socket rooms',
    registers: [registry],
  });
  const clients = new Gauge({
    name: 'gridpulse_clients_connected',
    help: 'Socket.IO clients connected',
    registers: [registry],
  });
  const devices = new Gauge({
    name: 'gridpulse_devices_tracked',
    help: 'Devices with state in the aggregator',
    registers: [registry],
  });
  const tickSeconds = new Histogram({
    name: 'gridpulse_tick_duration_seconds',
    help: 'Hub tick duration (aggregate advance + frames)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });

  const alertChanges = new Counter({
    name: 'gridpulse_alert_changes_total',
    help: 'Alert changes sent to clients, by change (raised, updated, escalated, cleared, resolved) and severity',
    labelNames: ['change', 'severity'] as const,
    registers: [registry],
  });
  const alertsLive = new Gauge({
    name: 'gridpulse_alerts_live',
    help: 'Live alerts (active, or cleared and not yet acknowledged), by severity and acknowledged flag',
    labelNames: ['severity', 'acknowledged'] as const,
    registers: [registry],
  });
  const snapshotSeconds = new Histogram({
    name: 'gridpulse_aggregate_snapshot_seconds',
    help: 'Time to export and save the aggregate snapshot (once a minute)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const snapshotBytes = new Gauge({
    name: 'gridpulse_aggregate_snapshot_bytes',
    help: 'Size of the latest aggregate snapshot',
    registers: [registry],
  });

  // Duty KPIs (issue #6). Histograms observe each acknowledgement / resolution as it happens; the gauges are
  // the 24-h medians and open counts of the whole deployment, read from the duty service at each scrape.
  const ttaBuckets = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400];
  const timeToAck = new Histogram({
    name: 'gridpulse_alert_time_to_ack_seconds',
    help: 'Time from an alert being raised to its acknowledgement, by severity',
    labelNames: ['severity'] as const,
    buckets: ttaBuckets,
    registers: [registry],
  });
  const timeToResolve = new Histogram({
    name: 'gridpulse_alert_time_to_resolve_seconds',
    help: 'Time from an alert being raised to its resolution, by severity',
    labelNames: ['severity'] as const,
    buckets: ttaBuckets,
    registers: [registry],
  });
  let dutyKpis: (() => DutyKpis) | undefined;
  const kpiGauge = (name: string, help: string, read: (k: DutyKpis, s: Severity) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['severity'] as const,
      registers: [registry],
      collect() {
        this.reset();
        const k = dutyKpis?.();
        if (!k) return;
        for (const s of SEVERITIES) {
          const v = read(k, s);
          if (v !== null) this.set({ severity: s }, v);
        }
      },
    });
  kpiGauge('gridpulse_alert_tta_median_seconds', 'Median time to acknowledge of alerts raised in the last 24 h, by severity', (k, s) =>
    k.bySeverity[s].ttaMedianMs === null ? null : k.bySeverity[s].ttaMedianMs! / 1000,
  );
  kpiGauge('gridpulse_alert_ttr_median_seconds', 'Median time to resolve of alerts raised in the last 24 h, by severity', (k, s) =>
    k.bySeverity[s].ttrMedianMs === null ? null : k.bySeverity[s].ttrMedianMs! / 1000,
  );
  kpiGauge('gridpulse_alerts_open', 'Alerts not yet resolved, by severity', (k, s) => k.open[s]);
  const duty = {
    timeToAck,
    timeToResolve,
    /** Where the KPI gauges read the deployment-wide figures at each scrape. */
    setKpiSource(read: () => DutyKpis) {
      dutyKpis = read;
    },
  };

  const pipelineCounters: PipelineCounters = {
    accepted: (kind, n) => accepted.inc({ kind }, n),
    rejected: (reason, n) => rejected.inc({ reason }, n),
    duplicate: (n) => duplicates.inc(n),
    late: (n) => late.inc(n),
    backfilled: (n) => backfilled.inc(n),
    skewed: (n) => skewed.inc(n),
  };

  return { registry, pipelineCounters, rejected, frames, clients, devices, tickSeconds, alertChanges, alertsLive, snapshotSeconds, snapshotBytes, duty };
}

export type Metrics = ReturnType<typeof createMetrics>;
