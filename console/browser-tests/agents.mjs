// Operators: the queues page (depth and oldest age per region and tier, charts), and the agents page:
// the simulated agent with its region, pool, slots and health; drained by keyboard from the page.
import { CONSOLE_URL, api, checkFits, check, env, run, screenshot, signIn, simulatedSpec, submit, until } from './lib.mjs';

await run('agents', async ({ page }) => {
  const agentId = env('AGENT_ID');
  await signIn(page);
  // By keyboard: the skip link comes first and moves the focus to the content; the navigation's links follow.
  await page.reload(); // a fresh load (the tab keeps its token): the focus starts at the top
  await page.locator('h1', { hasText: 'Jobs' }).waitFor();
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement?.id) === 'skip', 'the first Tab reaches the skip link');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement?.id) === 'main', 'the skip link moves the focus to the content');
  await page.focus('#nav a[href="#/queues"]');
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Queues' }).waitFor();
  await until(async () => (await page.locator('#queues-table tbody tr').count()) === 3, 10000, 'one row per tier of westeurope');
  // A job no agent can take waits in the Premium queue: the page shows it within its 10 s refresh.
  const waiting = await submit(simulatedSpec('contoso/Waiting to fabrikam/Waiting', 'Premium', 1000, { requiredCapabilities: ['tfs-onprem'] }));
  const premium = page.locator('#queues-table tr[data-region="westeurope"][data-tier="Premium"]');
  await until(async () => (await premium.locator('td[data-label=Depth]').textContent()) === '1', 20000, 'the Premium queue holds the waiting job');
  check(/\d+s/.test(await premium.locator('td[data-label="Oldest waiting"]').textContent()), 'its oldest age is shown');
  check((await page.locator('#queue-charts svg').count()) === 2, 'depth and age charts');
  check((await page.locator('#queue-charts figure').getAttribute('data-source')) === 'api', "the charts draw the API's series");
  await screenshot(page, 'queues');
  await api('POST', `/api/jobs/${waiting}/cancel`, { reason: 'browser test done' });

  await page.focus('#nav a[href="#/agents"]');
  await page.keyboard.press('Enter');
  await page.locator('h1', { hasText: 'Agents' }).waitFor();
  const row = page.locator(`tr[data-agent-id="${agentId}"]`);
  await row.waitFor({ timeout: 10000 });
  check((await row.locator('td[data-label=Region]').textContent()) === 'westeurope', 'region');
  check((await row.locator('td[data-label=Pool]').textContent()) === 'shared', 'pool');
  check((await row.locator('td[data-label=Slots]').textContent()).includes('of 1'), 'slots');
  check((await row.locator('td.health').textContent()) === 'Healthy', 'healthy');
  check((await row.locator('td.status').textContent()) === 'Active', 'not draining yet');
  await row.locator('button.drain').focus();
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  check(await page.evaluate(() => document.activeElement?.id) === 'dialog-confirm', 'the dialog focuses its confirm button');
  await page.keyboard.press('Enter');
  await until(async () => (await row.locator('td.status').textContent()) === 'Draining', 10000, 'the agent shows as draining');
  check(await row.locator('button.drain').isDisabled(), 'a drained agent cannot be drained again');
  await screenshot(page, 'agents');
  await page.setViewportSize({ width: 390, height: 844 });
  await checkFits(page);
  await screenshot(page, 'agents-390');
  return { agentId };
});
