// One job: its state and progress (bar, chart, ETA), pause / resume / cancel, its timeline (history
// with actors and reasons), checkpoints (cursors and git commits) and ID mappings (counts, lookup
// either way).
import { askDialog, h, replace, stateBadge } from '../dom.js';
import { chartWidth, lineChart } from '../charts.js';
import { EtaEstimator, FINAL_STATES, allowedActions, clampPercent, etaRange, etaText, formatAgo, formatDuration, formatTime } from '../format.js';

const MAX_COUNTED = 10000;

export function jobPage(ctx, route) {
  const id = route.id;
  const path = `/api/jobs/${encodeURIComponent(id)}`;
  const sampleKey = `controlplane.progress.${id}`;
  let samples = [];
  try { samples = JSON.parse(sessionStorage.getItem(sampleKey) || '[]'); } catch { samples = []; }
  const estimator = new EtaEstimator();
  let job = null;
  let serverEta = null;
  let refreshTimer = null;
  let countedAt = 0;

  const title = h('h1', { id: 'page-title', tabindex: '-1' }, 'Job');
  const error = h('div', { class: 'error', role: 'alert' });
  const facts = h('dl', { class: 'facts' });
  const waiting = h('p', { class: 'waiting' });
  const bar = h('progress', { id: 'job-progress', max: 100, value: 0, 'aria-label': 'Progress' });
  const percentText = h('span', { class: 'percent', id: 'job-percent' });
  const etaOut = h('span', { id: 'job-eta' });
  const message = h('p', { class: 'muted', id: 'job-message' });
  const counters = h('ul', { class: 'counters' });
  const chart = h('div', { class: 'chart-box', id: 'progress-chart' });
  const buttons = {
    pause: h('button', { type: 'button', id: 'action-pause', class: 'secondary', onclick: () => act('pause') }, 'Pause…'),
    resume: h('button', { type: 'button', id: 'action-resume', class: 'secondary', onclick: () => act('resume') }, 'Resume…'),
    cancel: h('button', { type: 'button', id: 'action-cancel', class: 'danger', onclick: () => act('cancel') }, 'Cancel…'),
  };
  const timeline = h('ol', { class: 'timeline', id: 'timeline' });
  const checkpoints = h('div', { id: 'checkpoints' });
  const mappingCounts = h('div', { id: 'mapping-counts' });
  const typeList = h('datalist', { id: 'mapping-types' });
  const lookupType = h('input', { id: 'lookup-type', name: 'type', list: 'mapping-types', required: true, pattern: '[A-Za-z0-9._\\-]{1,64}', autocomplete: 'off' });
  const lookupDirection = h('select', { id: 'lookup-direction', name: 'direction' },
    h('option', { value: 'sourceId' }, 'Source id → target id'), h('option', { value: 'targetId' }, 'Target id → source id'));
  const lookupId = h('input', { id: 'lookup-id', name: 'id', required: true, maxlength: 256, autocomplete: 'off' });
  const lookupResult = h('p', { id: 'lookup-result', role: 'status' });
  const lookupForm = h('form', { class: 'filters', 'aria-label': 'Look up a mapping', onsubmit: (e) => { e.preventDefault(); lookup(); } },
    h('div', { class: 'field' }, h('label', { for: 'lookup-type' }, 'Type'), lookupType, typeList),
    h('div', { class: 'field' }, h('label', { for: 'lookup-direction' }, 'Direction'), lookupDirection),
    h('div', { class: 'field' }, h('label', { for: 'lookup-id' }, 'Id'), lookupId),
    h('button', { type: 'submit', class: 'secondary' }, 'Look up'));

  const element = h('section', { class: 'page', 'aria-labelledby': 'page-title' },
    h('p', null, h('a', { href: '#/jobs' }, '← All jobs')),
    title, error, facts, waiting,
    h('div', { class: 'actions', role: 'group', 'aria-label': 'Job actions' }, buttons.pause, buttons.resume, buttons.cancel),
    h('section', { 'aria-labelledby': 'progress-title', class: 'panel' },
      h('h2', { id: 'progress-title' }, 'Progress'),
      h('div', { class: 'progress-line' }, bar, percentText, h('span', null, 'ETA ', etaOut)),
      message, counters, chart),
    h('div', { class: 'columns' },
      h('section', { 'aria-labelledby': 'timeline-title', class: 'panel' }, h('h2', { id: 'timeline-title' }, 'Timeline'), timeline),
      h('div', null,
        h('section', { 'aria-labelledby': 'checkpoints-title', class: 'panel' }, h('h2', { id: 'checkpoints-title' }, 'Checkpoints'), checkpoints),
        h('section', { 'aria-labelledby': 'mappings-title', class: 'panel' }, h('h2', { id: 'mappings-title' }, 'ID mappings'),
          mappingCounts, h('button', { type: 'button', class: 'secondary', onclick: countMappings }, 'Count again'),
          h('h3', null, 'Look up'), lookupForm, lookupResult))));

  function sample(at, percent) {
    const last = samples[samples.length - 1];
    if (last && last.at === at && last.percent === percent) return;
    if (last && at < last.at) return;
    samples.push({ at, percent });
    if (samples.length > 2000) samples = samples.slice(-2000);
    try { sessionStorage.setItem(sampleKey, JSON.stringify(samples)); } catch { /* full: keep in memory */ }
    estimator.add(at, percent);
  }

  function renderProgress() {
    if (!job) return;
    const percent = clampPercent(job.progress?.percent);
    bar.value = percent;
    bar.setAttribute('aria-valuetext', `${percent}%`);
    percentText.textContent = `${percent}%`;
    etaOut.textContent = etaText(job, estimator, serverEta) || (FINAL_STATES.has(job.state) ? 'done' : '—');
    const range = etaRange(serverEta);
    if (range) etaOut.title = range; else etaOut.removeAttribute('title');
    message.textContent = job.progress?.message || '';
    replace(counters, Object.entries(job.progress?.counters || {}).map(([k, v]) => h('li', null, h('span', { class: 'muted' }, k), ' ', String(v))));
    const now = Date.now();
    const x0 = samples.length ? Math.min(samples[0].at, now - 30000) : now - 30000; // at least the last 30 s
    replace(chart, lineChart({
      title: `Progress of ${job.name} over time`,
      // the last report holds until the next one: the line runs on to now while the job is unfinished
      series: [{ name: 'percent', className: 'series-progress', points: [...samples.map((s) => ({ x: s.at, y: s.percent })),
        ...(samples.length && !FINAL_STATES.has(job.state) ? [{ x: now, y: samples[samples.length - 1].percent }] : [])] }],
      width: chartWidth(chart), x0, x1: now, yMax: 100, xLabel: (x) => (x === now ? 'now' : `${formatDuration(now - x)} ago`), yLabel: (y) => `${Math.round(y)}%`,
    }));
  }

  function fact(name, value) {
    return h('div', null, h('dt', null, name), h('dd', null, value));
  }

  function renderJob() {
    title.textContent = job.name;
    replace(facts,
      fact('State', stateBadge(job.state)), fact('Tier', job.tier), fact('Region', job.region), fact('Kind', job.kind),
      fact('Agent', job.agentId || '—'), fact('Attempt', String(job.attempt)), fact('Preemptions', String(job.preemptions)),
      fact('Id', h('span', { class: 'mono' }, job.id)), fact('Submitted', formatTime(job.createdAt)),
      fact('Updated', h('time', { datetime: job.updatedAt }, formatAgo(job.updatedAt))));
    waiting.textContent = job.waitingFor ? `Waiting: ${job.waitingFor.message}` : '';
    const allowed = allowedActions(job.state);
    for (const [k, b] of Object.entries(buttons)) b.disabled = !allowed[k];
    element.dataset.state = job.state;
    renderProgress();
  }

  function renderHistory(items) {
    replace(timeline, items.slice().reverse().map((e) => h('li', {
      class: `entry to-${String(e.to).toLowerCase()}${e.to === 'Preempting' ? ' preemption' : ''}`, dataset: { to: e.to, from: e.from || '' },
    },
    h('div', { class: 'entry-head' }, h('time', { datetime: e.at }, formatTime(e.at)), ' ',
      e.from ? [stateBadge(e.from), ' → '] : 'submitted → ', stateBadge(e.to)),
    h('div', { class: 'reason' }, e.reason),
    h('div', { class: 'muted' }, 'by ', h('span', { class: 'mono actor' }, e.actor)))));
  }

  function position(c) {
    if (c.kind === 'git' && c.data) {
      return h('div', null, h('span', { class: 'mono' }, c.data.repo), ' ', h('span', { class: 'mono' }, c.data.ref), ' @ ',
        h('code', { class: 'commit', title: c.data.commit }, String(c.data.commit).slice(0, 12)));
    }
    const text = JSON.stringify(c.data);
    return h('code', { class: 'cursor' }, text.length > 200 ? `${text.slice(0, 200)}…` : text);
  }

  function renderCheckpoints(items) {
    if (items.length === 0) {
      replace(checkpoints, h('p', { class: 'muted' }, 'No checkpoint written yet.'));
      return;
    }
    replace(checkpoints, h('table', { class: 'responsive' },
      h('thead', null, h('tr', null, ['Name', 'Kind', 'Position', 'Epoch', 'Written'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, items.map((c) => h('tr', { dataset: { checkpoint: c.name } },
        h('td', { 'data-label': 'Name', class: 'mono' }, c.name), h('td', { 'data-label': 'Kind' }, c.kind === 'git' ? 'git commit' : 'cursor'),
        h('td', { 'data-label': 'Position' }, position(c)), h('td', { 'data-label': 'Epoch' }, String(c.epoch)),
        h('td', { 'data-label': 'Written' }, formatAgo(c.updatedAt)))))));
  }

  async function countMappings() {
    replace(mappingCounts, h('p', { class: 'muted' }, 'Counting…'));
    try {
      const { items, truncated } = await ctx.api.all(`${path}/mappings?limit=500`, MAX_COUNTED);
      const byType = new Map();
      for (const m of items) byType.set(m.type, (byType.get(m.type) || 0) + 1);
      countedAt = Date.now();
      replace(typeList, [...byType.keys()].map((t) => h('option', { value: t })));
      if (!lookupType.value && byType.size > 0) lookupType.value = [...byType.keys()][0];
      replace(mappingCounts, byType.size === 0 ? h('p', { class: 'muted' }, 'No mapping recorded yet.')
        : h('ul', { class: 'counts' }, [...byType].map(([t, n]) => h('li', null, h('span', { class: 'mono' }, t), ': ',
          h('strong', null, `${n}${truncated ? '+' : ''}`)))));
    } catch (e) {
      replace(mappingCounts, h('p', { class: 'error' }, `Could not count the mappings: ${e.message}`));
    }
  }

  async function lookup() {
    const q = new URLSearchParams({ type: lookupType.value.trim(), [lookupDirection.value]: lookupId.value.trim() });
    lookupResult.textContent = 'Looking up…';
    try {
      const page = await ctx.api.get(`${path}/mappings?${q}`);
      const m = page.items[0];
      lookupResult.textContent = m ? `${m.type} ${m.sourceId} (source) ↔ ${m.targetId} (target)`
        : `No ${q.get('type')} mapping with ${lookupDirection.value === 'sourceId' ? 'source' : 'target'} id ${lookupId.value.trim()}.`;
    } catch (e) {
      lookupResult.textContent = `Could not look it up: ${e.message}`;
    }
  }

  const dialogs = {
    pause: () => ({
      title: `Pause ${job.name}?`, confirmLabel: 'Pause the job', reasonLabel: 'Reason (optional, recorded in the timeline)',
      message: job.state === 'Queued' ? 'It leaves the queue until it is resumed.'
        : 'Its agent is asked to write a checkpoint and release it; it resumes from there.',
    }),
    resume: () => ({
      title: `Resume ${job.name}?`, confirmLabel: 'Resume the job', reasonLabel: 'Reason (optional, recorded in the timeline)',
      message: 'It goes back to the queue and continues from its checkpoints.',
    }),
    cancel: () => ({
      title: `Cancel ${job.name}?`, confirmLabel: 'Cancel the job', reasonLabel: 'Reason (recorded in the timeline)', danger: true,
      message: 'Its agent is told to stop; checkpoints and ID mappings are kept. A cancelled job cannot run again.',
    }),
  };

  async function act(action) {
    const answer = await askDialog(dialogs[action]());
    if (!answer) { buttons[action].focus(); return; }
    const body = answer.reason ? { reason: answer.reason } : {};
    try {
      job = await ctx.api.post(`${path}/${action}`, body);
      ctx.announce(`Job ${action === 'pause' ? (job.state === 'Pausing' ? 'pausing: its agent checkpoints and releases it' : 'paused')
        : action === 'resume' ? 'resumed: queued again' : 'cancelled'}.`);
      replace(error);
      renderJob();
      await refresh();
    } catch (e) {
      replace(error, `Could not ${action} the job: ${e.message}`);
      await refresh();
    }
    const next = Object.values(buttons).find((b) => !b.disabled);
    (buttons[action].disabled ? next : buttons[action])?.focus();
  }

  let reads = 0;
  async function refresh() {
    const read = ++reads; // answers can arrive out of order: only the latest read is shown
    try {
      const [j, history, cps] = await Promise.all([ctx.api.get(path), ctx.api.get(`${path}/history`), ctx.api.get(`${path}/checkpoints`)]);
      if (read !== reads) return;
      job = j;
      if (job.progress?.eta) serverEta = job.progress.eta; // the API's estimate, worked out when read
      else serverEta = null;
      sample(Date.parse(job.progress?.updatedAt) || Date.now(), clampPercent(job.progress?.percent));
      renderJob();
      renderHistory(history.items);
      renderCheckpoints(cps.items);
      // counted on the first load, then again every 15 s while the job runs (mappings grow with it)
      if (!countedAt || (Date.now() - countedAt > 15000 && !FINAL_STATES.has(job.state))) countMappings();
    } catch (e) {
      if (read !== reads) return;
      replace(error, e.status === 404 ? 'No such job in your tenant (or it was erased).' : `Could not read the job: ${e.message}`);
    }
  }

  function later() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, 200);
  }

  function onEvent(ev) {
    if (ev.type === 'reset') { refresh(); return; }
    if (ev.jobId !== id || !job) return;
    if (ev.type === 'progress') {
      job.progress = { ...job.progress, percent: ev.percent, counters: ev.counters || job.progress?.counters, message: ev.message ?? job.progress?.message, updatedAt: ev.at };
      if (ev.eta) serverEta = ev.eta;
      sample(Date.parse(ev.at) || Date.now(), clampPercent(ev.percent));
      renderProgress();
    } else {
      later();
    }
  }

  return { element, refresh, onEvent, dispose: () => clearTimeout(refreshTimer) };
}
