import type { AreaLevel } from '../../protocol';
import type { District } from '../district.types';

/** Coordinate reference system of the input; imported geography is always stored as WGS84. */
export type InputCrs = 'wgs84' | 'gcj02' | 'bd09';

/** How the properties of the input map onto areas. Field names are property names; `@id` means the feature's `id`. */
export interface ImportOptions {
  /** Property holding the area code (GB/T 2260 adcode, or a 9/12/15-digit code). */
  codeField?: string;
  /** Property holding the Chinese name; default `name`. */
  nameField?: string;
  nameEnField?: string;
  /** Property holding the parent's code (or id); parents are found by containment when absent. */
  parentField?: string;
  /** Property holding the level (district|street|community|grid, or 区|街道|社区|网格). */
  levelField?: string;
  /** Level of every feature (a single-level file). */
  level?: AreaLevel;
  /** Property naming features in the report (and matched by parent references); default: code field, then `@id`. */
  idField?: string;
  /** 6-digit GB/T 2260 code used as the prefix of generated codes; derived from the source codes when absent. */
  adminCode?: string;
  /** Name of the top area when it is synthetic; default "导入区域". */
  topName?: string;
  /** Import despite errors: unusable features are left out, the rest is kept as it is. */
  force?: boolean;
  crs?: InputCrs;
  /** TopoJSON object to import; default: every object of the topology. */
  object?: string;
  /** Overlap and gap tolerance, as a share of the smaller (overlap) or the parent (gap) area; default 0.005. */
  tolerance?: number;
}

export type Severity = 'error' | 'warning';

/** One problem of the input: which feature, how bad, what is wrong and what to do about it. */
export interface ImportProblem {
  /** The feature's id (see {@link ImportOptions.idField}) or `#<index>` (0-based, in file order). */
  featureId: string;
  severity: Severity;
  /** Machine-readable kind, e.g. `overlap`, `gap`, `self-intersection`. */
  kind: ProblemKind;
  message: string;
  hint: string;
}

export type ProblemKind =
  | 'invalid-geometry'
  | 'self-intersection'
  | 'overlap'
  | 'gap'
  | 'duplicate-code'
  | 'hole'
  | 'no-parent'
  | 'code'
  | 'level'
  | 'name';

/** Where each imported area came from (its source code kept when codes were generated). */
export interface ImportedArea {
  featureId: string;
  code: string;
  level: AreaLevel;
  name: string;
  sourceCode?: string;
}

export interface ImportStats {
  features: number;
  imported: number;
  skipped: number;
  byLevel: Record<AreaLevel, number>;
  errors: number;
  warnings: number;
  crs: InputCrs;
  codes: 'from-input' | 'generated';
  levels: 'option' | 'level-field' | 'code-length' | 'containment';
  /** True when the top area was made as the outline of the imported areas. */
  syntheticTop: boolean;
}

/** `import-report.json`: what was imported, how, and every problem found. */
export interface ImportReport {
  stats: ImportStats;
  /** What the importer decided on its own (generated codes, inferred levels, a synthetic top area). */
  notes: string[];
  problems: ImportProblem[];
  areas: ImportedArea[];
}

export interface ImportResult {
  /** The package, or undefined when errors stopped the import. */
  district?: District;
  report: ImportReport;
}

export type ImportPhase = 'read' | 'geometry' | 'hierarchy' | 'topology';

/** Progress callback: per feature, per phase. */
export type ImportProgress = (phase: ImportPhase, done: number, total: number) => void;

/** The input cannot be imported at all (unreadable, projected coordinates, no polygons). */
export class ImportError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    /** `options`: the input is fine but the options cannot import it (e.g. codes to generate and no admin code). */
    readonly reason: 'input' | 'options' = 'input',
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
