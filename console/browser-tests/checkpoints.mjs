// A job's checkpoints (a git commit and a cursor, written by an agent) and its ID mappings on the job
// page: counts by type and a lookup either way; a missing id says so.
import { CONSOLE_URL, checkFits, check, env, run, screenshot, signIn, until } from './lib.mjs';

await run('checkpoints', async ({ page }) => {
  const id = env('JOB_ID');
  await signIn(page);
  await page.goto(`${CONSOLE_URL()}/#/jobs/${id}`);
  const git = page.locator('#checkpoints tr[data-checkpoint="repository"]');
  await git.waitFor({ timeout: 15000 });
  const position = await git.locator('td[data-label=Position]').textContent();
  check(position.includes('https://git.example.com/contoso/alpha.git') && position.includes('refs/heads/main'), `git position: ${position}`);
  check((await git.locator('code.commit').textContent()) === '3f2a9c1d8e7b', `the commit, shortened: ${await git.locator('code.commit').textContent()}`);
  check((await git.locator('td[data-label=Kind]').textContent()) === 'git commit', 'kind');
  const cursor = await page.locator('#checkpoints tr[data-checkpoint="work-items"] code.cursor').textContent();
  check(cursor === '{"lastId":3,"percent":55}', `cursor: ${cursor}`);
  check((await page.locator('#job-progress').evaluate((p) => p.value)) === 55, 'the progress bar at the reported 55%');
  await until(async () => (await page.locator('#mapping-counts').textContent()).includes('workitem: 3'), 10000, 'three workitem mappings');
  await page.fill('#lookup-id', '2');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#lookup-result').textContent()) === 'workitem 2 (source) ↔ 70002 (target)', 10000, 'lookup by source');
  await page.selectOption('#lookup-direction', 'targetId');
  await page.fill('#lookup-id', '70003');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#lookup-result').textContent()) === 'workitem 3 (source) ↔ 70003 (target)', 10000, 'lookup by target');
  await page.fill('#lookup-id', '99');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#lookup-result').textContent()).startsWith('No workitem mapping'), 10000, 'a missing id');
  await checkFits(page);
  await screenshot(page, 'checkpoints');
  return { jobId: id };
});
