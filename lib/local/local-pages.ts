/**
 * Pages the local API host serves itself, beside the declared routes: the API reference
 * (docs-page.ts) and the pages mailed links open (link-pages.ts). In the cloud neither is behind
 * API Gateway: mailed links open PUBLIC_BASE_URL's front end, and the reference stays local
 * (the README's section on the reference page says why).
 */

export interface PageAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Buffer;
}

/** Exact path -> what a GET (or HEAD) of it answers. */
export type LocalPages = Readonly<Record<string, () => Promise<PageAnswer>>>;

/** Headers of every local page; each page adds its own Content-Security-Policy. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};
