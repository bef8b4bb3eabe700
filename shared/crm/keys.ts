/**
 * Key layout of CRM records in the `core` table. Contacts live under their workspace
 * (`WS#<ws>` / `CONTACT#<id>`, the same key the campaign audience pages through).
 */
export const CONTACT_PREFIX = 'CONTACT#';
export const contactSk = (contactId: string): string => `${CONTACT_PREFIX}${contactId}`;
/** One claim item per address makes the email unique per workspace. */
export const contactEmailSk = (email: string): string => `CONTACTEMAIL#${email.toLowerCase()}`;
/** Interactions: a partition per contact, sorted by time, newest read first. */
export const interactionPk = (workspaceId: string, contactId: string): string =>
  `WS#${workspaceId}#CONTACT#${contactId}`;
export const interactionSk = (occurredAt: string, interactionId: string): string =>
  `INTERACTION#${occurredAt}#${interactionId}`;
/** Score state and ledger share the contact's interaction partition. */
export const SCORE_SK = 'SCORE';
export const ledgerSk = (at: string, id: string): string => `LEDGER#${at}#${id}`;
/** gsi2 sorts a workspace's live contacts by tier and score: `WS#<ws>#TIER#hot` / zero-padded score. */
export const tierGsi2 = (workspaceId: string, tier: string, score: number, contactId: string) => ({
  gsi2pk: `WS#${workspaceId}#TIER#${tier}`,
  gsi2sk: `${String(Math.round(score * 100)).padStart(6, '0')}#${contactId}`,
});
export const SCORING_RULES_SK = 'SCORING_RULES';
