// Agents (operators): region, pool, capabilities, slots, health, leases; drain one.
import { askDialog, h, replace } from '../dom.js';
import { formatAgo } from '../format.js';

export function agentsPage(ctx) {
  const error = h('div', { class: 'error', role: 'alert' });
  const summary = h('p', { class: 'summary', id: 'agents-summary', 'aria-live': 'polite' }, 'Loading…');
  const tbody = h('tbody');
  const element = h('section', { class: 'page', 'aria-labelledby': 'page-title' },
    h('h1', { id: 'page-title', tabindex: '-1' }, 'Agents'), error, summary,
    h('div', { class: 'table-wrap' }, h('table', { class: 'responsive', id: 'agents-table', 'aria-describedby': 'agents-summary' },
      h('caption', { class: 'visually-hidden' }, 'Agents'),
      h('thead', null, h('tr', null, ['Agent', 'Region', 'Pool', 'Capabilities', 'Slots', 'Health', 'Status', 'Leases', '']
        .map((c) => h('th', { scope: 'col' }, c)))), tbody)));

  function row(a) {
    const used = a.slots - a.freeSlots;
    return h('tr', { dataset: { agentId: a.id } },
      h('td', { 'data-label': 'Agent', class: 'mono' }, a.id, h('div', { class: 'muted' }, `heard from ${formatAgo(a.lastHeartbeatAt)}`)),
      h('td', { 'data-label': 'Region' }, a.region), h('td', { 'data-label': 'Pool' }, a.pool),
      h('td', { 'data-label': 'Capabilities' }, a.capabilities.length ? a.capabilities.join(', ') : '—'),
      h('td', { 'data-label': 'Slots' }, `${used} of ${a.slots} in use`),
      h('td', { 'data-label': 'Health', class: 'health' }, h('span', { class: `badge ${a.healthy ? 'healthy' : 'offline'}` }, a.healthy ? 'Healthy' : 'Offline')),
      h('td', { 'data-label': 'Status', class: 'status' }, h('span', { class: `badge ${a.draining ? 'draining' : 'active'}` }, a.draining ? 'Draining' : 'Active')),
      h('td', { 'data-label': 'Leases' }, a.leases.length === 0 ? '—' : h('ul', { class: 'plain' }, a.leases.map((l) => h('li', null,
        h('a', { href: `#/jobs/${encodeURIComponent(l.jobId)}`, class: 'mono' }, l.jobId), ` (epoch ${l.epoch}, expires ${formatAgo(l.expiresAt)})`)))),
      h('td', { 'data-label': 'Actions' }, h('button', {
        type: 'button', class: 'secondary drain', disabled: a.draining, 'aria-label': `Drain ${a.id}`, onclick: (e) => drain(a, e.currentTarget),
      }, 'Drain…')));
  }

  async function drain(agent, button) {
    const ok = await askDialog({
      title: `Drain ${agent.id}?`, message: 'It gets no new leases; the jobs it runs continue to the end. This cannot be undone (re-registering keeps it drained).',
      confirmLabel: 'Drain the agent', danger: true,
    });
    if (!ok) { button.focus(); return; }
    try {
      await ctx.api.post(`/api/admin/agents/${encodeURIComponent(agent.id)}/drain`);
      ctx.announce(`Agent ${agent.id} is draining.`);
      replace(error);
    } catch (e) {
      replace(error, `Could not drain ${agent.id}: ${e.message}`);
    }
    await refresh();
    element.querySelector('h1').focus();
  }

  let reads = 0;
  async function refresh() {
    const read = ++reads; // only the latest read is shown
    try {
      const list = await ctx.api.get('/api/admin/agents');
      if (read !== reads) return;
      replace(tbody, list.items.map(row));
      const healthy = list.items.filter((a) => a.healthy).length;
      summary.textContent = list.items.length === 0 ? 'No agent registered.' : `${list.items.length} agent(s), ${healthy} healthy.`;
      replace(error);
    } catch (e) {
      summary.textContent = '';
      replace(error, e.status === 403 ? 'Agents are for operators: sign in with a token that has the ControlPlane.Admin role.'
        : `Could not read the agents: ${e.message}`);
    }
  }

  return { element, refresh, onEvent: () => {}, pollMs: 5000, dispose: () => {} };
}
