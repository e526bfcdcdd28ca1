import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has defaults for a fresh machine', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 8080, DATA_DIR: './.data', GRIDPULSE_SIMULATE: 'on', GRIDPULSE_TICK_MS: 250 });
    expect(c.GRIDPULSE_ALLOWED_ORIGINS).toEqual([]);
  });

  it('says which option is wrong and why', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ GRIDPULSE_SIMULATE: 'yes' })).toThrow(/GRIDPULSE_SIMULATE/);
  });

  it('reads a config file and lets the environment win', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gp-config-'));
    const file = join(dir, 'gridpulse.json');
    writeFileSync(file, JSON.stringify({ PORT: 9000, GRIDPULSE_TICK_MS: 500 }));
    expect(loadConfig({ GRIDPULSE_CONFIG: file, PORT: '9100' })).toMatchObject({ PORT: 9100, GRIDPULSE_TICK_MS: 500 });
    writeFileSync(file, JSON.stringify({ PROT: 1 }));
    expect(() => loadConfig({ GRIDPULSE_CONFIG: file })).toThrow(/unknown option\(s\) PROT/);
  });

  it('limits the heap growth to 50 % by default; 0 leaves it to V8', () => {
    expect(loadConfig({}).GRIDPULSE_HEAP_GROWTH_PCT).toBe(50);
    expect(loadConfig({ GRIDPULSE_HEAP_GROWTH_PCT: '0' }).GRIDPULSE_HEAP_GROWTH_PCT).toBe(0);
    expect(() => loadConfig({ GRIDPULSE_HEAP_GROWTH_PCT: '-5' })).toThrow(/GRIDPULSE_HEAP_GROWTH_PCT/);
  });

  it('keeps MQTT ingest off by default and checks its options', () => {
    expect(loadConfig({})).toMatchObject({ GRIDPULSE_MQTT_URL: '', GRIDPULSE_MQTT_TOPIC: 'gridpulse/+/+', GRIDPULSE_MQTT_CLIENT_ID: 'gridpulse-ingest' });
    const c = loadConfig({ GRIDPULSE_MQTT_URL: 'mqtt://127.0.0.1:1883', GRIDPULSE_MQTT_SHARED_GROUP: 'ingest', GRIDPULSE_MQTT_TOPIC: 'city/+/+' });
    expect(c).toMatchObject({ GRIDPULSE_MQTT_URL: 'mqtt://127.0.0.1:1883', GRIDPULSE_MQTT_SHARED_GROUP: 'ingest', GRIDPULSE_MQTT_TOPIC: 'city/+/+' });
    expect(() => loadConfig({ GRIDPULSE_MQTT_URL: 'http://broker' })).toThrow(/GRIDPULSE_MQTT_URL/);
    expect(() => loadConfig({ GRIDPULSE_MQTT_SHARED_GROUP: 'a/b' })).toThrow(/GRIDPULSE_MQTT_SHARED_GROUP/);
  });
});
