/**
 * The provider the functions use, built from configuration: today the offline provider only.
 * (Being replaced by the Anthropic -> OpenRouter -> offline chain: shared/ai/provider-chain.ts.)
 */
import type { AiProvider } from '../ports';
import { offlineProvider } from './offline';

export function configuredProvider(): AiProvider {
  return offlineProvider;
}
