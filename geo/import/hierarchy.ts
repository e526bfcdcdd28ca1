import { CODE_LENGTH, levelOfCode, type AreaLevel } from '../../protocol';
import { ADMIN_CODE, childCode, deriveAdminCode, numberingOrder } from './codes';
import { ImportError, type ImportOptions, type ImportProblem, type ImportStats } from './import.types';
import { ShapeIndex, type Shape } from './spatial';

/** A feature on its way to becoming an area. */
export interface Item extends Shape {
  featureId: string;
  name: string;
  nameEn?: string;
  sourceCode?: string;
  parentRef?: string;
  levelValue?: string;
  /** Nesting depth among the imported levels, 0 = outermost. */
  rank: number;
  level: AreaLevel;
  /** Undefined for the top area. */
  parent?: Item;
  code: string;
}

export interface Hierarchy {
  top: Item;
  /** Every area below the top. */
  items: Item[];
  syntheticTop: boolean;
  levels: ImportStats['levels'];
  codes: ImportStats['codes'];
}

const LEVELS: readonly AreaLevel[] = ['district', 'street', 'community', 'grid'];
const LEVEL_WORDS: Record<string, AreaLevel> = {
  区: 'district',
  县: 'district',
  街道: 'street',
  镇: 'street',
  乡: 'street',
  社区: 'community',
  村: 'community',
  网格: 'grid',
};

function parseLevel(value: string | undefined): AreaLevel | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(v) ? (v as AreaLevel) : LEVEL_WORDS[v];
}

type Report = (p: ImportProblem) => void;

/** Ranks by levels: explicit (option / level field), from code lengths, or from containment nesting. */
function assignRanks(
  items: Item[],
  options: ImportOptions,
  report: Report,
): { mode: Hierarchy['levels']; kept: Item[]; hint: Map<Item, Item> } {
  const hint = new Map<Item, Item>();
  if (options.level) {
    for (const it of items) it.level = options.level;
    return { mode: 'option', kept: items, hint };
  }
  if (options.levelField) {
    const kept = items.filter((it) => {
      const level = parseLevel(it.levelValue);
      if (level) it.level = level;
      else
        report({
          featureId: it.featureId,
          severity: 'error',
          kind: 'level',
          message: `level field "${options.levelField}" is ${JSON.stringify(it.levelValue ?? null)}, not a level`,
          hint: 'use district|street|community|grid (or 区|街道|社区|网格); with --force the feature is left out',
        });
      return level !== undefined;
    });
    return { mode: 'level-field', kept, hint };
  }
  if (options.codeField && items.every((it) => it.sourceCode && levelOfCode(it.sourceCode))) {
    const lengths = new Set(items.map((it) => it.sourceCode!.length));
    // Codes of one length say nothing about nesting: a city's 6-digit districts are one level, found below.
    if (lengths.size > 1) {
      for (const it of items) it.level = levelOfCode(it.sourceCode!)!;
      return { mode: 'code-length', kept: items, hint };
    }
  }
  const index = new ShapeIndex(items);
  const depth = new Map<Item, number>();
  for (const it of [...items].sort((a, b) => b.m2 - a.m2)) {
    const outer = index.container(it);
    if (outer) hint.set(it, outer);
    depth.set(it, outer ? (depth.get(outer) ?? 0) + 1 : 0);
  }
  for (const it of items) it.rank = depth.get(it) ?? 0;
  return { mode: 'containment', kept: items, hint };
}

/** Builds levels, parents and codes; errors go to `report`, what was decided to `note`. */
export function buildHierarchy(
  all: Item[],
  options: ImportOptions,
  report: Report,
  note: (text: string) => void,
): Hierarchy {
  const { mode, kept: items, hint } = assignRanks(all, options, report);
  if (items.length === 0) throw new ImportError('no feature could be imported', 'see the problems listed above');
  if (mode !== 'containment') {
    const present = LEVELS.filter((l) => items.some((it) => it.level === l));
    for (const it of items) it.rank = present.indexOf(it.level);
  }
  const rankCount = Math.max(...items.map((it) => it.rank)) + 1;
  const byRank = (r: number): Item[] => items.filter((it) => it.rank === r);
  const outermost = byRank(0);
  let top: Item | undefined = rankCount > 1 && outermost.length === 1 ? outermost[0] : undefined;

  if (rankCount === 1) {
    const given = items[0]!.level;
    for (const it of items) it.level = 'grid';
    note(
      `the file has one level${mode === 'option' && given !== 'grid' ? ` (--level ${given})` : ''}: its ${items.length} areas are imported as grids (the level events are located in) under a top area drawn as their outline`,
    );
  } else if (mode === 'containment') {
    if (rankCount > 4 || (rankCount === 4 && !top))
      throw new ImportError(
        `the areas nest ${rankCount} deep${top ? '' : ' under several outermost areas'}, more than the 4 levels (district, street, community, grid)`,
        'import fewer levels, or give the levels with --level-field',
      );
    for (const it of items) it.level = LEVELS[4 - rankCount + it.rank] as AreaLevel;
    note(
      `levels inferred from containment: ${LEVELS.slice(4 - rankCount)
        .map((l, r) => `${byRank(r).length} ${l}`)
        .join(', ')}`,
    );
  } else {
    const deepest = items.find((it) => it.rank === rankCount - 1)!.level;
    if (deepest !== 'grid')
      throw new ImportError(
        `no grid-level areas (the deepest level is ${deepest}): the server locates events in grids`,
        mode === 'code-length'
          ? 'import the deepest level with --level grid, or add 15-digit grid codes'
          : 'map the deepest level to grid',
        'options',
      );
    if (!top && outermost[0]!.level === 'district')
      throw new ImportError(
        `${outermost.length} district-level areas: a package has one top area`,
        'import one district at a time, or import the districts alone with --level grid',
        'options',
      );
  }

  const syntheticTop = top === undefined;
  const sourceCodes = items.map((it) => it.sourceCode);
  const inputCodesFit =
    options.codeField !== undefined &&
    items.every((it) => it.sourceCode && /^\d+$/.test(it.sourceCode) && it.sourceCode.length === CODE_LENGTH[it.level]);
  let adminCode: string | undefined;
  if (inputCodesFit) {
    const prefixes = new Set(items.map((it) => it.sourceCode!.slice(0, 6)));
    adminCode = top ? undefined : prefixes.size === 1 ? [...prefixes][0] : undefined;
    if (!top && !adminCode)
      throw new ImportError(
        'the codes do not share one 6-digit admin code, so no top area can hold them',
        'import one district at a time',
        'options',
      );
  } else {
    adminCode = options.adminCode ?? deriveAdminCode(sourceCodes);
    if (!adminCode || !ADMIN_CODE.test(adminCode))
      throw new ImportError(
        'codes must be generated and there is no admin code to start them with',
        'pass --admin-code <6 digits> (the GB/T 2260 code of the district), or --code-field naming a property that holds GB/T 2260 codes',
        'options',
      );
    const why = options.codeField
      ? `the codes in "${options.codeField}" do not fit the levels (e.g. ${sourceCodes.find((c) => c !== undefined) ?? 'none'} for a ${items[0]!.level}); they are kept as sourceCode in the report`
      : 'no --code-field';
    note(`codes generated from admin code ${adminCode} (${why}), numbered west→east, north→south inside each parent`);
  }

  if (!top) {
    top = {
      featureId: '@top',
      name: options.topName ?? '导入区域',
      rank: -1,
      level: 'district',
      code: adminCode!,
      geometry: { type: 'Polygon', coordinates: [] },
      bbox: [0, 0, 0, 0],
      point: [0, 0],
      m2: 0,
    };
  } else if (!inputCodesFit) {
    top.code = { district: adminCode!, street: `${adminCode!}001`, community: `${adminCode!}001001`, grid: '' }[
      top.level
    ];
  } else top.code = top.sourceCode!;
  const below = items.filter((it) => it !== top);
  if (inputCodesFit) for (const it of below) it.code = it.sourceCode!;
  assignParents(
    top,
    below,
    { hint, inputCodes: inputCodesFit, parentField: options.parentField, force: options.force ?? false },
    report,
  );
  if (!inputCodesFit) generateCodes(top, below);
  return { top, items: below, syntheticTop, levels: mode, codes: inputCodesFit ? 'from-input' : 'generated' };
}

function assignParents(
  top: Item,
  items: Item[],
  ctx: { hint: Map<Item, Item>; inputCodes: boolean; parentField?: string; force: boolean },
  report: Report,
): void {
  const minRank = Math.min(...items.map((it) => it.rank));
  const ranks = new Map<number, ShapeIndex<Item>>();
  const indexOf = (r: number): ShapeIndex<Item> => {
    let idx = ranks.get(r);
    if (!idx) ranks.set(r, (idx = new ShapeIndex(items.filter((it) => it.rank === r))));
    return idx;
  };
  const byRef = new Map<string, Item>();
  for (const it of [top, ...items]) {
    if (it.sourceCode) byRef.set(it.sourceCode, it);
    byRef.set(it.featureId, it);
  }
  const byCode = new Map([top, ...items].map((it) => [it.code, it]));
  for (const it of items) {
    if (it.rank === minRank) {
      it.parent = top;
      continue;
    }
    const shallower = (p: Item | undefined): p is Item => p !== undefined && (p === top || p.rank < it.rank);
    let parent: Item | undefined;
    if (ctx.parentField && it.parentRef !== undefined) {
      parent = byRef.get(it.parentRef);
      if (!shallower(parent)) {
        report({
          featureId: it.featureId,
          severity: 'warning',
          kind: 'no-parent',
          message: `parent "${it.parentRef}" (field "${ctx.parentField}") is not an area of a level above`,
          hint: 'the parent was found by containment instead; check the parent field',
        });
        parent = undefined;
      }
    }
    if (!parent && ctx.inputCodes) {
      for (let len = it.code.length - 3; len >= 6 && !parent; len -= 3) {
        const p = byCode.get(it.code.slice(0, len));
        if (shallower(p)) parent = p;
      }
    }
    if (!parent) {
      const hinted = ctx.hint.get(it);
      parent = hinted && hinted.rank === it.rank - 1 ? hinted : indexOf(it.rank - 1).container(it);
      if (!parent && it.rank - 1 === top.rank) parent = top;
    }
    if (!parent) {
      report({
        featureId: it.featureId,
        severity: 'error',
        kind: 'no-parent',
        message: `lies in no ${items.find((p) => p.rank === it.rank - 1)?.level ?? 'parent'} area (its interior point ${it.point.map((x) => x.toFixed(6)).join(', ')} and most of its area are outside all of them)`,
        hint: "fix its boundary or its parent's, or give parents with --parent-field; with --force it is attached to the top area",
      });
      parent = top;
    }
    it.parent = parent;
    if (ctx.inputCodes && !it.code.startsWith(parent.code))
      report({
        featureId: it.featureId,
        severity: 'error',
        kind: 'code',
        message: `code ${it.code} does not start with its parent's code ${parent.code} (${parent.name})`,
        hint: "a parent's code is a prefix of its children's (DESIGN §3.1): fix the codes, or omit --code-field to generate them",
      });
  }
}

function generateCodes(top: Item, items: Item[]): void {
  const children = new Map<Item, Item[]>();
  for (const it of items) {
    const list = children.get(it.parent!) ?? [];
    list.push(it);
    children.set(it.parent!, list);
  }
  const queue = [top];
  for (let parent = queue.shift(); parent; parent = queue.shift()) {
    const kids = children.get(parent) ?? [];
    numberingOrder(kids).forEach((kid, i) => {
      kid.code = childCode(parent.code, kid.level, i);
      queue.push(kid);
    });
  }
}
