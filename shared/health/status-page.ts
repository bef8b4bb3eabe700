/** The small HTML page served at `/`: what this is and where to look next. No script, no inline style. */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function statusPage(info: { service: string; version: string; environment: string }): string {
  const rows = [
    ['Service', info.service],
    ['Version', info.version],
    ['Environment', info.environment],
  ]
    .map(([k, v]) => `<tr><th>${escapeHtml(k as string)}</th><td>${escapeHtml(v as string)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unite-Hub</title></head>
<body><h1>Unite-Hub API</h1><table>${rows}</table>
<ul><li><a href="/api/health">/api/health</a></li><li><a href="/api/health?deep=1">/api/health?deep=1</a></li><li><a href="/api/csrf-token">/api/csrf-token</a></li></ul>
</body></html>`;
}
