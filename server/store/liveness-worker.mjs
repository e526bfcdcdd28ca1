// Liveness beats from a worker thread (see liveness-beacon.ts): renews this node's key while the main thread has
// shown signs of life within `graceMs`, so a main thread busy for a few seconds (a large catch-up, a GC storm, a
// starved CPU) keeps its partitions, and one hung for longer, or a dead process, loses them within ttl.
// Plain JavaScript: a worker does not inherit the TypeScript loader in every runner (vitest, tsx).
import { parentPort, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';

const { url, key, ttlMs, everyMs, graceMs, alive } = workerData;
const lastTouch = new Float64Array(alive);
let value = workerData.value;
let stopped = false;
const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
redis.on('error', () => undefined); // reconnects by itself; a beat missed meanwhile is the TTL's business

parentPort.on('message', (msg) => {
  if (msg.type === 'value') value = msg.value;
  if (msg.type === 'stop') {
    stopped = true;
    clearInterval(timer);
    redis.disconnect();
    parentPort.close();
  }
});

const timer = setInterval(() => {
  if (stopped || performance.timeOrigin + performance.now() - lastTouch[0] > graceMs) return;
  redis.set(key, value, 'PX', ttlMs).catch(() => undefined);
}, everyMs);
