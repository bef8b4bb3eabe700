/**
 * The email sender's failover chain, kept across invocations and rebuilt link by link when a
 * provider's credential changes (a new Resend key, a new SMTP URL): a link whose credential is the
 * same is kept as it is (the SMTP provider's pooled transport and its open connections with it),
 * and a link replaced or removed is closed (its provider's `close`, e.g. the SMTP pool's), so a
 * warm instance never keeps connections to a relay it no longer uses. Synchronous: two records of a
 * batch asking at once cannot both build (and one leak) a link. Holds no provider's code, so the
 * sender loads Resend's and nodemailer's only when a credential needs them.
 */
import type { ProviderName } from '../email/ports';
import type { ChainLink } from '../email/provider-failover';

/** A link the chain should hold now, or `undefined` when its provider is not configured. */
export interface LinkSpec {
  readonly name: ProviderName;
  /** What the link is built from (an API key, a URL): another value builds a new link. */
  readonly key: string;
  readonly build: () => ChainLink;
}

/** A provider with a pool or connections to let go of when it leaves the chain. */
const closeOf = (link: ChainLink): void => (link.provider as { close?: () => void }).close?.();

/**
 * The chain: `fixed` links first (SES), then the configured `specs` in their order. Answers the
 * same array while nothing changes.
 */
export function emailProviderChain(
  fixed: readonly ChainLink[],
): (specs: readonly (LinkSpec | undefined)[]) => ChainLink[] {
  const held = new Map<ProviderName, { key: string; link: ChainLink }>();
  let chain: ChainLink[] = [...fixed];
  return (specs) => {
    const wanted = specs.filter((spec): spec is LinkSpec => spec !== undefined);
    const unchanged = wanted.length === held.size && wanted.every((spec) => held.get(spec.name)?.key === spec.key);
    if (unchanged) return chain;
    const dropped: ChainLink[] = [];
    const next = new Map<ProviderName, { key: string; link: ChainLink }>();
    for (const spec of wanted) {
      const kept = held.get(spec.name);
      if (kept?.key === spec.key) {
        next.set(spec.name, kept);
        continue;
      }
      if (kept) dropped.push(kept.link);
      next.set(spec.name, { key: spec.key, link: spec.build() });
    }
    for (const [name, { link }] of held) if (!next.has(name)) dropped.push(link);
    held.clear();
    for (const [name, entry] of next) held.set(name, entry);
    chain = [...fixed, ...wanted.map((spec) => (next.get(spec.name) as { link: ChainLink }).link)];
    // Closed after the switch; a send still holding the old chain finishes (smtpProvider's close
    // waits for the messages in flight, and a late one is still delivered).
    for (const link of dropped) closeOf(link);
    return chain;
  };
}
