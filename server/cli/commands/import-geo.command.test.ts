import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDistrict } from '../../../geo/district';

const root = new URL('../../../', import.meta.url).pathname;
const fixture = (name: string): string => join(root, 'geo/import/fixtures', name);
const work = mkdtempSync(join(tmpdir(), 'gp-import-geo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/gridpulse.mjs'), 'import-geo', ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gridpulse import-geo (child process)', { timeout: 180_000 }, () => {
  it('prints help with every option and exits 0', () => {
    const r = cli('--help');
    expect(r.code).toBe(0);
    for (const option of [
      '--code-field',
      '--name-field',
      '--parent-field',
      '--level',
      '--crs',
      '--force',
      '--admin-code',
      'shapefiles are not supported',
    ])
      expect(r.stdout).toContain(option);
  });

  it('exits 2 on usage errors', () => {
    expect(cli(fixture('overlap.geojson')).stderr).toMatch(/missing --out/);
    expect(cli(fixture('overlap.geojson'), '--out', join(work, 'u'), '--crs', 'utm').code).toBe(2);
    expect(cli('--out', join(work, 'u')).code).toBe(2);
    expect(cli(fixture('community-grids.geojson'), '--out', join(work, 'u')).stderr).toMatch(/--admin-code/);
  });

  it('exits 1 when the file cannot be read', () => {
    const r = cli(join(work, 'missing.geojson'), '--out', join(work, 'm'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read/);
  });

  it('exits 3 on projected input, naming the feature', () => {
    const r = cli(fixture('projected.geojson'), '--out', join(work, 'p'), '--id-field', 'id');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/feature B2 .*projected[\s\S]*reproject/);
  });

  it('exits 3 on errors, writing only the report; --force imports anyway', () => {
    const out = join(work, 'o');
    const r = cli(fixture('overlap.geojson'), '--out', out, '--admin-code', '330106');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error +#1: overlaps #0/);
    expect(existsSync(join(out, 'district.json'))).toBe(false);
    const report = JSON.parse(readFileSync(join(out, 'import-report.json'), 'utf8')) as {
      problems: { kind: string; hint: string }[];
    };
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'overlap', hint: expect.any(String) })]);

    const forced = cli(fixture('overlap.geojson'), '--out', out, '--admin-code', '330106', '--force');
    expect(forced.code).toBe(0);
    expect(parseDistrict(JSON.parse(readFileSync(join(out, 'district.json'), 'utf8'))).areas).toHaveLength(3);
    // A second run does not silently replace the package.
    expect(cli(fixture('overlap.geojson'), '--out', out, '--admin-code', '330106', '--force').code).toBe(2);
    expect(cli(fixture('overlap.geojson'), '--out', out, '--admin-code', '330106', '--force', '--overwrite').code).toBe(
      0,
    );
  });

  it('imports GeoJSON and TopoJSON into a package the loader accepts', () => {
    const out = join(work, 'ok');
    const r = cli(fixture('community-grids.geojson'), '--out', out, '--admin-code', '330106');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/imported 1 community, 4 grid[\s\S]*GEO=/);
    expect(parseDistrict(JSON.parse(readFileSync(join(out, 'district.json'), 'utf8'))).code).toBe('330106001001');

    const topo = join(work, 'topo');
    expect(cli(fixture('two-objects.topojson'), '--out', topo, '--code-field', 'code', '--object', 'extra').code).toBe(
      0,
    );
    const d = parseDistrict(JSON.parse(readFileSync(join(topo, 'district.json'), 'utf8')));
    expect(d.areas.map((a) => a.code)).toEqual(['330106', '330106001001003']);
  });

  it('refuses a zipped shapefile with exit 3', () => {
    const zip = join(work, 'in.zip');
    writeFileSync(zip, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]));
    const r = cli(zip, '--out', join(work, 'z'));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/shapefiles are not supported[\s\S]*ogr2ogr/);
  });
});
