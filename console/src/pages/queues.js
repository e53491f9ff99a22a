// Queues (operators): depth and oldest age per region and tier, now and as charts over the last
// hour: the API's series (one sample a minute, kept by the instance that answers), or, where it has
// none yet (a fresh instance), what this browser sampled while the page was open (localStorage).
import { h, replace } from '../dom.js';
import { chartWidth, lineChart, niceMax } from '../charts.js';
import { TIERS, formatDuration } from '../format.js';

const KEY = 'controlplane.queueSamples';
const HOUR = 3600_000;

/** Keeps the samples of the last hour, adding { at, items } (one sample per 5 s at most). */
export function addSample(samples, at, items) {
  const kept = samples.filter((s) => s.at >= at - HOUR);
  const last = kept[kept.length - 1];
  if (!last || at - last.at >= 5000) {
    kept.push({ at, items: items.map(({ region, tier, depth, oldestAgeSeconds }) => ({ region, tier, depth, oldestAgeSeconds })) });
  }
  return kept;
}

export function queuesPage(ctx) {
  let samples = [];
  try { samples = JSON.parse(localStorage.getItem(KEY) || '[]'); } catch { samples = []; }
  const error = h('div', { class: 'error', role: 'alert' });
  const tbody = h('tbody');
  const throttled = h('div', { id: 'throttled' });
  const charts = h('div', { class: 'charts', id: 'queue-charts' });
  const element = h('section', { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Queues'), error,
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'queues-table' },
      h('caption', { class: 'visually-hidden' }, 'Queue depth and oldest age per region and tier'),
      h('thead', null, h('tr', null, ['Region', 'Tier', 'Depth', 'Oldest waiting'].map((c) => h('th', { scope: 'col' }, c)))), tbody)),
    throttled,
    h('h2', null, 'The last hour'),
    charts);

  function render(list) {
    replace(tbody, list.items.map((q) => h('tr', { dataset: { region: q.region, tier: q.tier } },
      h('td', { 'data-label': 'Region' }, q.region), h('td', { 'data-label': 'Tier' }, h('span', { class: `tier tier-${q.tier.toLowerCase()}` }, q.tier)),
      h('td', { 'data-label': 'Depth', class: 'num' }, String(q.depth)),
      h('td', { 'data-label': 'Oldest waiting' }, q.oldestAgeSeconds == null ? '—' : formatDuration(q.oldestAgeSeconds * 1000)))));
    replace(throttled, (list.throttledOrganisations || []).length === 0 ? null : [h('h2', null, 'Throttled organisations'),
      h('ul', null, list.throttledOrganisations.map((t) => h('li', null, h('span', { class: 'mono' }, t.organisation),
        ` until ${new Date(t.until).toLocaleTimeString()}`, t.allowedJobs == null ? '' : `, ${t.allowedJobs} job(s) allowed`)))]);
    const now = Date.now();
    const regions = [...new Set(list.items.map((q) => q.region))];
    const width = chartWidth(charts) - 34; // inside a panel's padding and border
    const legend = h('ul', { class: 'legend' }, TIERS.map((t) => h('li', { class: `legend-${t.toLowerCase()}` }, t)));
    replace(charts, legend, regions.map((region) => {
      const fromApi = list.items.some((q) => q.region === region && q.series?.length > 0);
      const series = (pick) => TIERS.map((tier) => {
        const q = list.items.find((i) => i.region === region && i.tier === tier);
        return {
          name: tier, className: `series-${tier.toLowerCase()}`,
          points: fromApi
            ? [...(q?.series || []).map((s) => ({ x: Date.parse(s.at), y: pick(s) })), ...(q ? [{ x: now, y: pick(q) }] : [])]
            : samples.map((s) => ({ x: s.at, y: pick(s.items.find((i) => i.region === region && i.tier === tier)) })),
        };
      });
      const depth = series((i) => i?.depth ?? 0);
      const age = series((i) => i?.oldestAgeSeconds ?? 0);
      const max = (ss) => Math.max(0, ...ss.flatMap((s) => s.points.map((p) => p.y)));
      const xLabel = (x) => (x >= now - 1000 ? 'now' : `${formatDuration(now - x)} ago`);
      return h('figure', { class: 'panel', dataset: { region, source: fromApi ? 'api' : 'browser' } },
        h('figcaption', null, h('h3', null, region), h('p', { class: 'muted' }, fromApi
          ? 'One sample a minute, as the control plane read the queues.' : 'Sampled by this browser while this page was open.')),
        lineChart({ title: `Queue depth in ${region} by tier, last hour`, series: depth, width, x0: now - HOUR, x1: now, yMax: niceMax(max(depth)),
          xLabel, yLabel: (y) => String(y), integerTicks: true }),
        h('p', { class: 'muted' }, 'Depth (jobs waiting)'),
        lineChart({ title: `Oldest waiting job in ${region} by tier, last hour`, series: age, width, x0: now - HOUR, x1: now,
          yMax: niceMax(max(age)), xLabel, yLabel: (y) => formatDuration(y * 1000), integerTicks: true }),
        h('p', { class: 'muted' }, 'Oldest age'));
    }));
  }

  let reads = 0;
  async function refresh() {
    const read = ++reads; // only the latest read is shown
    try {
      const list = await ctx.api.get('/api/admin/queues');
      if (read !== reads) return;
      samples = addSample(samples, Date.now(), list.items);
      try { localStorage.setItem(KEY, JSON.stringify(samples)); } catch { /* full */ }
      replace(error);
      render(list);
    } catch (e) {
      replace(error, e.status === 403 ? 'Queues are for operators: sign in with a token that has the ControlPlane.Admin role.'
        : `Could not read the queues: ${e.message}`);
    }
  }

  let timer = null;
  const onEvent = (ev) => {
    if (ev.type === 'state' || ev.type === 'reset') { clearTimeout(timer); timer = setTimeout(refresh, 500); }
  };
  return { element, refresh, onEvent, pollMs: 10000, dispose: () => clearTimeout(timer) };
}
