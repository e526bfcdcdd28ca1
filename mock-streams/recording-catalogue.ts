import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { IngestEvent, RecordingHeader, RecordingInfo } from '../protocol';
import { RecordingError, readRecording } from './recording';

const EXTENSION = /\.ndjson\.gz$/;

export interface RecordingCatalogueOptions {
  /** Folders whose `*.ndjson.gz` files are listed (a missing folder lists nothing). */
  dirs: { path: string; origin: 'shipped' | 'data' }[];
  /** Single files (the `--demo <file>` argument); they win over a folder's file with the same id. */
  files?: string[];
}

export interface RecordingCatalogue {
  /** Every readable recording, files first, then folders in the order given; unreadable files are left out. */
  list(): Promise<RecordingInfo[]>;
  /**
   * Opens a listed recording by id. Every event is validated as it is read until the file has once been read
   * to the end without error; after that (seek back, loop) it is trusted until it changes on disk.
   */
  open(id: string): Promise<{ header: RecordingHeader; events: AsyncIterable<IngestEvent>; close(): void }>;
  /** The id a file is listed under. */
  idOf(path: string): string;
}

interface Entry {
  path: string;
  origin: RecordingInfo['origin'];
}

/**
 * The recordings demo mode can replay (DESIGN §1 presenter): the shipped ones, those dropped into
 * `${DATA_DIR}/recordings/`, and the file named on the command line. Ids are file names without
 * `.ndjson.gz`; the server only ever opens a file it listed, never a path a client sent.
 */
export function createRecordingCatalogue(opts: RecordingCatalogueOptions): RecordingCatalogue {
  const headers = new Map<string, { key: string; header: RecordingHeader }>();
  /** `path|size:mtime` of files read to the end with every event valid (zod costs ~2/3 of a read). */
  const validated = new Set<string>();

  async function entries(): Promise<Map<string, Entry>> {
    const out = new Map<string, Entry>();
    for (const file of opts.files ?? [])
      if (!out.has(idOf(file))) out.set(idOf(file), { path: resolve(file), origin: 'argument' });
    for (const dir of opts.dirs) {
      let names: string[];
      try {
        names = (await readdir(dir.path)).filter((n) => EXTENSION.test(n)).sort();
      } catch {
        continue;
      }
      for (const name of names)
        if (!out.has(idOf(name))) out.set(idOf(name), { path: resolve(join(dir.path, name)), origin: dir.origin });
    }
    return out;
  }

  /** The header of a file, read again only when the file changed. */
  async function fileKey(path: string): Promise<string> {
    const s = await stat(path);
    return `${s.size}:${s.mtimeMs}`;
  }

  async function headerOf(path: string): Promise<RecordingHeader> {
    const key = await fileKey(path);
    const cached = headers.get(path);
    if (cached?.key === key) return cached.header;
    const rec = await readRecording(path);
    rec.close();
    headers.set(path, { key, header: rec.header });
    return rec.header;
  }

  return {
    idOf,
    async list() {
      const out: RecordingInfo[] = [];
      for (const [id, entry] of await entries()) {
        try {
          const h = await headerOf(entry.path);
          out.push({
            id,
            origin: entry.origin,
            start: h.start,
            end: h.end,
            events: h.events,
            district: h.district,
            deviceCount: h.deviceCount,
            scenarios: (h.scenarios ?? []).map((s) => ({ name: s.name, start: s.start, durationMs: s.durationMs })),
          });
        } catch (err) {
          if (!(err instanceof RecordingError) && (err as NodeJS.ErrnoException).code === undefined) throw err;
        }
      }
      return out;
    },
    async open(id) {
      const entry = (await entries()).get(id);
      if (!entry) throw new RecordingError(`no recording with id ${id}`);
      const key = `${entry.path}|${await fileKey(entry.path)}`;
      const validate = !validated.has(key);
      const rec = await readRecording(entry.path, { validate });
      if (!validate) return rec;
      async function* checked(): AsyncGenerator<IngestEvent> {
        yield* rec.events;
        validated.add(key);
      }
      return { ...rec, events: checked() };
    },
  };
}

function idOf(path: string): string {
  return basename(path).replace(EXTENSION, '').replace(/\.gz$/, '');
}
