// A job submitted through the API shows on the jobs page, its progress bar moving as the simulated
// agent works; the filters narrow the list; the page is readable 390 px wide.
import { CONSOLE_URL, checkFits, check, run, screenshot, signIn, simulatedSpec, submit, until, api } from './lib.mjs';

await run('progress', async ({ page, context }) => {
  await signIn(page);
  // A job no agent can take (none has the capability): it stays Queued beside the running one.
  const other = await submit(simulatedSpec('contoso/Gamma to fabrikam/Delta', 'Premium', 40000, { requiredCapabilities: ['tfs-onprem'] }));
  const id = await submit(simulatedSpec('contoso/Alpha to fabrikam/Beta', 'Standard', 40000));
  const bar = page.locator(`tr[data-job-id="${id}"] progress`);
  await bar.waitFor({ timeout: 10000 });
  const first = await until(async () => {
    const v = await bar.evaluate((p) => p.value);
    return v > 0 ? v : null;
  }, 30000, 'the progress bar starts to move');
  const second = await until(async () => {
    const v = await bar.evaluate((p) => p.value);
    return v > first ? v : null;
  }, 20000, `the progress bar moves on from ${first}%`);
  const row = page.locator(`tr[data-job-id="${id}"]`);
  check((await row.getAttribute('data-state')) === 'Running', 'the job runs');
  await until(async () => /\d+[smh]/.test(await row.locator('td.eta').textContent()), 15000, 'an ETA is shown');
  const agent = (await row.locator('td[data-label=Agent]').textContent()).trim();
  check(agent.startsWith('sim-'), `the agent is shown: ${agent}`);
  await until(async () => (await page.locator(`tr[data-job-id="${other}"]`).count()) === 1, 5000, 'both jobs are listed');
  await screenshot(page, 'jobs');

  await page.selectOption('#filter-tier', 'Premium');
  await until(async () => (await page.locator(`tr[data-job-id="${id}"]`).count()) === 0
      && (await page.locator(`tr[data-job-id="${other}"]`).count()) === 1, 10000, 'the tier filter keeps the Premium job only');
  check(page.url().includes('tier=Premium'), `the filter is in the address: ${page.url()}`);
  await page.selectOption('#filter-tier', '');
  await page.selectOption('#filter-state', 'Completed');
  await until(async () => (await page.locator(`tr[data-job-id="${id}"]`).count()) === 0, 10000, 'the state filter hides running jobs');
  await page.selectOption('#filter-state', '');
  await page.fill('#filter-region', 'northeurope');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#jobs-summary').textContent()).includes('No job matches'), 10000, 'the region filter');
  await page.fill('#filter-region', '');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator(`tr[data-job-id="${id}"]`).count()) === 1, 10000, 'all jobs again');

  // Without an event stream (a host that answers 404 there) the page re-reads every few seconds: still live.
  const polling = await context.newPage();
  await polling.route('**/api/events*', (route) => route.fulfill({ status: 404, contentType: 'application/problem+json', body: '{}' }));
  await polling.goto(`${CONSOLE_URL()}/#/jobs`); // the tab's token is per page: sign in again
  await polling.focus('#dev-token');
  await polling.keyboard.insertText(process.env.CONSOLE_TOKEN);
  await polling.keyboard.press('Tab');
  await polling.keyboard.press('Enter');
  await until(async () => (await polling.locator('#live-status').getAttribute('data-mode')) === 'polling', 15000, 'the console falls back to re-reading');
  const pollBar = polling.locator(`tr[data-job-id="${id}"] progress`);
  await pollBar.waitFor({ timeout: 10000 });
  const before = await pollBar.evaluate((p) => p.value);
  await until(async () => (await pollBar.evaluate((p) => p.value)) > before, 20000, `the re-read progress bar moves on from ${before}%`);
  await polling.close();

  await page.setViewportSize({ width: 390, height: 844 });
  await checkFits(page);
  await screenshot(page, 'jobs-390');
  await page.setViewportSize({ width: 1280, height: 860 });
  for (const j of [id, other]) await api('POST', `/api/jobs/${j}/cancel`, { reason: 'browser test done' });
  return { jobId: id, first, second };
});
