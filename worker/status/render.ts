/**
 * The status page as server-rendered HTML: works without script, light and dark from the reader's setting, landmarks and
 * headings in order, state in words (never colour alone). Values are escaped by hono/html. The optional "Get
 * notified" control sits in the footer: it appears only once its script runs, and there it shifts nothing.
 */
import { html, raw } from 'hono/html';
import { DateTime } from 'luxon';
import type { ComponentState } from '../../schema/status-page-schemas';
import { updateLabel } from './labels';
import type { PublicComponent, PublicPublication, Snapshot } from './snapshot';
import { STATE_LABEL, pageStatus } from './state';

/**
 * The page's Content-Security-Policy: one script, our own /status/subscribe.js (the optional "Get notified"
 * control; it registers /sw.js and posts the subscription, hence worker-src and connect-src 'self'); its one
 * inline stylesheet. connect-src 'self' also lets crawlers' audits (Lighthouse) read /robots.txt. form-action 'self':
 * the email form posts to /status/subscriptions/email, with or without script.
 */
export const STATUS_CSP =
  "default-src 'none'; script-src 'self'; worker-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#57606a;--card:#f6f8fa;--line:#d0d7de;
--operational:#1a7f37;--under_maintenance:#0969da;--degraded_performance:#9a6700;--partial_outage:#bc4c00;
--major_outage:#cf222e;--none:#d0d7de}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--card:#161b22;--line:#30363d;
--operational:#3fb950;--under_maintenance:#58a6ff;--degraded_performance:#d29922;--partial_outage:#db6d28;
--major_outage:#f85149;--none:#30363d}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header,main,footer{max-width:48rem;margin:0 auto;padding:1rem}main{padding-top:0}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin:2rem 0 .75rem}h3{font-size:1.05rem;margin:0 0 .25rem}
a{color:var(--under_maintenance)}
.banner{margin:.5rem 0 0;border-radius:.5rem;padding:.9rem 1rem;font-weight:600;color:#fff;background:var(--b)}
@media (prefers-color-scheme:dark){.banner{color:#0d1117}}
.card{background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:0 0 1rem}
ol.updates{list-style:none;margin:.5rem 0 0;padding:0}ol.updates li{margin:.75rem 0 0}
.meta,time{color:var(--muted);font-size:.875rem}
ul.components{list-style:none;margin:0;padding:0}
ul.components>li{border-top:1px solid var(--line);padding:.75rem 0}
.row{display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
.state{font-weight:600;color:var(--s)}
.bars{display:block;width:100%;height:2rem;margin-top:.4rem}
.bars rect{fill:var(--none)}
${(
  [
    'operational',
    'under_maintenance',
    'degraded_performance',
    'partial_outage',
    'major_outage',
  ] as const
)
  .map((s) => `.bars .${s}{fill:var(--${s})}`)
  .join('')}
form.email{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
form.email label{width:100%}
form.email input{font:inherit;flex:1 1 12rem;padding:.45rem .6rem;border-radius:.5rem;border:1px solid var(--line);background:var(--bg);color:var(--fg)}
#notify button,form.email button{font:inherit;padding:.5rem 1rem;border-radius:.5rem;border:1px solid var(--line);background:var(--card);color:var(--fg);cursor:pointer}
.legend{display:flex;justify-content:space-between;gap:.5rem;margin:.25rem 0 0;font-size:.8rem}
`;

export function time(ms: number, zone: string): ReturnType<typeof html> {
  const t = DateTime.fromMillis(ms, { zone });
  return html`<time datetime="${new Date(ms).toISOString()}"
    >${t.toFormat('LLL d, HH:mm ZZZZ')}</time
  >`;
}

function updates(p: PublicPublication, zone: string) {
  return html`<ol class="updates">
    ${[...p.updates]
      .reverse()
      .map(
        (u) =>
          html`<li id="${u.id}">
            <strong>${updateLabel(u.status)}</strong> — ${u.body}<br />${time(u.createdAt, zone)}
          </li>`,
      )}
  </ol>`;
}

function publication(p: PublicPublication, zone: string) {
  const affected = p.components.map((c) => c.name).join(', ');
  return html`<article class="card" id="${p.id}" aria-labelledby="${p.id}-t">
    <h3 id="${p.id}-t">${p.title}</h3>
    ${affected ? html`<p class="meta">Affects: ${affected}</p>` : ''}
    ${
      p.scheduledFor
        ? html`<p class="meta">
            Scheduled
            ${time(p.scheduledFor, zone)}${p.scheduledUntil ? html` to ${time(p.scheduledUntil, zone)}` : ''}
          </p>`
        : ''
    }
    ${updates(p, zone)}
  </article>`;
}

function bars(c: PublicComponent) {
  const known = c.days.filter((d) => d.uptime !== null);
  const uptime = known.length
    ? (known.reduce((sum, d) => sum + (d.uptime ?? 1), 0) / known.length) * 100
    : 100;
  const label = `${uptime.toFixed(2)}% uptime over the last ${c.days.length} days`;
  const w = 100 / c.days.length;
  // Consecutive days in the same state are one bar segment: a quiet quarter is a single element, not 90.
  const runs: { from: number; to: number; cls: string; label: string }[] = [];
  c.days.forEach((d, i) => {
    const cls = d.uptime === null ? 'none' : d.worst;
    const last = runs.at(-1);
    if (last && last.cls === cls) last.to = i;
    else
      runs.push({
        from: i,
        to: i,
        cls,
        label: d.uptime === null ? 'no data' : STATE_LABEL[d.worst],
      });
  });
  return html`<svg
      class="bars"
      viewBox="0 0 100 10"
      preserveAspectRatio="none"
      role="img"
      aria-label="${c.name}: ${label}"
    >
      ${runs.map(
        (r) =>
          html`<rect
            x="${(r.from * w).toFixed(2)}"
            width="${((r.to - r.from + 1) * w).toFixed(2)}"
            height="10"
            class="${r.cls}"
            ><title>
              ${c.days[r.from]!.date}${r.to > r.from ? ` to ${c.days[r.to]!.date}` : ''}: ${r.label}
            </title></rect
          >`,
      )}
    </svg>
    <p class="legend meta">
      <span>${c.days.length} days ago</span><span>${label}</span><span>Today</span>
    </p>`;
}

function component(c: PublicComponent) {
  return html`<li>
    <div class="row">
      <strong>${c.name}</strong>
      <span class="state" style="--s:var(--${c.state})">${STATE_LABEL[c.state]}</span>
    </div>
    ${c.description ? html`<p class="meta" style="margin:0">${c.description}</p>` : ''} ${bars(c)}
  </li>`;
}

function groups(components: PublicComponent[]) {
  const byGroup = new Map<string, PublicComponent[]>();
  for (const c of components)
    byGroup.set(c.group ?? '', [...(byGroup.get(c.group ?? '') ?? []), c]);
  return [...byGroup].map(
    ([group, list]) =>
      html`<section class="card" aria-label="${group || 'Components'}">
        ${group ? html`<h3>${group}</h3>` : ''}
        <ul class="components">
          ${list.map(component)}
        </ul>
      </section>`,
  );
}

const BANNER: Record<string, ComponentState> = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
};

/** The whole page. */
export async function renderPage(s: Snapshot): Promise<string> {
  const open = s.publications.filter((p) => p.resolvedAt === null);
  const active = open.filter((p) => p.kind !== 'maintenance');
  const maintenance = open.filter((p) => p.kind === 'maintenance');
  const past = s.publications.filter((p) => p.resolvedAt !== null).slice(0, 10);
  const status = pageStatus(
    s.components.map((c) => c.state),
    active.length,
  );
  const title = `${s.name} status`;
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <meta
          name="description"
          content="Current status, incidents and 90-day uptime of ${s.name}."
        />
        <link rel="icon" href="data:," />
        <link
          rel="alternate"
          type="application/atom+xml"
          title="${title} (Atom)"
          href="/status/feed.atom"
        />
        <link
          rel="alternate"
          type="application/rss+xml"
          title="${title} (RSS)"
          href="/status/feed.rss"
        />
        <style>
          ${raw(CSS)}
        </style>
        ${s.vapidPublicKey ? html`<script src="/status/subscribe.js" defer></script>` : ''}
      </head>
      <body>
        <header>
          <h1>${title}</h1>
          <p
            class="banner"
            role="status"
            style="--b:var(--${BANNER[status.indicator] ?? 'operational'})"
          >
            ${status.description}
          </p>
        </header>
        <main>
          <section aria-labelledby="active-h">
            <h2 id="active-h">Active incidents</h2>
            ${active.length ? active.map((p) => publication(p, s.zone)) : html`<p>No incidents right now.</p>`}
          </section>
          ${
            maintenance.length
              ? html`<section aria-labelledby="maint-h">
                  <h2 id="maint-h">Scheduled maintenance</h2>
                  ${maintenance.map((p) => publication(p, s.zone))}
                </section>`
              : ''
          }
          <section aria-labelledby="components-h">
            <h2 id="components-h">Components</h2>
            ${s.components.length ? groups(s.components) : html`<p>No components yet.</p>`}
          </section>
          <section aria-labelledby="past-h">
            <h2 id="past-h">Past incidents</h2>
            ${past.length ? past.map((p) => publication(p, s.zone)) : html`<p>No incidents in the last 90 days.</p>`}
          </section>
        </main>
        <footer>
          <p class="meta">
            Updated ${time(s.updatedAt || s.now, s.zone)}. Follow:
            <a href="/status/feed.atom">Atom feed</a> · <a href="/status/feed.rss">RSS feed</a> ·
            <a href="/status/api/v2/summary.json">JSON API</a>
          </p>
          ${
            s.emailUpdates
              ? html`<form class="email" method="post" action="/status/subscriptions/email">
                  <label for="subscribe-email"
                    >Get updates by email (you confirm by a link first)</label
                  >
                  <input
                    id="subscribe-email"
                    type="email"
                    name="email"
                    required
                    maxlength="254"
                    autocomplete="email"
                    placeholder="you@example.com"
                  />
                  <button type="submit">Subscribe</button>
                </form>`
              : ''
          }
          ${
            s.vapidPublicKey
              ? html`<section
                  id="notify"
                  hidden
                  aria-label="Notifications"
                  data-vapid-key="${s.vapidPublicKey}"
                >
                  <button type="button" id="notify-on">Get notified of updates</button>
                  <button type="button" id="notify-off" hidden>Stop notifications</button>
                  <p id="notify-note" class="meta" role="status"></p>
                </section>`
              : ''
          }
        </footer>
      </body>
    </html>`;
  return (await page).toString();
}
