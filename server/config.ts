import { readFileSync } from 'node:fs';
import { z } from 'zod';

const onOff = z.enum(['on', 'off']);
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Every option, by environment variable name (README "Configuration" lists them). An optional JSON config
 * file (`GRIDPULSE_CONFIG=path`) may set the same keys; the environment wins over the file.
 */
const configSchema = z.object({
  PORT: intFrom(0, 65535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./.data'),
  GEO: z.string().min(1).optional(),
  GRIDPULSE_SIMULATE: onOff.default('on'),
  GRIDPULSE_SIM_SEED: intFrom(0, 2 ** 31 - 1).default(20261128),
  GRIDPULSE_SIM_DEVICES: intFrom(0, 1_000_000).default(10_000),
  GRIDPULSE_SIM_RATE: intFrom(1, 100_000).optional(),
  GRIDPULSE_TICK_MS: intFrom(20, 10_000).default(250),
  /** Ms between two sends of the per-area stats (layer `areas`), rounded to whole ticks; the summary goes every tick. */
  GRIDPULSE_AREAS_MS: intFrom(20, 60_000).default(1000),
  GRIDPULSE_INGEST_TOKEN: z.string().min(8, 'must be at least 8 characters').default('gridpulse-local-ingest'),
  GRIDPULSE_INGEST_LIMIT_MB: intFrom(1, 1024).default(16),
  GRIDPULSE_HISTORY_HOURS: intFrom(1, 24 * 30).default(24),
  /** Seconds between aggregate snapshots; a restart restores the last one and replays the log after it. */
  GRIDPULSE_SNAPSHOT_SECONDS: intFrom(1, 3600).default(60),
  /**
   * How far (%) V8 may let its old generation grow past what the last full collection kept before collecting again;
   * 0 = V8's own choice (up to 4× on a machine with memory to spare). Lower: less RSS, more garbage-collector CPU.
   */
  GRIDPULSE_HEAP_GROWTH_PCT: intFrom(0, 1000).default(50),
  /** MQTT broker to ingest from (mqtt://, mqtts://, ws://, wss://); empty = MQTT ingest off. */
  GRIDPULSE_MQTT_URL: z
    .string()
    .regex(/^$|^(mqtts?|wss?):\/\/[^\s]+$/, 'must be a broker URL such as mqtt://127.0.0.1:1883 (or empty for off)')
    .default(''),
  GRIDPULSE_MQTT_TOPIC: z.string().min(1).default('gridpulse/+/+'),
  GRIDPULSE_MQTT_CLIENT_ID: z.string().min(1).max(128).default('gridpulse-ingest'),
  GRIDPULSE_MQTT_USERNAME: z.string().optional(),
  GRIDPULSE_MQTT_PASSWORD: z.string().optional(),
  /** Shared-subscription group for several servers splitting one feed (`$share/<group>/<topic>`). */
  GRIDPULSE_MQTT_SHARED_GROUP: z
    .string()
    .regex(/^[^/+#$\s]+$/, 'must be a plain name without / + # $ or spaces')
    .optional(),
  GRIDPULSE_ALERT_RULES: z.string().min(1).default('config/alert-rules.default.json'),
  /** Anonymous read-only wall (role wall, whole deployment); `off` in production (DESIGN §3.6). */
  GRIDPULSE_ANONYMOUS: onOff.default('on'),
  /** HS256 secret for login tokens; every node of a cluster needs the same. Unset: generated into DATA_DIR. */
  GRIDPULSE_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Lifetime of a login token, minutes (clients refresh before it ends). */
  GRIDPULSE_TOKEN_TTL_MIN: intFrom(1, 60 * 24 * 30).default(60),
  /** Password of the first admin, created on a first start; unset: one is generated and printed once. */
  GRIDPULSE_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  /** Redis for a cluster (Socket.IO adapter, node liveness, partitioned ingest); empty = one process, no Redis. */
  GRIDPULSE_REDIS_URL: z
    .string()
    .regex(/^$|^rediss?:\/\/[^\s]+$/, 'must be a Redis URL such as redis://127.0.0.1:6379 (or empty for off)')
    .default(''),
  /** This node's name in a cluster (unique per node); default: host name and port. */
  GRIDPULSE_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - only (at most 64)')
    .optional(),
  /** Name of the cluster: the prefix of its Redis keys and the PostgreSQL schema (several can share one server). */
  GRIDPULSE_CLUSTER_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,40}$/, 'lower-case letters, digits and _ only, starting with a letter')
    .default('gridpulse'),
  /** PostgreSQL for users, alerts, actions and audit shared by a cluster; empty = the embedded SQLite. */
  GRIDPULSE_PG_URL: z
    .string()
    .regex(/^$|^postgres(ql)?:\/\/[^\s]+$/, 'must be a PostgreSQL URL such as postgres://user@127.0.0.1:5432/db (or empty)')
    .default(''),
  GRIDPULSE_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean)),
});

export type Config = z.output<typeof configSchema>;
export const CONFIG_KEYS = Object.keys(configSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {}

/** Reads the configuration from an environment (and the file it names); throws ConfigError saying what is wrong. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  let fromFile: Record<string, unknown> = {};
  if (env.GRIDPULSE_CONFIG) {
    try {
      fromFile = JSON.parse(readFileSync(env.GRIDPULSE_CONFIG, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`GRIDPULSE_CONFIG=${env.GRIDPULSE_CONFIG}: ${(err as Error).message}`);
    }
    const unknown = Object.keys(fromFile).filter((k) => !CONFIG_KEYS.includes(k as keyof Config));
    if (unknown.length) throw new ConfigError(`GRIDPULSE_CONFIG: unknown option(s) ${unknown.join(', ')}; known: ${CONFIG_KEYS.join(', ')}`);
  }
  const input: Record<string, unknown> = { ...fromFile };
  for (const key of CONFIG_KEYS) if (env[key] !== undefined && env[key] !== '') input[key] = env[key];
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
