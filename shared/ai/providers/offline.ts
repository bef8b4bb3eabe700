/**
 * The provider of last resort and of the explicit offline mode: no network, no model. Its
 * answer is empty and flagged `offline`, so an agent reports "offline" instead of parsing it:
 * nothing downstream can mistake it for a model's judgement.
 */
import type { AiProvider } from '../ports';

export const offlineProvider: AiProvider = {
  name: 'offline',
  async answer() {
    return {
      provider: 'offline',
      model: 'none',
      text: '',
      usage: { inputTokens: 0, outputTokens: 0 },
      costUsd: 0,
      latencyMs: 0,
      offline: true,
    };
  },
};
