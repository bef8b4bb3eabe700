/**
 * The suppression store an unsubscribe link uses, in memory, as `dynamoUnsubscribeSuppressions`
 * models it: reasons per (workspace, address) and per (workspace, contact); `optOut` adds each
 * target's reasons only if it holds none of them, with the consent record, the audit entry and
 * the contact's unrecorded timeline entry, all or nothing. `beforeWrite` runs between a request's
 * read and its write (to interleave another request there).
 */
import type { ConsentRecord } from '../../../shared/crm/contacts/consent';
import type { SuppressionReason } from '../../../shared/email/suppression-rules';
import type { UnrecordedUnsubscribe, UnsubscribeSuppressions } from '../../../shared/email/unsubscribe';
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
  const lacksAll = (held: Set<SuppressionReason> | undefined, reasons: readonly SuppressionReason[]) =>
    reasons.every((r) => !held?.has(r));
  const store = {
    async reasonsFor(ws: string, email: string, contactId?: string) {
      return [
        ...new Set([
          ...(byAddress.get(address(ws, email)) ?? []),
          ...(contactId ? (byContact.get(contact(ws, contactId)) ?? []) : []),
        ]),
      ];
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
      if (addressKey && write.address && !lacksAll(byAddress.get(addressKey), write.address.reasons)) return false;
      if (personKey && person && !lacksAll(byContact.get(personKey), person.reasons)) return false;
      if (addressKey && write.address) add(byAddress, addressKey, write.address.reasons);
      if (personKey && person) {
        add(byContact, personKey, person.reasons);
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
