import { masksPersonalData, type AlertDetail, type AlertView, type AuditEntry, type Principal } from '../../protocol';
import { maskAlert, maskId, maskText } from '../auth/masking';

/**
 * What a principal may see of duty data (DESIGN §3.6): everything for duty, leader and admin; wall screens get
 * no personal data — alerts through `maskAlert`, free-text notes without phone or ID numbers, household
 * devices by their last four characters.
 */
export function alertFor(p: Principal, a: AlertView): AlertView {
  return masksPersonalData(p.role) ? maskAlert(a) : a;
}

export function entryFor(p: Principal, e: AuditEntry): AuditEntry {
  return masksPersonalData(p.role) ? maskEntry(e) : e;
}

export function maskEntry(e: AuditEntry): AuditEntry {
  return e.note === undefined ? e : { ...e, note: maskText(e.note) };
}

export function detailFor(p: Principal, d: AlertDetail): AlertDetail {
  if (!masksPersonalData(p.role)) return d;
  const household = d.alert.kind === 'absence' && d.alert.subject.type === 'device';
  return {
    alert: maskAlert(d.alert),
    audit: d.audit.map(maskEntry),
    devices: household ? d.devices.map((dev) => ({ ...dev, id: maskId(dev.id) })) : d.devices,
    cases: d.cases.map((c) => (c.title === undefined ? c : { ...c, title: maskText(c.title) })),
  };
}
