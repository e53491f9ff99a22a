// Shared by the browser scenarios: headless Chromium (Debian's, through playwright-core: no browser
// download), sign-in with a development token, API calls for set-up, checks and screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (the scenarios are run by ConsoleBrowserTest)`);
  return v;
};

export const CONSOLE_URL = () => env('CONSOLE_URL');
export const TOKEN = () => env('CONSOLE_TOKEN');

export class Check extends Error {}

/** URLs a scenario expects to fail (a refused token's 401). */
export const allowedFailures = [];
/** Jobs the scenario submitted: cancelled when it fails, so the next scenario finds the agent free. */
const submitted = [];
export function check(condition, message) {
  if (!condition) throw new Check(message);
}

/** Waits for fn() to be truthy (async allowed), every 250 ms, up to ms; fails with message. */
export async function until(fn, ms, message) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Check(`${message} (within ${ms} ms; last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function api(method, path, body) {
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(CONSOLE_URL() + path, {
      method,
      headers: { Authorization: `Bearer ${TOKEN()}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status === 409 && text.includes('concurrency-conflict') && attempt < 5) {
      continue; // an agent wrote the job meanwhile: the API says to read again and retry
    }
    if (!r.ok) throw new Error(`${method} ${path} answered ${r.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }
}

/** A job the simulated agents run: durationMs long, reporting progress as it goes. */
export function simulatedSpec(name, tier, durationMs, extra = {}) {
  return {
    name, tier, region: 'westeurope', kind: 'Migrate',
    source: { type: 'Simulated', url: 'sim://source.example.com/alpha' },
    target: { type: 'Simulated', url: 'sim://target.example.com/beta' },
    config: { simulation: { durationMs, workItems: 40 } },
    ...extra,
  };
}

export async function submit(spec) {
  const id = (await api('POST', '/api/jobs', spec)).id;
  submitted.push(id);
  return id;
}

export async function launch({ width = 1280, height = 860 } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = [];
  // The event stream may not exist on this host yet (404): the console then re-reads instead.
  const expected = (url) => url.includes('/api/events') || allowedFailures.some((f) => url.includes(f));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m.location()?.url || '')) problems.push(`console error: ${m.text()} (${m.location()?.url})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected(r.url())) {
      problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // an answer still on its way when the page navigates (a reload, sign-out) is aborted: no fault
    if (!expected(r.url()) && r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin !== new URL(CONSOLE_URL()).origin && u.protocol !== 'data:') problems.push(`external request: ${r.url()}`);
  });
  return { browser, context, page, problems };
}

/** Signs in as a person would, by keyboard: the token pasted into the field, Tab to the button, Enter. */
export async function signIn(page, token = TOKEN()) {
  await page.goto(CONSOLE_URL() + '/');
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  await page.focus('#dev-token');
  await page.keyboard.insertText(token);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Jobs' }).waitFor({ timeout: 15000 });
  await until(async () => (await page.locator('#jobs-summary').textContent()) !== 'Loading…', 15000, 'the jobs are listed');
}

export async function screenshot(page, name, { fullPage = true } = {}) {
  const dir = env('SCREENSHOTS');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  console.log(`screenshot: ${file}`);
  return file;
}

/** Fails when the page is wider than its viewport (a horizontal scroll bar). */
export async function checkFits(page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `the page is ${overflow} px wider than its ${page.viewportSize().width} px viewport`);
}

/** The job page's state (data-state on the page section). */
export async function jobState(page) {
  return page.locator('section.page').getAttribute('data-state');
}

export async function timeline(page) {
  return page.locator('#timeline li').evaluateAll((lis) => lis.map((li) => ({
    from: li.dataset.from, to: li.dataset.to, reason: li.querySelector('.reason')?.textContent || '',
    actor: li.querySelector('.actor')?.textContent || '',
  })));
}

/** Runs a scenario: prints `RESULT <json>` on success, the failure and exit code 1 otherwise. */
export async function run(name, body) {
  const started = Date.now();
  let session;
  try {
    session = await launch();
    const result = await body(session);
    check(session.problems.length === 0, `the page reported problems:\n  ${session.problems.join('\n  ')}`);
    console.log(`RESULT ${JSON.stringify({ scenario: name, ms: Date.now() - started, ...(result || {}) })}`);
  } catch (e) {
    if (session?.page) {
      try { await screenshot(session.page, `${name}-failure`); } catch { /* the page is gone */ }
    }
    console.error(`scenario ${name} failed: ${e instanceof Check ? e.message : e.stack || e}`);
    process.exitCode = 1;
    for (const id of submitted) {
      try { await api('POST', `/api/jobs/${id}/cancel`, { reason: 'browser test failed' }); } catch { /* finished already */ }
    }
  } finally {
    await session?.browser.close();
  }
}
