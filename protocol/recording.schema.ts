import { z } from 'zod';

/** The `format` every GridPulse recording declares on its first line (DESIGN §6). */
export const RECORDING_FORMAT = 'gridpulse-recording';
/** The recording version this build writes and reads. */
export const RECORDING_VERSION = 1;

const scenarioSchema = z.looseObject({
  name: z.string(),
  start: z.number().int(),
  durationMs: z.number().positive(),
  area: z.string().optional(),
});

const headerShape = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  /** Seed of the simulation that produced it, when it was simulated. */
  seed: z.number().optional(),
  /** Event-time span, epoch ms: every event has start ≤ time < end. */
  start: z.number().int(),
  end: z.number().int(),
  /** Code of the district the events belong to. */
  district: z.string().min(1),
  /** What wrote it, e.g. `gridpulse/mock-streams`. */
  createdBy: z.string().min(1),
  /** Number of event lines after the header. */
  events: z.number().int().nonnegative(),
  deviceCount: z.number().int().nonnegative().optional(),
  /** Average events per second the simulation aimed at. */
  rate: z.number().positive().optional(),
  scenarios: z.array(scenarioSchema).optional(),
  /** Mean heartbeat interval per device type, seconds: a replay sets its offline timeouts from these. */
  heartbeatS: z.record(z.string(), z.number().positive()).optional(),
});

/**
 * The header line of a recording. Unknown extra fields are kept (a newer writer may add some); the typed ones
 * are what readers rely on.
 */
export const recordingHeaderSchema = headerShape
  .loose()
  .refine((h) => h.end >= h.start, { message: 'end must not be before start', path: ['end'] });

export type RecordingHeader = z.output<typeof headerShape>;

/** What a writer supplies: format and version are added, and the event count when it is left out. */
export type RecordingHeaderInput = Omit<RecordingHeader, 'format' | 'version' | 'events'> & { events?: number };
