/**
 * Interactions a machine probably caused (a mail scanner following every link, Apple's proxy
 * fetching every image) are kept on the timeline for the record but award no points: the
 * tracking routes flag them with `metadata.suspectedBot` (a list of signals).
 */
import type { Interaction } from '../model';

export const SUSPECTED_BOT = 'suspectedBot';

/** Whether `interaction` is flagged as a machine's (a non-empty `metadata.suspectedBot`). */
export function isSuspectedAutomation(interaction: { readonly metadata?: Interaction['metadata'] }): boolean {
  const signals = interaction.metadata?.[SUSPECTED_BOT];
  return Array.isArray(signals) && signals.length > 0;
}
