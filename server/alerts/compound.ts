import { CODE_LENGTH, type AlertLinks, type Feed } from '../../protocol';
import type { AlertRecord } from './alert-track';
import type { Observation } from './rule-evaluators';
import type { AlertRule, CompoundRule } from './rule.schema';

/** A part candidate: a simple rule's alert with the rule it came from. */
export interface PartAlert {
  alert: AlertRecord;
  rule: AlertRule;
  feed: Feed | null;
}

/**
 * Compound incidents: the alerts of part rules (active, or seen within the window) grouped by the area at the
 * rule's level that holds their subject; an area with enough distinct feeds (and/or rules) is one incident
 * linking its parts. Areas the engine tracks but that no longer qualify are observed as not firing.
 */
export function evalCompound(
  rule: CompoundRule,
  parts: readonly PartAlert[],
  now: number,
  tracked: Iterable<string>,
  inScope: (code: string) => boolean,
): Observation[] {
  const len = CODE_LENGTH[rule.level];
  const eligible = rule.rules ? new Set(rule.rules) : undefined;
  const groups = new Map<string, { feeds: Set<Feed>; rules: Set<string>; links: AlertLinks }>();
  for (const p of parts) {
    if (p.rule.kind === 'compound' || (eligible && !eligible.has(p.rule.id))) continue;
    const a = p.alert;
    if (!a.active && now - a.lastSeen > rule.window) continue;
    if (a.subject.grid.length < len) continue;
    const code = a.subject.grid.slice(0, len);
    if (!inScope(code)) continue;
    let g = groups.get(code);
    if (!g)
      groups.set(
        code,
        (g = { feeds: new Set(), rules: new Set(), links: { devices: [], cases: [], parts: [], posts: 0 } }),
      );
    if (p.feed) g.feeds.add(p.feed);
    g.rules.add(p.rule.id);
    g.links.parts!.push(a.id);
    for (const d of a.links.devices)
      if (g.links.devices.length < 50 && !g.links.devices.includes(d)) g.links.devices.push(d);
    for (const c of a.links.cases) if (g.links.cases.length < 50 && !g.links.cases.includes(c)) g.links.cases.push(c);
    g.links.posts = (g.links.posts ?? 0) + (a.links.posts ?? 0);
  }
  const out: Observation[] = [];
  const need = (g: { feeds: Set<Feed>; rules: Set<string> }) =>
    (rule.minFeeds === undefined || g.feeds.size >= rule.minFeeds) &&
    (rule.minRules === undefined || g.rules.size >= rule.minRules);
  for (const [code, g] of groups) {
    const firing = need(g);
    out.push({
      subject: { type: 'area', id: code, grid: code },
      firing,
      clearing: !firing,
      value: rule.minFeeds !== undefined ? g.feeds.size : g.rules.size,
      threshold: rule.minFeeds ?? rule.minRules!,
      links: g.links,
    });
  }
  for (const code of tracked) {
    if (!groups.has(code))
      out.push({
        subject: { type: 'area', id: code, grid: code },
        firing: false,
        clearing: true,
        value: 0,
        threshold: rule.minFeeds ?? rule.minRules!,
      });
  }
  return out;
}
