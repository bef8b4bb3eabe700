/**
 * Runs a mailed link's page script (lib/local/link-pages.ts) as a browser would, without one:
 * the page's own inline script in a VM context with the few DOM pieces it uses (elements by
 * id, forms, the fragment, history) and a `fetch` that keeps cookies and sends the page's
 * Origin, against a running local runtime.
 */
import vm from 'node:vm';

export interface PageElement {
  readonly id: string;
  hidden: boolean;
  textContent: string;
  className: string;
}

/** A browser's `fetch` on `origin`: cookies kept from answers, Origin sent with every POST. */
export function browserFetch(origin: string) {
  const jar = new Map<string, string>();
  return async (route: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const res = await fetch(new URL(route, origin), {
      ...init,
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(method === 'GET' ? {} : { origin }),
      },
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  };
}

/**
 * Starts the page's script for `link` (its fragment included). `submit(id, values)` submits
 * the form `id` as a user filling it in would; `calls` lists the requests the script made.
 */
export function runLinkPage(html: string, link: URL, fetcher: ReturnType<typeof browserFetch>) {
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!script) throw new Error('the page has no inline script');
  const elements = new Map<string, PageElement & { values: Record<string, string>; onSubmit?: () => void }>();
  for (const [, tag, id] of Array.from(html.matchAll(/<(\w+)[^>]*\bid="([^"]+)"/g))) {
    const hidden = new RegExp(`<${tag}[^>]*id="${id}"[^>]*\\bhidden\\b`).test(html);
    elements.set(id as string, { id: id as string, hidden, textContent: '', className: '', values: {} });
  }
  const calls: string[] = [];
  const context = vm.createContext({
    document: {
      body: { dataset: { page: /<body data-page="([^"]+)"/.exec(html)?.[1] } },
      getElementById: (id: string) => {
        const el = elements.get(id);
        if (!el) return null;
        return Object.assign(el, {
          addEventListener: (type: string, listener: (event: { preventDefault(): void }) => void) => {
            if (type === 'submit') el.onSubmit = () => listener({ preventDefault: () => undefined });
          },
        });
      },
    },
    location: { hash: link.hash, pathname: link.pathname },
    history: {
      replaceState: (_state: unknown, _title: string, url: string) => {
        context.location.hash = new URL(url, link).hash;
      },
    },
    FormData: class {
      constructor(private readonly form: { values: Record<string, string> }) {}
      get(name: string) {
        return this.form.values[name] ?? null;
      }
    },
    URLSearchParams,
    fetch: (route: string, init: RequestInit = {}) => {
      calls.push(`${init.method ?? 'GET'} ${route}`);
      return fetcher(route, init);
    },
  });
  vm.runInContext(script, context);
  const result = elements.get('result');
  if (!result) throw new Error('the page has no #result');
  return {
    elements,
    calls,
    /** What the page shows in the address bar's fragment now. */
    hash: () => context.location.hash as string,
    submit(id: string, values: Record<string, string>) {
      const form = elements.get(id);
      if (!form || form.hidden || !form.onSubmit) throw new Error(`form #${id} is not shown`);
      form.values = values;
      form.onSubmit();
    },
    /** Resolves with the result line once it matches `shown` (polling; the calls are real HTTP). */
    async shows(shown: RegExp, timeoutMs = 10_000): Promise<PageElement> {
      const deadline = Date.now() + timeoutMs;
      while (!shown.test(result.textContent)) {
        if (Date.now() > deadline) throw new Error(`the page shows "${result.textContent}", not ${shown}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return result;
    },
  };
}
