import { defineStore } from 'pinia';
import { computed, markRaw, ref, shallowRef } from 'vue';
import {
  SEVERITIES,
  type AckResult,
  type AlertDetail,
  type AlertNotification,
  type AlertView,
  type ApiError,
  type AuditEntry,
  type DutyAction,
  type DutyActionBody,
  type DutyActionResult,
  type DutyKpis,
} from '../../../protocol';

/** The requests and notifications the alert store needs; `services/socket.ts` implements it, tests fake it. */
export interface AlertTransport {
  readonly connected: boolean;
  /** Fires on every (re)connect: the queue is listed afresh each time. */
  onConnect(fn: () => void): () => void;
  onDisconnect(fn: () => void): () => void;
  onNotification(fn: (event: AlertNotificationEvent, n: AlertNotification) => void): () => void;
  onActioned(fn: (entry: AuditEntry) => void): () => void;
  onKpis(fn: (kpis: DutyKpis) => void): () => void;
  list(): Promise<AckResult<{ alerts: AlertView[]; kpis: DutyKpis }>>;
  detail(alertId: string): Promise<AckResult<AlertDetail>>;
  act<A extends DutyAction>(
    action: A,
    req: DutyActionBody<A> & { alertId: string },
  ): Promise<AckResult<DutyActionResult>>;
}

export type AlertNotificationEvent = 'alert:raised' | 'alert:updated' | 'alert:cleared' | 'alert:resolved';

/** What an action came to. `lost`: no answer even after retries (the action may or may not have happened). */
export type ActionOutcome = { ok: true; result: DutyActionResult } | { ok: false; error: ApiError; lost?: boolean };

/** Action bodies without the opId: the store makes one per action and keeps it across retries. */
export type ActionInput<A extends DutyAction> = A extends DutyAction ? Omit<DutyActionBody<A>, 'opId'> : never;

const rank = (a: AlertView) => SEVERITIES.indexOf(a.severity);

/**
 * The queue order: most severe first, then the ones nobody acknowledged, then the longest waiting. Stable for
 * equal alerts (by id) so rows do not swap on every update.
 */
export function compareQueue(a: AlertView, b: AlertView): number {
  return (
    rank(b) - rank(a) ||
    Number(a.acknowledged) - Number(b.acknowledged) ||
    a.firstSeen - b.firstSeen ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * A client-generated operation id (DESIGN §5), 8 to 64 characters. `randomUUID` exists only in secure contexts;
 * a wall opened over plain http on an intranet address falls back to `getRandomValues`, which exists everywhere.
 */
export function newOpId(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return `op-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface AlertStoreOptions {
  /** Attempts per action when the answer is lost (timeout or disconnect); each resends the same opId. */
  attempts?: number;
  /** Wait for a reconnect before a retry, at most this long. */
  reconnectWaitMs?: number;
}

/** An ack that never came (socket.io `timeout()` rejects) or a dropped connection: worth a retry. */
function lostError(err: unknown): ApiError {
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Alerts (DESIGN §3.5, STYLE 5): the live queue, listed from the server on every (re)connect and kept current by
 * `alert:*` notifications; the TTA/TTR KPIs; the detail of one alert with its audit trail; and the duty actions,
 * each with a client-made opId that a retry after a lost answer sends again, so it has exactly one effect.
 * Alerts are held in a plain Map (read through `version`): a busy day has thousands.
 */
export const useAlertsStore = defineStore('alerts', () => {
  const byId = shallowRef(markRaw(new Map<string, AlertView>()));
  const version = ref(0);
  const kpis = shallowRef<DutyKpis | null>(null);
  /** idle: no transport; listing: asking for the queue; ready: listed and following; error: the list was refused. */
  const phase = ref<'idle' | 'listing' | 'ready' | 'error'>('idle');
  const connected = ref(false);
  const lastError = shallowRef<ApiError | undefined>(undefined);
  /** Wall-clock ms of the last list or notification, for "updated … ago". */
  const updatedAt = ref<number | undefined>(undefined);

  const detailId = ref<string | undefined>(undefined);
  const detail = shallowRef<AlertDetail | null>(null);
  const detailError = shallowRef<ApiError | undefined>(undefined);
  /** Actions on their way, by alert id (one at a time per alert and action). */
  const pending = ref<Record<string, DutyAction | undefined>>({});

  let transport: AlertTransport | undefined;
  let offs: (() => void)[] = [];
  let listRequest = 0;
  let detailRequest = 0;
  let attempts = 3;
  let reconnectWaitMs = 15_000;
  const reconnectWaiters = new Set<() => void>();

  const queue = computed<readonly AlertView[]>(() => {
    void version.value;
    return markRaw([...byId.value.values()].sort(compareQueue));
  });

  /** Unacknowledged alerts per severity (sound, badges). */
  const unacknowledged = computed(() => queue.value.filter((a) => !a.acknowledged));

  function touch(at = Date.now()) {
    version.value += 1;
    updatedAt.value = at;
  }

  function reset(alerts: readonly AlertView[]) {
    byId.value = markRaw(new Map(alerts.map((a) => [a.id, a])));
    touch();
  }

  /** Applies one notification; a resolved alert leaves the live queue. */
  function apply(event: AlertNotificationEvent, n: AlertNotification) {
    if (event === 'alert:resolved') byId.value.delete(n.alert.id);
    else byId.value.set(n.alert.id, n.alert);
    if (detail.value?.alert.id === n.alert.id) detail.value = markRaw({ ...detail.value, alert: n.alert });
    touch();
  }

  function appendAudit(entry: AuditEntry) {
    const d = detail.value;
    if (!d || d.alert.id !== entry.alertId || d.audit.some((e) => e.id === entry.id)) return;
    detail.value = markRaw({ ...d, audit: [...d.audit, entry] });
  }

  async function list(): Promise<void> {
    if (!transport) return;
    const mine = ++listRequest;
    phase.value = 'listing';
    let ack: AckResult<{ alerts: AlertView[]; kpis: DutyKpis }>;
    try {
      ack = await transport.list();
    } catch (err) {
      if (mine !== listRequest) return;
      lastError.value = lostError(err);
      phase.value = 'error';
      return;
    }
    if (mine !== listRequest) return;
    if (!ack.ok) {
      lastError.value = ack.error;
      phase.value = 'error';
      return;
    }
    lastError.value = undefined;
    reset(ack.data.alerts);
    kpis.value = ack.data.kpis;
    phase.value = 'ready';
  }

  async function loadDetail(id: string): Promise<void> {
    if (!transport) return;
    const mine = ++detailRequest;
    let ack: AckResult<AlertDetail>;
    try {
      ack = await transport.detail(id);
    } catch (err) {
      if (mine === detailRequest) detailError.value = lostError(err);
      return;
    }
    if (mine !== detailRequest || detailId.value !== id) return;
    if (ack.ok) {
      detail.value = markRaw(ack.data);
      detailError.value = undefined;
    } else detailError.value = ack.error;
  }

  /** Shows one alert's detail (fetched now and on every reconnect); undefined closes it. */
  function select(id: string | undefined): void {
    if (id === detailId.value) return;
    detailId.value = id;
    detail.value = null;
    detailError.value = undefined;
    if (id) void loadDetail(id);
  }

  function waitForReconnect(): Promise<boolean> {
    if (transport?.connected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        reconnectWaiters.delete(done);
        resolve(transport?.connected ?? false);
      };
      const timer = setTimeout(done, reconnectWaitMs);
      reconnectWaiters.add(done);
    });
  }

  /**
   * Sends a duty action. When the answer is lost (ack timeout, dropped connection) it waits for the connection and
   * sends the very same request again, opId included: the server applies it once and answers the retry with
   * `replayed: true`. A refusal (conflict, forbidden, invalid) is returned as it is, never retried.
   */
  async function act<A extends DutyAction>(action: A, alertId: string, input: ActionInput<A>): Promise<ActionOutcome> {
    if (!transport) return { ok: false, error: { code: 'internal', message: 'not connected' }, lost: true };
    const req = { ...input, opId: newOpId(), alertId } as DutyActionBody<A> & { alertId: string };
    pending.value = { ...pending.value, [alertId]: action };
    let error: ApiError = { code: 'internal', message: 'not sent' };
    try {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (!(await waitForReconnect())) {
          error = { code: 'internal', message: 'not connected' };
          continue;
        }
        try {
          const ack = await transport.act(action, req);
          if (!ack.ok) return { ok: false, error: ack.error };
          // A resolve may be answered after its `alert:resolved` notification: it must not bring the alert back.
          if (ack.data.alert.resolvedAt !== undefined) byId.value.delete(ack.data.alert.id);
          else byId.value.set(ack.data.alert.id, ack.data.alert);
          touch();
          if (detail.value?.alert.id === alertId) detail.value = markRaw({ ...detail.value, alert: ack.data.alert });
          appendAudit(ack.data.entry);
          // A dispatch created a linked case: the detail's links are fetched again to show it.
          if (action === 'dispatch' && detailId.value === alertId) void loadDetail(alertId);
          return { ok: true, result: ack.data };
        } catch (err) {
          error = lostError(err);
        }
      }
      return { ok: false, error, lost: true };
    } finally {
      const next = { ...pending.value };
      delete next[alertId];
      pending.value = next;
    }
  }

  /** Follows a transport: lists on every (re)connect, applies notifications. Returns a detach function. */
  function attach(next: AlertTransport, options: AlertStoreOptions = {}): () => void {
    detach();
    transport = next;
    attempts = options.attempts ?? 3;
    reconnectWaitMs = options.reconnectWaitMs ?? 15_000;
    connected.value = next.connected;
    offs = [
      next.onConnect(() => {
        connected.value = true;
        for (const w of [...reconnectWaiters]) w();
        void list();
        if (detailId.value) void loadDetail(detailId.value);
      }),
      next.onDisconnect(() => {
        connected.value = false;
        listRequest += 1;
      }),
      next.onNotification(apply),
      next.onActioned(appendAudit),
      next.onKpis((k) => (kpis.value = k)),
    ];
    if (next.connected) void list();
    return detach;
  }

  function detach(): void {
    for (const off of offs) off();
    offs = [];
    transport = undefined;
    connected.value = false;
    phase.value = 'idle';
    for (const w of [...reconnectWaiters]) w();
  }

  return {
    byId,
    version,
    kpis,
    phase,
    connected,
    lastError,
    updatedAt,
    detailId,
    detail,
    detailError,
    pending,
    queue,
    unacknowledged,
    reset,
    apply,
    list,
    select,
    act,
    attach,
    detach,
  };
});
