/**
 * A real simulation through the real pipeline and Aggregator on a ManualClock, for the alert tests and the
 * alert benchmark: the same path production events take (locate → dedup → aggregate), minus the event log.
 */
import { readFileSync } from 'node:fs';
import { builtinDistrict } from '../../geo/district';
import { createGridIndex } from '../../geo/grid-index';
import { createSimulation, type Simulation, type SimulationOptions } from '../../mock-streams/simulation';
import type { CaseEvent, IngestEvent } from '../../protocol';
import { Aggregator } from '../../server/aggregate/aggregator';
import { aggregatorInputs, type AlertInputs } from '../../server/alerts/alert-inputs';
import { parseAlertRulesText, type AlertRuleSet } from '../../server/alerts/rules-loader';
import { createTextAnalyzer, memoizeAnalyzer } from '../../server/nlp/text-analyzer';
import { ManualClock } from '../../server/pipeline/clock';
import { Pipeline } from '../../server/pipeline/pipeline';

export const DEFAULT_RULES_PATH = new URL('../../config/alert-rules.default.json', import.meta.url);

export function loadDefaultRules(): AlertRuleSet {
  const loaded = parseAlertRulesText(readFileSync(DEFAULT_RULES_PATH, 'utf8'));
  if (!loaded.ok) throw new Error(`default rules invalid:\n${loaded.errors.join('\n')}`);
  return loaded.value;
}

const noop = () => undefined;

export function createSimRig(start: number) {
  const district = builtinDistrict();
  const index = createGridIndex(district);
  const aggregator = new Aggregator({ areaCodes: district.areas.map((a) => a.code) });
  const clock = new ManualClock(start);
  const analyze = memoizeAnalyzer(createTextAnalyzer());
  const pipeline = new Pipeline({
    clock,
    aggregator,
    gridAt: index.gridAt,
    log: { append: noop },
    counters: { accepted: noop, rejected: noop, duplicate: noop, late: noop, skewed: noop, backfilled: noop },
    analyze,
  });
  const areaNames = new Map(district.areas.map((a) => [a.code, a.name]));
  /** Last event of every case seen, to close the ones a finished simulation leaves open. */
  const lastCase = new Map<string, CaseEvent>();
  let elderly: string[] = [];

  return {
    district,
    aggregator,
    clock,
    simulation(opts: Omit<SimulationOptions, 'district'>): Simulation {
      const sim = createSimulation({ ...opts, district });
      elderly = sim.devices.filter((d) => d.type === 'water' && d.household?.elderly).map((d) => d.id);
      return sim;
    },
    /** AlertInputs over the aggregator, with the `elderly` group from the simulation's households. */
    inputs(): AlertInputs {
      return aggregatorInputs(aggregator, { areaNames, groups: { elderly } });
    },
    /** Runs `sim` to `to` in steps of `stepMs`, calling `each(now)` after each step's events are in. */
    run(sim: Simulation, to: number, stepMs: number, each?: (now: number) => void): number {
      let n = 0;
      for (let t = sim.now + stepMs; t <= to; t += stepMs) {
        const events: IngestEvent[] = sim.advance(t);
        for (const e of events) if (e.kind === 'case.updated') lastCase.set(e.caseId, e);
        clock.set(t);
        pipeline.ingest(events);
        aggregator.advance(t);
        n += events.length;
        each?.(t);
      }
      return n;
    },
    /** Closes every case a finished simulation left open (its later steps will never come). */
    closeOpenCases(time: number): void {
      const closing: IngestEvent[] = [];
      for (const e of lastCase.values()) {
        if (e.status === 'closed' || e.status === 'resolved') continue;
        closing.push({ ...e, id: `${e.id}-closed`, status: 'closed', time });
      }
      lastCase.clear();
      clock.set(time);
      pipeline.ingest(closing);
    },
  };
}
