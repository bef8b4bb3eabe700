/**
 * The suppression store an unsubscribe link uses, in memory, as `dynamoUnsubscribeSuppressions`
 * models it: reasons per (workspace, address) and per (workspace, contact); `optOut` adds each
 * target's reasons only if it holds none of them, with the consent record, the audit entry and
 * the contact's unrecorded timeline entry, all or nothing. A full unsubscribe replaces the target's
 * topic opt-outs (only if its other reasons are still those it read); topic opt-outs are added only
 * up to MAX_REASONS_PER_ITEM. `beforeWrite` runs between a request's read and its write (to
 * interleave another request there).
 */
import type { ConsentRecord } from '../../../shared/crm/contacts/consent';
import {
  MAX_REASONS_PER_ITEM,
  NON_TOPIC_REASONS,
  optedOutTopic,
  type SuppressionReason,
} from '../../../shared/email/suppression-rules';
import type { OptOutTarget, UnrecordedUnsubscribe, UnsubscribeSuppressions } from '../../../shared/email/unsubscribe';
import type { AuditRecord } from '../../../shared/identity/ports';

export function memoryOptOuts(options: { beforeWrite?: () => Promise<void> } = {}) {
  const byAddress = new Map<string, Set<SuppressionReason>>();
  const byContact = new Map<string, Set<SuppressionReason>>();
  const unrecorded = new Map<string, Map<string, UnrecordedUnsubscribe>>();
  const consent: ConsentRecord[] = [];
  const audits: AuditRecord[] = [];
  const address = (ws: string, email: string) => `${ws}|${email.trim().toLowerCase()}`;
  const contact = (ws: string, contactId: string) => `${ws}|${contactId}`;
  const add = (map: Map<string, Set<SuppressionReason>>, k: string, reasons: readonly SuppressionReason[]) =>
    map.set(k, new Set([...(map.get(k) ?? []), ...reasons]));
  /** Whether `target` may be written on an item holding `held` (dynamo-suppressions.ts `optOutUpdate`). */
  const writable = (held: Set<SuppressionReason> | undefined, target: OptOutTarget) => {
    if (!target.reasons.every((r) => !held?.has(r))) return false;
    if (target.reasons.includes('unsubscribe')) {
      return NON_TOPIC_REASONS.every(
        (r) => target.reasons.includes(r) || (held?.has(r) ?? false) === target.held.includes(r),
      );
    }
    return (held?.size ?? 0) + target.reasons.length <= MAX_REASONS_PER_ITEM;
  };
  const put = (map: Map<string, Set<SuppressionReason>>, k: string, target: OptOutTarget) =>
    target.reasons.includes('unsubscribe')
      ? map.set(
          k,
          new Set([...(map.get(k) ?? [])].filter((r) => optedOutTopic(r) === undefined).concat(target.reasons)),
        )
      : add(map, k, target.reasons);
  const store = {
    async reasonsFor(ws: string, email: string, contactId?: string) {
      return [
        ...new Set([
          ...(byAddress.get(address(ws, email)) ?? []),
          ...(contactId ? (byContact.get(contact(ws, contactId)) ?? []) : []),
        ]),
      ];
    },
    async addressOptOuts(ws: string, email: string) {
      return [...(byAddress.get(address(ws, email)) ?? [])];
    },
    async contactOptOuts(ws: string, contactId: string) {
      return {
        reasons: [...(byContact.get(contact(ws, contactId)) ?? [])],
        unrecorded: [...(unrecorded.get(contact(ws, contactId))?.values() ?? [])],
      };
    },
    async optOut(write) {
      await options.beforeWrite?.();
      const { workspaceId: ws, person } = write;
      const addressKey = write.address && address(ws, write.address.email);
      const personKey = person && contact(ws, person.contactId);
      if (addressKey && write.address && !writable(byAddress.get(addressKey), write.address)) return false;
      if (personKey && person && !writable(byContact.get(personKey), person)) return false;
      if (addressKey && write.address) put(byAddress, addressKey, write.address);
      if (personKey && person) {
        put(byContact, personKey, person);
        const entries = unrecorded.get(personKey) ?? new Map();
        entries.set(person.unrecorded.id, person.unrecorded);
        unrecorded.set(personKey, entries);
        consent.push(person.consent);
      }
      audits.push(write.audit);
      return true;
    },
    async unsubscribeRecorded(ws: string, contactId: string, id: string) {
      unrecorded.get(contact(ws, contactId))?.delete(id);
    },
    /** A bounce or a complaint: added whatever is there (the event processor's unconditional write). */
    async suppress(ws: string, email: string, reason: SuppressionReason) {
      add(byAddress, address(ws, email), [reason]);
    },
    async suppressContact(ws: string, contactId: string, reason: SuppressionReason) {
      add(byContact, contact(ws, contactId), [reason]);
    },
  } satisfies UnsubscribeSuppressions & Record<string, unknown>;
  return {
    store,
    byAddress: (ws: string, email: string) => [...(byAddress.get(address(ws, email)) ?? [])],
    byContact: (ws: string, contactId: string) => [...(byContact.get(contact(ws, contactId)) ?? [])],
    unrecorded: (ws: string, contactId: string) => [...(unrecorded.get(contact(ws, contactId))?.values() ?? [])],
    consent,
    audits,
  };
}
