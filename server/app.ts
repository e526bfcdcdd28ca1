import { createServer, type Server as HttpServer } from 'node:http';
import express, { type Express } from 'express';
import { DEMO_NAMESPACE, DEMO_REQUESTS, LIVE_REQUESTS, type DutyKpis, type IngestEvent, type ServerStatus } from '../protocol';
import type { District } from '../geo/district.types';
import type { Aggregator } from './aggregate/aggregator';
import type { DEFAULT_HEARTBEAT_TIMEOUT_MS } from './aggregate/device-tracker';
import { createAlertEngine, type AlertEngine } from './alerts/alert-engine';
import { createAuthService, type AuthService } from './auth/auth-service';
import { createRateLimit, DEFAULT_LIMITS, type RateLimit, type RateLimitOptions } from './auth/rate-limits';
import { createTokenIssuer } from './auth/tokens';
import type { UserStore } from './auth/user-store';
import { authMiddleware } from './hub/auth.middleware';
import { authRouter, requirePrincipal } from './http/auth.routes';
import { SqliteUserStore } from './store/sqlite-user-store';
import type { Redis } from 'ioredis';
import { ClusterNode, streetPartitions } from './cluster/cluster-node';
import { ownedInputs } from './cluster/owned-inputs';
import { registerClusterHandlers, type ClusterHandlers } from './hub/cluster.handlers';
import type { EventStreams, Membership } from './store/redis-cluster';
import { aggregatorInputs } from './alerts/alert-inputs';
import { DutyService } from './duty/duty-service';
import type { DutyStore } from './duty/duty-store';
import { createAlertNotifier, registerAlertHandlers } from './hub/alerts.handlers';
import { alertsRouter } from './http/alerts.routes';
import { casesRouter } from './http/cases.routes';
import { SqliteDutyStore } from './store/sqlite-duty-store';
import type { AlertRuleSet } from './alerts/rules-loader';
import type { Feed, FeedSink } from './feeds/feed';
import { DemoSession, noRecordings, type RecordingSource } from './demo/demo-session';
import { attachDemoNamespace, broadcastDemoStatus } from './hub/demo.handlers';
import type { Hub } from './hub/hub';
import { registerFloodGuard } from './hub/flood.guard';
import { REFUSED_DISCONNECTS, createIo } from './hub/io';
import { registerScopeHandlers } from './hub/scope.handlers';
import type { GridPulseServer, GridPulseSocket } from './hub/types';
import { geoRouter } from './http/geo.routes';
import { createMetrics, type Metrics } from './http/metrics';
import { staticRouter } from './http/static.routes';
import { streamRouter } from './http/stream.routes';
import { ingestErrorHandler, ingestRouter } from './ingest/http-ingest';
import type { Clock } from './pipeline/clock';
import type { Pipeline } from './pipeline/pipeline';
import { createTextAnalyzer, memoizeAnalyzer, type TextAnalyzer } from './nlp/text-analyzer';
import type { Db } from './store/database';
import { integrityCheck, openDatabase } from './store/database';
import { AggregateSnapshotStore } from './store/aggregate-snapshot';
import type { EventLog } from './store/event-log';
import { createWorld, uncountedPipeline, type World } from './world';

export interface AppConfig {
  /** Hub tick: one delta frame per scope per tick (default 250 ms). */
  tickMs: number;
  /** How often the per-area stats (layer `areas`) go out, ms; rounded to whole ticks (default 1000; issue #8). */
  areasEveryMs?: number;
  ingestToken: string;
  ingestLimitBytes: number;
  /** How much event history the log keeps and a restart rebuilds from (ms of event time). */
  historyMs: number;
  /** Built client to serve; omitted in API-only tests. */
  staticDir?: string;
  /** True when the built-in simulation feeds the pipeline (shown as "simulated" on every screen). */
  simulated: boolean;
  mode: 'live' | 'demo';
  /** Origins allowed to open a socket (besides same-origin); empty = same origin only. */
  allowedOrigins: string[];
  /** Anonymous read-only wall access (DESIGN §3.6; default on, `GRIDPULSE_ANONYMOUS=off`). */
  anonymous?: boolean;
  /** Lifetime of a login token (default 1 h). */
  tokenTtlMs?: number;
  /** How often the aggregate state is snapshotted for a restart (default 60 s; DESIGN §7). */
  snapshotEveryMs?: number;
  /** Socket requests per socket (default DEFAULT_LIMITS.requests); the fuzz test raises it to reach validation. */
  requestLimit?: RateLimitOptions;
}

export interface AppDeps {
  clock: Clock;
  district: District;
  gridAt: (lon: number, lat: number) => string | undefined;
  db: Db;
  config: AppConfig;
  feeds?: Feed[];
  heartbeatTimeoutMs?: typeof DEFAULT_HEARTBEAT_TIMEOUT_MS;
  /** Alert rules (parsed by main.ts from the rules file) and named device groups (e.g. elderly meters). */
  alerts?: { rules: AlertRuleSet; groups?: Readonly<Record<string, Iterable<string>>> };
  /** Text analysis of posts; defaults to the jieba analyzer. */
  analyze?: TextAnalyzer;
  /** Recordings demo mode can replay (main.ts: shipped ones, `${DATA_DIR}/recordings`, `--demo <file>`). */
  recordings?: RecordingSource;
  /** Real time under the demo's virtual clock; defaults to `clock`. */
  demoClock?: Clock;
  /** HS256 secret for login tokens (main.ts: GRIDPULSE_JWT_SECRET or a file in DATA_DIR); random when omitted. */
  jwtSecret?: Uint8Array;
  /** Where users live; defaults to the SQLite store in `db`. */
  users?: UserStore;
  /** Where alerts, duty actions and the audit trail live; defaults to the SQLite store in `db`. */
  dutyStore?: DutyStore;
  /** Cluster mode (DESIGN §7): this node's id, Redis for the adapter, liveness and the partitioned event streams. */
  cluster?: { nodeId: string; redis: Redis; prefix: string; membership: Membership; streams: EventStreams };
}

/** Event history a demo world keeps in its in-memory log (its aggregates never need more). */
const DEMO_HISTORY_MS = 60 * 60_000;

export interface GridPulseApp {
  app: Express;
  httpServer: HttpServer;
  io: GridPulseServer;
  pipeline: Pipeline;
  aggregator: Aggregator;
  hub: Hub;
  eventLog: EventLog;
  /** The live world (namespace `/`). */
  world: World;
  /** The live world's alert engine (demo worlds never raise real alerts, DESIGN §9.8). */
  alerts: AlertEngine;
  /** The duty workflow over the live engine: persisted alerts, actions, audit, KPIs (`duty.ready` after restore). */
  duty: DutyService;
  /** The demo controller and its isolated world (namespace `/demo`, DESIGN §9.8). */
  demo: DemoSession;
  metrics: Metrics;
  /** Users, login and token checks (DESIGN §3.6). */
  auth: AuthService;
  /** Per-key budgets: login attempts (per address and name) and duty actions (per user). */
  limits: { login: RateLimit; actions: RateLimit; requests: RateLimit };
  status(): ServerStatus;
  /** Starts the tick loop and the feeds. */
  start(): void;
  /** Stops feeds and ticks, flushes the log, closes sockets and the HTTP server (not the database). */
  close(): Promise<void>;
}

/** Builds the whole server without listening (STYLE.md 2): main.ts and tests decide where it listens. */
export function createApp(deps: AppDeps): GridPulseApp {
  const { clock, district, db, config } = deps;
  const metrics = createMetrics();
  const analyze = memoizeAnalyzer(deps.analyze ?? createTextAnalyzer());

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const httpServer = createServer(app);
  const io = createIo(httpServer, config.allowedOrigins, { redis: deps.cluster?.redis, redisPrefix: deps.cluster?.prefix });
  // Set once the world exists; the hub asks it which rooms this node sends (a cluster shares rooms).
  let clusterNode: ClusterNode | undefined;
  // Set once the cluster handlers exist: they follow street rooms for the spanning scopes' coordinator.
  const late: { cluster?: ClusterHandlers } = {};
  const auth = createAuthService({
    users: deps.users ?? new SqliteUserStore(db),
    tokens: createTokenIssuer(deps.jwtSecret ?? crypto.getRandomValues(new Uint8Array(32)), config.tokenTtlMs ?? 60 * 60_000),
    clock,
    anonymous: config.anonymous ?? true,
  });
  const limits = {
    login: createRateLimit(DEFAULT_LIMITS.login),
    actions: createRateLimit(DEFAULT_LIMITS.actions),
    requests: createRateLimit(config.requestLimit ?? DEFAULT_LIMITS.requests),
  };
  const refused = (reason: string) => metrics.rejected.inc({ reason });
  // Every connection, reconnection and recovery is authenticated, in both namespaces (DESIGN §9.7).
  io.use(authMiddleware(auth, clock, refused));
  io.of(DEMO_NAMESPACE).use(authMiddleware(auth, clock, refused));

  const areasEveryTicks = Math.max(1, Math.round((config.areasEveryMs ?? 1000) / config.tickMs));
  const world = createWorld({
    clock,
    district,
    gridAt: deps.gridAt,
    db,
    nsp: io.of('/'),
    counters: metrics.pipelineCounters,
    analyze,
    historyMs: config.historyMs,
    isolated: false,
    heartbeatTimeoutMs: deps.heartbeatTimeoutMs,
    onFrame: (frame, key) => {
      metrics.frames.inc();
      late.cluster?.onFrame(frame, key);
    },
    areasEveryTicks,
    ...(deps.cluster
      ? {
          hubOwns: (scope: string) => clusterNode?.owns(scope) ?? false,
          // A street's full-layer room stays while the cluster runs: the spanning scopes' coordinator follows it.
          roomSize: async (key: string) => (late.cluster?.keeps(key) ? 1 : (await io.in(key).fetchSockets()).length),
        }
      : {}),
  });
  const partitions = streetPartitions(district);
  if (deps.cluster) {
    clusterNode = new ClusterNode({
      nodeId: deps.cluster.nodeId,
      membership: deps.cluster.membership,
      streams: deps.cluster.streams,
      partitions,
      world,
      locate: (event) => world.pipeline.locate(event),
      rejected: (reason, n) => metrics.rejected.inc({ reason }, n),
      log: (line) => process.stdout.write(`${line}\n`),
      // A node that takes the alerts over reloads them from the shared store before it evaluates.
      onOwnership: () => void duty.reload().catch((err: Error) => process.stderr.write(`gridpulse: duty reload: ${err.message}\n`)),
    });
  }
  const { epoch, aggregator, pipeline, eventLog, hub } = world;
  const snapshots = new AggregateSnapshotStore(db);
  restore(aggregator, eventLog, snapshots, clock.now() - Math.min(config.historyMs, 60 * 60_000), clock.now(), analyze);

  const alerts = createAlertEngine({ rules: deps.alerts?.rules.rules ?? [], silences: deps.alerts?.rules.silences ?? [] });
  const allInputs = aggregatorInputs(aggregator, {
    areaNames: new Map(district.areas.map((a) => [a.code, a.name])),
    areaNamesEn: new Map(district.areas.flatMap((a) => (a.nameEn ? [[a.code, a.nameEn] as const] : []))),
    groups: deps.alerts?.groups,
  });
  // In a cluster each node raises and clears the alerts of the streets it aggregates, and only those (DESIGN §7).
  const ownerNode = clusterNode;
  const alertInputs = ownerNode ? ownedInputs(allInputs, (code) => ownerNode.owns(code)) : allInputs;
  const rootNsp = io.of('/');
  const areaCenters = new Map(district.areas.map((a) => [a.code, a.center] as const));
  const logError = (err: Error) => process.stderr.write(`gridpulse: duty: ${err.message}\n`);
  // In a multi-street cluster a node's KPI book holds the alerts of its own streets only: the figures of an area
  // spanning streets come from the shared store, read a second after a change (its save is in by then; changes
  // within that second share the read).
  const spanningKpis = new Map<string, Promise<DutyKpis>>();
  const kpisFor = (area: string): DutyKpis | Promise<DutyKpis> => {
    if (!ownerNode || ownerNode.partitionOf(area) !== undefined) return duty.kpis(area);
    let read = spanningKpis.get(area);
    if (!read) {
      read = new Promise((r) => setTimeout(r, 1_000))
        .then(() => duty.storedKpis(area))
        .finally(() => spanningKpis.delete(area));
      spanningKpis.set(area, read);
    }
    return read;
  };
  // The duty workflow runs on the live world only: demo worlds never raise or act on real alerts (DESIGN §9.8).
  const duty: DutyService = new DutyService({
    engine: alerts,
    store: deps.dutyStore ?? new SqliteDutyStore(db),
    clock,
    inputs: alertInputs,
    notifier: createAlertNotifier(rootNsp, kpisFor),
    fileCase: (event) => pipeline.ingest([event]).rejected[0]?.message,
    areaCenter: (code) => areaCenters.get(code),
    device: (id) => {
      const d = aggregator.devices.get(id);
      if (!d) return undefined;
      const v = aggregator.devices.view(d);
      return { id: v.id, type: v.type, state: v.status, grid: v.grid, lastSeen: v.lastSeen };
    },
    caseView: (id) => aggregator.cases.view(id),
    onChange: (c) => metrics.alertChanges.inc({ change: c.type, severity: c.alert.severity }),
    onKpi: (e) => {
      if (e.ttaMs !== undefined) metrics.duty.timeToAck.observe({ severity: e.severity }, e.ttaMs / 1000);
      if (e.ttrMs !== undefined) metrics.duty.timeToResolve.observe({ severity: e.severity }, e.ttrMs / 1000);
    },
    onError: logError,
    ...(ownerNode ? { owns: (grid: string) => ownerNode.owns(grid) } : {}),
  });
  duty.ready.catch(logError);
  metrics.duty.setKpiSource(() => duty.kpis('*'));
  // Alerts skip the tick (DESIGN §2): new data is evaluated as soon as it is in, so a critical alert goes out at once.
  pipeline.onAccepted((events) => duty.onAccepted(events));
  /** Evaluates the rules on the clock (absence, escalation, expiry) and sends each change at once. */
  // In a cluster a node evaluates the alerts of the streets it owns (others' worlds lack those events).
  const evaluateAlerts = () => {
    if (!clusterNode || clusterNode.owned.length > 0) duty.evaluate(clock.now());
  };
  const cluster =
    deps.cluster && clusterNode
      ? registerClusterHandlers(io, {
          nodeId: deps.cluster.nodeId,
          node: clusterNode,
          hub,
          duty,
          partitions,
          codesWithin: (scope) => aggregator.registry.codesWithin(scope),
          publish: (info) => deps.cluster!.membership.setInfo(info),
          now: () => clock.now(),
          log: (line) => process.stdout.write(`${line}\n`),
        })
      : undefined;
  late.cluster = cluster;
  const dutyApi = cluster?.duty ?? duty;
  const node = clusterNode;
  /** Where ingest goes: the local pipeline, or (cluster) the partition's Redis stream, applied by its owner. */
  const ingestTarget = node ? { ingest: (events: readonly IngestEvent[]) => node.publish(events) } : pipeline;

  const status = (): ServerStatus => ({
    mode: config.mode,
    simulated: config.simulated,
    epoch: clusterNode?.epochFor('*') ?? epoch,
    clockTime: clock.now(),
    districtName: district.name,
  });
  /**
   * The status heartbeat. In a cluster the epoch a client compares with its frames' is its scope's (a street's
   * owner's world, or the spanning scopes' coordinator's): each local scope room gets the status of its scope.
   */
  const heartbeat = () => {
    const node = clusterNode;
    if (!node) return void rootNsp.local.emit('status:changed', status());
    const scoped: string[] = [];
    for (const key of rootNsp.adapter.rooms.keys()) {
      if (!key.startsWith('scope:')) continue;
      const scope = key.slice('scope:'.length, key.indexOf('|'));
      rootNsp.local.to(key).emit('status:changed', { ...status(), epoch: node.epochFor(scope) ?? epoch });
      scoped.push(key);
    }
    rootNsp.local.except(scoped).emit('status:changed', status());
  };

  // Demo mode: worlds of their own (in-memory store, virtual clock, own epoch) on `/demo`. They share the
  // district and the text analyzer (both immutable) and nothing else with the live world.
  const demoNsp = io.of(DEMO_NAMESPACE);
  const rejectRequest = (reason: string) => metrics.rejected.inc({ reason });
  const demo: DemoSession = new DemoSession({
    realClock: deps.demoClock ?? clock,
    recordings: deps.recordings ?? noRecordings,
    districtCode: district.code,
    stepMs: config.tickMs,
    createWorld: (opts) => {
      const demoDb = openDatabase(':memory:');
      const demoWorld = createWorld({
        clock: opts.clock,
        district,
        gridAt: deps.gridAt,
        db: demoDb,
        nsp: demoNsp,
        counters: uncountedPipeline,
        analyze,
        historyMs: DEMO_HISTORY_MS,
        pruneEveryMs: DEMO_HISTORY_MS / 4,
        isolated: true,
        heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
        areasEveryTicks,
      });
      return { ...demoWorld, dispose: () => demoDb.close() };
    },
    onStatus: (s) => broadcastDemoStatus(demoNsp, s, demoStatus()),
    onWorld: () => demoNsp.local.emit('status:changed', demoStatus()),
  });
  const demoStatus = (): ServerStatus => ({
    mode: 'demo',
    simulated: false,
    epoch: demo.world.epoch,
    clockTime: demo.world.clock.now(),
    districtName: district.name,
  });

  attachDemoNamespace(io, demoNsp, { session: demo, status: demoStatus, rejected: rejectRequest });

  const guard = (known: readonly string[]) => {
    const names = new Set(known);
    return (socket: GridPulseSocket) => {
      registerFloodGuard(socket, { limit: limits.requests, known: names, rejected: rejectRequest });
      socket.on('disconnect', (reason) => {
        const refusal = REFUSED_DISCONNECTS.get(reason);
        if (refusal) rejectRequest(refusal);
      });
    };
  };
  demoNsp.on('connection', guard(DEMO_REQUESTS));
  const guardLive = guard(LIVE_REQUESTS);
  io.on('connection', (socket) => {
    guardLive(socket);
    metrics.clients.inc();
    socket.emit('status:changed', status());
    registerScopeHandlers(io, socket, { hub, aggregator, rejected: rejectRequest, open: cluster?.open });
    registerAlertHandlers(io, socket, { duty: dutyApi, rejected: rejectRequest, actionLimit: limits.actions });
    socket.on('disconnect', () => {
      metrics.clients.dec();
      hub.prune();
    });
  });

  app.get('/healthz', (_req, res) => {
    let database = 'ok';
    try {
      db.prepare('SELECT 1').get();
    } catch (err) {
      database = `error: ${(err as Error).message}`;
    }
    res.status(database === 'ok' ? 200 : 503).json({
      status: database === 'ok' ? 'ok' : 'degraded',
      ...status(),
      database,
      clients: io.engine.clientsCount,
      ...(node && deps.cluster
        ? { cluster: { node: deps.cluster.nodeId, live: deps.cluster.membership.live, owns: node.owned, ownsAll: node.ownsAll() } }
        : {}),
      devices: aggregator.devices.size,
    });
  });
  app.get('/metrics', async (_req, res) => {
    metrics.devices.set(aggregator.devices.size);
    metrics.alertsLive.reset();
    for (const a of alerts.alerts()) metrics.alertsLive.inc({ severity: a.severity, acknowledged: String(a.acknowledged) });
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  app.use(authRouter({ auth, loginLimit: limits.login, rejected: refused }));
  app.get('/api/status', (_req, res) => {
    res.json(status());
  });
  app.use(alertsRouter({ duty: dutyApi, rejected: rejectRequest, actionLimit: limits.actions, authenticate: requirePrincipal({ auth, rejected: refused }) }));
  // The map's case hexagons of the live world or the demo's own one (same authentication and jurisdiction).
  const worldNamed = (name: 'live' | 'demo') => (name === 'demo' ? demo.world : world);
  app.use(casesRouter({ world: worldNamed, authenticate: requirePrincipal({ auth, rejected: refused }), rejected: rejectRequest }));
  const countRejected = (reason: string, n: number) => metrics.rejected.inc({ reason }, n);
  app.use(ingestRouter({ pipeline: ingestTarget, rejected: countRejected, token: config.ingestToken, limitBytes: config.ingestLimitBytes }));
  const stream = streamRouter({ pipeline, token: config.ingestToken });
  app.use(stream);
  app.use(geoRouter(district));
  if (config.staticDir) app.use(staticRouter(config.staticDir));
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such API route' } });
  });
  app.use(ingestErrorHandler(countRejected));

  let timer: NodeJS.Timeout | undefined;
  const feeds = deps.feeds ?? [];
  const sink: FeedSink = node
    ? (events) => void node.publish(events).catch((err: Error) => process.stderr.write(`gridpulse: feed batch not published: ${err.message}\n`))
    : (events, meta) => void pipeline.ingest(events, meta);
  let pruneTimer: NodeJS.Timeout | undefined;

  return {
    app,
    httpServer,
    io,
    pipeline,
    aggregator,
    hub,
    eventLog,
    world,
    alerts,
    duty,
    demo,
    metrics,
    auth,
    limits,
    status,
    start() {
      if (timer) return;
      if (node) {
        void node.start().catch((err: Error) => process.stderr.write(`gridpulse: cluster: ${err.message}\n`));
        // Rooms span nodes: forget the ones no socket anywhere is in, every few seconds.
        pruneTimer = setInterval(() => {
          void hub.pruneShared().catch(() => undefined);
          void cluster?.prune(async (key) => (await io.in(key).fetchSockets()).length).catch(() => undefined);
        }, 10_000);
      }
      for (const feed of feeds) feed.start(sink);
      let ticks = 0;
      const every = (ms: number) => ++ticks % Math.max(1, Math.round(ms / config.tickMs)) === 0;
      timer = setInterval(() => {
        const end = metrics.tickSeconds.startTimer();
        world.tick(() => {
          cluster?.tick();
          evaluateAlerts();
        });
        end();
        // A heartbeat even when nothing changed: screens tell a quiet district from a dead connection.
        if (ticks % Math.max(1, Math.round(2000 / config.tickMs)) === 0) heartbeat();
        // Restart snapshot once a minute (DESIGN §7): a restart replays only the log after it.
        if (every(config.snapshotEveryMs ?? 60_000)) {
          const took = metrics.snapshotSeconds.startTimer();
          eventLog.flush();
          metrics.snapshotBytes.set(snapshots.save(aggregator.exportState(), eventLog.lastSeq(), clock.now()));
          took();
        }
      }, config.tickMs);
      demo.start();
    },
    async close() {
      for (const feed of feeds) feed.stop();
      if (timer) clearInterval(timer);
      timer = undefined;
      if (pruneTimer) clearInterval(pruneTimer);
      await node?.stop();
      await demo.close();
      await duty.close();
      eventLog.flush();
      stream.close();
      await io.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/**
 * After a restart (DESIGN §7): restores the latest aggregate snapshot and replays the log rows after it; with no
 * usable snapshot (first start, another district), rebuilds from the last `since` of the log.
 */
function restore(aggregator: Aggregator, log: EventLog, snapshots: AggregateSnapshotStore, since: number, now: number, analyze: TextAnalyzer): void {
  let rows: Iterable<IngestEvent>;
  const saved = snapshots.load();
  let restored = false;
  if (saved) {
    try {
      aggregator.importState(saved.snapshot);
      restored = true;
    } catch {
      // A snapshot of another district (GEO changed) or an older format: rebuild from the log instead.
    }
  }
  if (restored) {
    rows = log.readAfter(saved!.logSeq);
  } else {
    aggregator.advance(since);
    rows = log.readSince(since);
  }
  for (const event of rows) {
    // The pipeline logs events with their grid; a grid the district no longer has (GEO changed) is skipped.
    if (!event.grid || !aggregator.registry.lineage(event.grid)) continue;
    aggregator.advance(Math.min(now, Math.max(event.time, aggregator.time)));
    aggregator.apply(event, event.grid, event.kind === 'opinion.post' ? analyze(event.text) : undefined);
  }
  aggregator.advance(now);
  aggregator.takeChanges();
}

export { integrityCheck };
