/**
 * Writes the built-in district: `node --import tsx geo/builtin/generate-district.ts`.
 * The output is committed; a unit test checks it equals a fresh generation.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateBuiltinDistrict } from './district.generator';

const target = fileURLToPath(new URL('../data/builtin-district.json', import.meta.url));
const district = generateBuiltinDistrict();
const json = JSON.stringify(district);
writeFileSync(target, json + '\n');
const grids = district.areas.filter((a) => a.level === 'grid').length;
console.log(
  `wrote ${target}: ${(json.length / 1024).toFixed(0)} KiB, ${district.areas.length} areas (${grids} grids), ` +
    `${district.buildings.length} buildings, ${district.roads.length} roads, ${district.pois.length} POIs`,
);
