import type { AlertView } from '../../protocol';

// Mainland mobile numbers and 18-character resident ID numbers: the personal data that reaches free text.
const PHONE = /(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;
const RESIDENT_ID = /(?<![\dXx])(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])/g;

/** Masks phone numbers and resident ID numbers in free text (DESIGN §3.6: no personal data on wall screens). */
export function maskText(text: string): string {
  return text.replace(RESIDENT_ID, '$1********$2').replace(PHONE, '$1****$2');
}

/** A household device id shown as its last four characters only. */
export function maskId(id: string): string {
  return id.length <= 4 ? '****' : `****${id.slice(-4)}`;
}

/**
 * An alert as a wall may show it. Absence alerts are about households (an elderly resident's water meter or
 * door), so the device that names the household is masked; free text loses phone and ID numbers.
 */
export function maskAlert(alert: AlertView): AlertView {
  const household = alert.kind === 'absence' && alert.subject.type === 'device';
  const masked: AlertView = {
    ...alert,
    message: maskText(alert.message),
    messageEn: maskText(alert.messageEn),
    ackNote: alert.ackNote === undefined ? undefined : maskText(alert.ackNote),
  };
  if (!household) return masked;
  return {
    ...masked,
    id: alert.id,
    subject: { ...alert.subject, id: maskId(alert.subject.id) },
    message: maskText(alert.message.split(alert.subject.id).join(maskId(alert.subject.id))),
    messageEn: maskText(alert.messageEn.split(alert.subject.id).join(maskId(alert.subject.id))),
    links: { ...alert.links, devices: alert.links.devices.map(maskId) },
  };
}
