// The jobs page: the tenant's jobs, filtered by state, tier and region, each with its state, tier,
// progress bar, ETA and agent; live.
import { h, replace, stateBadge } from '../dom.js';
import { STATES, TIERS, EtaEstimator, clampPercent, etaRange, etaText, formatAgo, jobsHash } from '../format.js';

export function jobsPage(ctx, route) {
  const filters = { state: route.query.state || '', tier: route.query.tier || '', region: route.query.region || '' };
  const estimators = new Map();
  const serverEtas = new Map();
  let jobs = [];
  let refreshTimer = null;

  const select = (name, label, values) => h('div', { class: 'field' },
    h('label', { for: `filter-${name}` }, label),
    h('select', { id: `filter-${name}`, name, onchange: (e) => setFilter(name, e.target.value) },
      h('option', { value: '' }, 'All'),
      values.map((v) => h('option', { value: v, selected: filters[name] === v }, v))));
  const region = h('input', {
    id: 'filter-region', name: 'region', value: filters.region, placeholder: 'e.g. westeurope', pattern: '[a-z][a-z0-9]{1,39}',
    autocomplete: 'off', spellcheck: 'false',
  });
  const form = h('form', { class: 'filters', 'aria-label': 'Filter jobs', onsubmit: (e) => { e.preventDefault(); setFilter('region', region.value.trim()); } },
    select('state', 'State', STATES), select('tier', 'Tier', TIERS),
    h('div', { class: 'field' }, h('label', { for: 'filter-region' }, 'Region'), region),
    h('button', { type: 'submit', class: 'secondary' }, 'Apply'));
  region.addEventListener('change', () => setFilter('region', region.value.trim()));

  const summary = h('p', { class: 'summary', id: 'jobs-summary', 'aria-live': 'polite' }, 'Loading…');
  const error = h('div', { class: 'error', role: 'alert' });
  const tbody = h('tbody');
  const table = h('table', { class: 'jobs responsive', 'aria-describedby': 'jobs-summary' },
    h('caption', { class: 'visually-hidden' }, 'Jobs'),
    h('thead', null, h('tr', null, ['Job', 'State', 'Tier', 'Region', 'Progress', 'ETA', 'Agent', 'Updated']
      .map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const element = h('section', { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Jobs'), form, error, summary, h('div', { class: 'table-wrap' }, table));

  function setFilter(name, value) {
    if (filters[name] === value) return;
    filters[name] = value;
    history.replaceState(null, '', jobsHash(filters)); // no navigation: the focus stays where it is
    refresh();
  }

  function estimator(job) {
    let e = estimators.get(job.id);
    if (!e) estimators.set(job.id, (e = new EtaEstimator()));
    const at = Date.parse(job.progress?.updatedAt) || Date.now();
    e.add(at, clampPercent(job.progress?.percent));
    return e;
  }

  function row(job) {
    const percent = clampPercent(job.progress?.percent);
    const label = `Progress of ${job.name}`;
    return h('tr', { dataset: { jobId: job.id, state: job.state } },
      h('td', { 'data-label': 'Job' }, h('a', { href: `#/jobs/${encodeURIComponent(job.id)}` }, job.name),
        h('div', { class: 'muted mono' }, job.id)),
      h('td', { 'data-label': 'State' }, stateBadge(job.state)),
      h('td', { 'data-label': 'Tier' }, h('span', { class: `tier tier-${job.tier.toLowerCase()}` }, job.tier)),
      h('td', { 'data-label': 'Region' }, job.region),
      h('td', { 'data-label': 'Progress', class: 'progress-cell' },
        h('progress', { max: 100, value: percent, 'aria-label': label }), h('span', { class: 'percent' }, `${percent}%`)),
      h('td', { 'data-label': 'ETA', class: 'eta', title: etaRange(serverEtas.get(job.id) || job.progress?.eta) || null },
        etaText(job, estimators.get(job.id), serverEtas.get(job.id)) || '—'),
      h('td', { 'data-label': 'Agent', class: 'mono' }, job.agentId || '—'),
      h('td', { 'data-label': 'Updated' }, h('time', { datetime: job.updatedAt }, formatAgo(job.updatedAt))));
  }

  function render() {
    replace(tbody, jobs.map(row));
    const any = filters.state || filters.tier || filters.region;
    summary.textContent = jobs.length === 0 ? (any ? 'No job matches these filters.' : 'No jobs yet.')
      : `${jobs.length} job${jobs.length === 1 ? '' : 's'}, newest first.`;
  }

  let reads = 0;
  async function refresh() {
    const q = new URLSearchParams({ limit: '200' });
    for (const k of ['state', 'tier', 'region']) if (filters[k]) q.set(k, filters[k]);
    const read = ++reads; // answers can arrive out of order (a filter changed meanwhile): the latest read wins
    try {
      const { items } = await ctx.api.all(`/api/jobs?${q}`, 1000);
      if (read !== reads) return;
      items.forEach(estimator);
      items.forEach((j) => { if (j.progress?.eta) serverEtas.delete(j.id); });
      jobs = items.sort((a, b) => (b.createdAt || '').localeCompare(a.createdAt || '') || b.id.localeCompare(a.id));
      replace(error);
      render();
    } catch (e) {
      if (read !== reads) return;
      replace(error, e.status === 400 ? `The filters are not valid: ${e.message}` : `Could not read the jobs: ${e.message}`);
      summary.textContent = '';
    }
  }

  function later() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 250);
  }

  function onEvent(ev) {
    if (ev.type === 'reset') { refresh(); return; }
    const job = jobs.find((j) => j.id === ev.jobId);
    if (ev.type === 'progress' && job) {
      job.progress = { ...job.progress, percent: ev.percent, counters: ev.counters || job.progress?.counters, updatedAt: ev.at };
      if (ev.eta) serverEtas.set(job.id, ev.eta);
      estimator(job);
      const tr = tbody.querySelector(`tr[data-job-id="${CSS.escape(job.id)}"]`);
      if (tr) tr.replaceWith(row(job));
      return;
    }
    if (ev.type === 'state' || ev.type === 'preemption' || (ev.type === 'progress' && !job)) later();
  }

  return { element, refresh, onEvent, dispose: () => clearTimeout(refreshTimer) };
}
