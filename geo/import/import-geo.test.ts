import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDistrict } from '../district';
import { createGridIndex } from '../grid-index';
import { box, collection, communityWithGrids, feature, withGeometry, X0, Y0 } from './fixtures/shapes';
import { importGeography } from './import-geo';
import { ImportError, type ImportOptions, type ImportProblem } from './import.types';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const run = (text: string, options: ImportOptions = {}) => importGeography(text, { adminCode: '330106', ...options });
const only = (problems: ImportProblem[], kind: ImportProblem['kind']) => problems.filter((p) => p.kind === kind);

describe('importGeography: levels, parents and codes', () => {
  it('infers levels and parents from containment and numbers grids west→east, north→south', () => {
    const { district, report } = importGeography(fixture('community-grids.geojson'), { adminCode: '330106' });
    expect(report.problems).toEqual([]);
    expect(report.stats).toMatchObject({ levels: 'containment', codes: 'generated', syntheticTop: false });
    const d = parseDistrict(district);
    expect(d.code).toBe('330106001001');
    expect(d.areas[0]).toMatchObject({ code: '330106001001', level: 'community', name: '示范社区' });
    const grids = d.areas.filter((a) => a.level === 'grid').map((a) => [a.code, a.name, a.parent]);
    expect(grids).toEqual([
      ['330106001001001', '西北格', '330106001001'],
      ['330106001001002', '东北格', '330106001001'],
      ['330106001001003', '西南格', '330106001001'],
      ['330106001001004', '东南格', '330106001001'],
    ]);
    const index = createGridIndex(d);
    expect(index.gridAt(X0 + 0.005, Y0 + 0.015)).toBe('330106001001001');
    expect(index.gridAt(X0 + 0.015, Y0 + 0.005)).toBe('330106001001004');
  });

  it('imports a single level as grids under a synthetic top area drawn as their union', () => {
    const { district, report } = run(
      collection(
        feature({ name: '甲' }, box(X0, Y0, X0 + 0.01, Y0 + 0.01)),
        feature({ name: '乙' }, box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01)),
      ),
      { level: 'community', topName: '试点' },
    );
    const d = parseDistrict(district);
    expect(report.stats).toMatchObject({ syntheticTop: true, byLevel: { district: 1, grid: 2 } });
    expect(report.notes.join(' ')).toMatch(/one level .*--level community.* imported as grids/);
    expect(d).toMatchObject({ code: '330106', name: '试点' });
    d.bbox.forEach((v, k) => expect(v).toBeCloseTo([X0, Y0, X0 + 0.02, Y0 + 0.01][k]!, 9));
    expect(d.areas.map((a) => [a.code, a.parent])).toEqual([
      ['330106', undefined],
      ['330106000000001', '330106'],
      ['330106000000002', '330106'],
    ]);
    // The outline is one polygon: the shared edge dissolved.
    expect(d.areas[0]!.geometry.type).toBe('Polygon');
  });

  it('keeps codes whose lengths fit their levels and finds parents by prefix', () => {
    const text = collection(
      feature({ code: '330106001', name: '街道' }, box(X0, Y0, X0 + 0.02, Y0 + 0.01)),
      feature({ code: '330106001002', name: '乙社区' }, box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01)),
      feature({ code: '330106001001', name: '甲社区' }, box(X0, Y0, X0 + 0.01, Y0 + 0.01)),
      feature({ code: '330106001001001', name: '甲一' }, box(X0, Y0, X0 + 0.01, Y0 + 0.01)),
      feature({ code: '330106001002001', name: '乙一' }, box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01)),
    );
    const { district, report } = importGeography(text, { codeField: 'code' });
    expect(report.stats).toMatchObject({ levels: 'code-length', codes: 'from-input', syntheticTop: false });
    const d = parseDistrict(district);
    expect(d.code).toBe('330106001');
    expect(d.areas.map((a) => `${a.code}<${a.parent ?? ''}`)).toEqual([
      '330106001<',
      '330106001001<330106001',
      '330106001002<330106001',
      '330106001001001<330106001001',
      '330106001002001<330106001002',
    ]);
  });

  it('takes parents from --parent-field and levels from --level-field, generating codes', () => {
    const text = collection(
      feature({ id: 'S', kind: '街道', name: '街道' }, box(X0, Y0, X0 + 0.02, Y0 + 0.01)),
      feature({ id: 'g-east', kind: 'grid', up: 'S', name: '东' }, box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01)),
      feature({ id: 'g-west', kind: '网格', up: 'S', name: '西' }, box(X0, Y0, X0 + 0.01, Y0 + 0.01)),
    );
    const { district, report } = run(text, { idField: 'id', levelField: 'kind', parentField: 'up' });
    expect(report.problems).toEqual([]);
    const d = parseDistrict(district);
    expect(d.areas.map((a) => [a.code, a.level, a.name])).toEqual([
      ['330106001', 'street', '街道'],
      ['330106001000001', 'grid', '西'],
      ['330106001000002', 'grid', '东'],
    ]);
    expect(report.areas.find((a) => a.featureId === 'g-east')?.code).toBe('330106001000002');
  });

  it('derives the admin code from 6-digit adcodes of one city', () => {
    const text = collection(
      feature({ adcode: 440303, name: '罗湖' }, box(X0, Y0, X0 + 0.01, Y0 + 0.01)),
      feature({ adcode: 440304, name: '福田' }, box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01)),
    );
    const { district, report } = importGeography(text, { codeField: 'adcode' });
    expect(parseDistrict(district).code).toBe('440300');
    expect(report.areas.map((a) => a.sourceCode)).toEqual([undefined, '440303', '440304']);
  });

  it('asks for an admin code when codes must be generated and none can be derived', () => {
    expect(() => importGeography(collection(...communityWithGrids()))).toThrow(/admin code/);
  });
});

describe('importGeography: problems', () => {
  const square = box(X0, Y0, X0 + 0.01, Y0 + 0.01);
  const neighbour = box(X0 + 0.01, Y0, X0 + 0.02, Y0 + 0.01);

  it.each([
    [
      'an unclosed ring',
      [
        [X0, Y0],
        [X0 + 0.01, Y0],
        [X0 + 0.01, Y0 + 0.01],
        [X0, Y0 + 0.01],
      ],
      /not closed/,
    ],
    [
      'a ring under 4 positions',
      [
        [X0, Y0],
        [X0 + 0.01, Y0],
        [X0, Y0],
      ],
      /at least 4/,
    ],
    [
      'a NaN position',
      [
        [X0, Y0],
        [X0 + 0.01, Y0],
        [Number.NaN, Y0 + 0.01],
        [X0, Y0],
      ],
      /finite numbers/,
    ],
  ])('reports %s as invalid geometry with the feature id and a hint', (_, ring, message) => {
    const { district, report } = run(
      collection(feature({ name: '坏', id: 'bad-1' }, ring as number[][]), feature({ name: '好' }, neighbour)),
      { idField: 'id', level: 'grid' },
    );
    expect(district).toBeUndefined();
    const [p] = only(report.problems, 'invalid-geometry');
    expect(p).toMatchObject({ featureId: 'bad-1', severity: 'error', message: expect.stringMatching(message) });
    expect(p!.hint.length).toBeGreaterThan(10);
  });

  it('closes unclosed rings and leaves out unusable features with --force', () => {
    const open = [
      [X0, Y0],
      [X0 + 0.01, Y0],
      [X0 + 0.01, Y0 + 0.01],
      [X0, Y0 + 0.01],
    ];
    const nan = [
      [X0, Y0],
      [Number.NaN, Y0],
      [X0, Y0 + 0.01],
      [X0, Y0],
    ];
    const { district, report } = run(
      collection(feature({ name: '开' }, open), feature({ name: '坏' }, nan), feature({ name: '好' }, neighbour)),
      { level: 'grid', force: true },
    );
    const d = parseDistrict(district);
    expect(d.areas.filter((a) => a.level === 'grid').map((a) => a.name)).toEqual(['开', '好']);
    expect(report.stats).toMatchObject({ features: 3, skipped: 1, errors: 2 });
  });

  it('reports a self-intersecting (bow-tie) boundary', () => {
    const bowtie = [
      [X0, Y0],
      [X0 + 0.01, Y0 + 0.01],
      [X0 + 0.01, Y0],
      [X0, Y0 + 0.01],
      [X0, Y0],
    ];
    const { report } = run(collection(feature({ name: '蝶' }, bowtie)), { level: 'grid' });
    expect(only(report.problems, 'self-intersection')).toEqual([
      expect.objectContaining({
        featureId: '#0',
        severity: 'error',
        message: expect.stringContaining(`[${(X0 + 0.005).toFixed(6)}, ${(Y0 + 0.005).toFixed(6)}]`),
      }),
    ]);
  });

  it('accepts spikes and repeated positions (quantised boundaries) without a self-intersection', () => {
    const spiky = [
      [X0, Y0],
      [X0, Y0],
      [X0 + 0.01, Y0],
      [X0 + 0.015, Y0],
      [X0 + 0.01, Y0],
      [X0 + 0.01, Y0 + 0.01],
      [X0, Y0 + 0.01],
      [X0, Y0],
    ];
    const { district, report } = run(collection(feature({ name: '刺' }, spiky)), { level: 'grid' });
    expect(report.problems).toEqual([]);
    expect(parseDistrict(district).areas[1]!.geometry.coordinates).toEqual([square]);
  });

  it('reports siblings overlapping above the tolerance, and not below it', () => {
    const text = fixture('overlap.geojson');
    const strict = importGeography(text, { adminCode: '330106' });
    expect(only(strict.report.problems, 'overlap')).toEqual([
      expect.objectContaining({
        featureId: '#1',
        severity: 'error',
        message: expect.stringMatching(/overlaps #0 .* 10\.00% of the smaller/),
      }),
    ]);
    expect(strict.district).toBeUndefined();
    expect(importGeography(text, { adminCode: '330106', tolerance: 0.2 }).district).toBeDefined();
    expect(importGeography(text, { adminCode: '330106', force: true }).district).toBeDefined();
  });

  it('reports a gap when children do not cover their parent, naming a point in it', () => {
    const text = collection(
      feature({ name: '社区' }, box(X0, Y0, X0 + 0.03, Y0 + 0.01)),
      feature({ name: '西' }, square),
      feature({ name: '中' }, neighbour),
    );
    const { report } = run(text);
    expect(only(report.problems, 'gap')).toEqual([
      expect.objectContaining({
        featureId: '#0',
        severity: 'error',
        message: expect.stringMatching(/2 grid areas leave .* \(33\.3\d% of it\).*around \[120\.12/),
      }),
    ]);
  });

  it('reports duplicate codes', () => {
    const text = collection(
      feature({ code: '330106001001001', name: '甲' }, square),
      feature({ code: '330106001001001', name: '乙' }, neighbour),
    );
    const { district, report } = importGeography(text, { codeField: 'code' });
    expect(district).toBeUndefined();
    expect(only(report.problems, 'duplicate-code')).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringContaining('330106001001001') }),
    ]);
  });

  it('warns about holes and imports anyway', () => {
    const hole = box(X0 + 0.004, Y0 + 0.004, X0 + 0.006, Y0 + 0.006).reverse();
    const { district, report } = run(collection(feature({ name: '环' }, square, hole)), { level: 'grid' });
    expect(report.problems).toEqual([
      expect.objectContaining({ featureId: '#0', severity: 'warning', kind: 'hole', message: 'has 1 hole' }),
    ]);
    const index = createGridIndex(parseDistrict(district));
    expect(index.gridAt(X0 + 0.005, Y0 + 0.005)).toBeUndefined();
    expect(index.gridAt(X0 + 0.002, Y0 + 0.005)).toBe('330106000000001');
  });

  it('reports features that are not polygons', () => {
    const { report } = run(
      collection(
        withGeometry(
          { name: '线' },
          {
            type: 'LineString',
            coordinates: [
              [X0, Y0],
              [X0 + 1, Y0],
            ],
          },
        ),
        feature({ name: '好' }, square),
      ),
      { level: 'grid' },
    );
    expect(only(report.problems, 'invalid-geometry')[0]?.message).toMatch(/LineString, not a Polygon/);
  });

  it('refuses projected coordinates, naming the feature and suggesting reprojection', () => {
    expect(() => importGeography(fixture('projected.geojson'), { idField: 'id' })).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/feature B2 \(#1\) .*435000.*projected/),
        hint: expect.stringMatching(/WGS84/),
      }) as Error,
    );
  });

  it('refuses zipped shapefiles and non-geographic JSON', () => {
    expect(() => importGeography(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0]))).toThrow(/zipped shapefiles/);
    expect(() => importGeography('{"type":"Point","coordinates":[1,2]}')).toThrow(ImportError);
  });
});

describe('importGeography: TopoJSON', () => {
  it('imports every object of the topology, or the one named', () => {
    const all = importGeography(fixture('two-objects.topojson'), { codeField: 'code' });
    expect(parseDistrict(all.district).areas.map((a) => [a.code, a.name])).toEqual([
      ['330106', '导入区域'],
      ['330106001001001', '甲'],
      ['330106001001002', '乙'],
      ['330106001001003', '丙'],
    ]);
    expect(all.report.problems).toEqual([]);
    const one = importGeography(fixture('two-objects.topojson'), { codeField: 'code', object: 'grids' });
    expect(
      parseDistrict(one.district)
        .areas.filter((a) => a.level === 'grid')
        .map((a) => a.code),
    ).toEqual(['330106001001001', '330106001001002']);
    expect(() => importGeography(fixture('two-objects.topojson'), { object: 'nope' })).toThrow(/no object "nope"/);
  });
});
