export { CASE_WINDOWS, casesInWindow, caseWeight, type CaseWindow } from '../../../../../geo/case-window';

/** How the cases are drawn. */
export const CASE_MODES = ['heatmap', 'hex', 'off'] as const;
export type CaseMode = (typeof CASE_MODES)[number];
