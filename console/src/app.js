// The console: reads config.json, signs in, and shows the page the location's fragment names.
import { Api } from './api.js';
import { h, replace } from './dom.js';
import { parseRoute, rolesOf } from './format.js';
import { LiveFeed, POLL_MS, SAFETY_POLL_MS } from './live.js';
import { devAuth } from './auth/dev.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { queuesPage } from './pages/queues.js';
import { agentsPage } from './pages/agents.js';
import { signInPage } from './pages/signin.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const liveStatus = document.getElementById('live-status');
const announcer = document.getElementById('announcer');

async function loadConfig() {
  const r = await fetch('config.json', { cache: 'no-store' });
  if (!r.ok) throw new Error(`config.json answered ${r.status}`);
  return r.json();
}

async function start() {
  let config;
  try {
    config = await loadConfig();
  } catch (e) {
    replace(main, h('section', { class: 'page' }, h('h1', null, 'The console is not configured'),
      h('p', null, `It could not read config.json (${e.message}).`)));
    return;
  }
  let auth;
  try {
    auth = config.auth?.mode === 'entra' ? await (await import('./auth/entra.js')).entraAuth(config) : devAuth(config);
  } catch (e) {
    replace(main, h('section', { class: 'page' }, h('h1', null, 'Sign-in is not available'), h('p', { role: 'alert' }, e.message)));
    return;
  }
  const api = new Api(config.apiBaseUrl || '', auth);
  const feed = new LiveFeed(api);
  let page = null;
  let pollTimer = null;

  const ctx = {
    api, auth, feed, config,
    announce(text) {
      announcer.textContent = '';
      setTimeout(() => { announcer.textContent = text; }, 50);
    },
    /** Keeps the token and shows the page the address names (the jobs when it names none). */
    signedIn(token) {
      if (!location.hash) history.replaceState(null, '', '#/jobs');
      auth.signIn(token); // its change listener shows the page
    },
  };

  function roles() { return rolesOf(auth.claims()); }

  function renderChrome() {
    const signedIn = auth.signedIn();
    const current = parseRoute(location.hash).page;
    const admin = roles().includes('ControlPlane.Admin');
    const links = [['jobs', 'Jobs', '#/jobs'], ...(admin ? [['queues', 'Queues', '#/queues'], ['agents', 'Agents', '#/agents']] : [])];
    replace(nav, signedIn ? h('ul', null, links.map(([p, label, href]) => h('li', null,
      h('a', { href, 'aria-current': current === p || (p === 'jobs' && current === 'job') ? 'page' : null }, label)))) : null);
    const claims = auth.claims();
    replace(who, signedIn ? [h('span', { class: 'muted' }, claims ? `${claims.name || claims.preferred_username || claims.sub} · tenant ${claims.tid}` : ''),
      ' ', h('button', { type: 'button', class: 'link', id: 'sign-out', onclick: () => { auth.signOut(); show(true); } }, 'Sign out')] : null);
  }

  function schedulePoll() {
    clearTimeout(pollTimer);
    if (!page) return;
    const ms = page.pollMs ?? (feed.mode === 'stream' ? SAFETY_POLL_MS : POLL_MS);
    pollTimer = setTimeout(async () => {
      if (page && document.visibilityState !== 'hidden') await page.refresh();
      schedulePoll();
    }, ms);
  }

  feed.onEvent((ev) => page?.onEvent(ev));
  feed.onMode((mode) => {
    liveStatus.textContent = mode === 'stream' ? 'Live' : mode === 'polling' ? `Refreshing every ${POLL_MS / 1000} s` : 'Connecting…';
    liveStatus.dataset.mode = mode;
    schedulePoll();
  });

  async function show(moveFocus) {
    page?.dispose();
    clearTimeout(pollTimer);
    renderChrome();
    if (!auth.signedIn()) {
      feed.stop();
      page = signInPage(ctx);
      replace(main, page.element);
      (page.focus || (() => main.querySelector('h1')?.focus()))();
      page = null;
      return;
    }
    feed.start();
    const route = parseRoute(location.hash);
    const make = { jobs: jobsPage, job: jobPage, queues: queuesPage, agents: agentsPage }[route.page];
    if (!make) {
      page = null;
      replace(main, h('section', { class: 'page' }, h('h1', { tabindex: '-1' }, 'No such page'), h('p', null, h('a', { href: '#/jobs' }, 'Go to the jobs'))));
      return;
    }
    page = make(ctx, route);
    replace(main, page.element);
    document.title = `${main.querySelector('h1')?.textContent || 'Console'} · Migration Control Plane`;
    if (moveFocus) main.querySelector('h1')?.focus();
    await page.refresh();
    document.title = `${main.querySelector('h1')?.textContent || 'Console'} · Migration Control Plane`;
    schedulePoll();
  }

  auth.onChange(() => show(true));
  window.addEventListener('hashchange', () => show(true));
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') page?.refresh(); });
  document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
  await show(false);
}

start();
