import type { DeviceType } from '../../protocol';

/** Comparison of a metric with a value. */
export type MetricOp = '>' | '>=' | '<' | '<=' | '==' | '!=';

export function compareMetric(a: number, op: MetricOp, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/**
 * A metric condition on one device type whose latest matching event time each device keeps (for absence
 * rules: "no `flow_l` > 0 for 12 h"). `key` names it; watches with an unchanged key keep what they learned.
 */
export interface MetricWatch {
  key: string;
  type: DeviceType;
  metric: string;
  op: MetricOp;
  value: number;
}
