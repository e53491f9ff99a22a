// From the job page, by keyboard: pause a running job (its agent checkpoints and releases it), resume
// it, see both in the timeline with actor and reason, then cancel it with a reason asked for.
import { CONSOLE_URL, checkFits, check, jobState, run, screenshot, signIn, simulatedSpec, submit, timeline, until } from './lib.mjs';

await run('pause-resume', async ({ page }) => {
  await signIn(page);
  const id = await submit(simulatedSpec('contoso/Payments to fabrikam/Payments', 'Premium', 60000));
  await page.goto(`${CONSOLE_URL()}/#/jobs/${id}`);
  await until(async () => (await jobState(page)) === 'Running', 30000, 'the job runs');
  await until(async () => (await page.locator('#job-progress').evaluate((p) => p.value)) > 0, 20000, 'progress shows');
  await page.focus('#action-pause');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  check(await page.evaluate(() => document.activeElement?.id) === 'dialog-reason', 'the pause dialog asks for a reason');
  await page.keyboard.insertText('maintenance window');
  await page.keyboard.press('Enter');
  await until(async () => (await jobState(page)) === 'Paused', 30000, 'the job becomes Paused (through Pausing)');
  let entries = await timeline(page);
  check(entries.some((e) => e.to === 'Pausing' && e.actor === 'console-user' && e.reason.includes('maintenance window')),
    `a Pausing entry with its actor and reason: ${JSON.stringify(entries)}`);
  check(entries.some((e) => e.from === 'Pausing' && e.to === 'Paused'), `a Paused entry: ${JSON.stringify(entries)}`);
  check(await page.locator('#action-pause').isDisabled(), 'Pause is disabled while paused');
  await until(async () => (await page.locator('#checkpoints [data-checkpoint]').count()) > 0, 10000, 'the checkpoint it paused at is shown');

  await page.focus('#action-resume');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await page.keyboard.insertText('window over');
  await page.keyboard.press('Enter');
  await until(async () => ['Queued', 'Assigned', 'Running'].includes(await jobState(page)), 10000, 'resumed');
  await until(async () => (await jobState(page)) === 'Running', 30000, 'the job runs again');
  entries = await timeline(page);
  check(entries.some((e) => e.from === 'Paused' && e.to === 'Queued' && e.reason.includes('window over')), `a resume entry with its reason: ${JSON.stringify(entries)}`);
  const before = await page.locator('#job-progress').evaluate((p) => p.value);
  await until(async () => (await page.locator('#job-progress').evaluate((p) => p.value)) > before, 20000, 'progress moves on after the resume');
  await page.click('text=Count again');
  await until(async () => /WorkItem: [1-9]\d*/.test(await page.locator('#mapping-counts').textContent()), 10000, 'the mappings are counted by type');
  await page.fill('#lookup-id', '1');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#lookup-result').textContent()).includes('100001'), 10000, 'source 1 maps to target 100001');
  await page.selectOption('#lookup-direction', 'targetId');
  await page.fill('#lookup-id', '100001');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#lookup-result').textContent()).includes('WorkItem 1 (source)'), 10000, 'target 100001 maps back to 1');
  await checkFits(page);
  await screenshot(page, 'job');

  await page.focus('#action-cancel');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  check(await page.evaluate(() => document.activeElement?.id) === 'dialog-reason', 'the dialog asks for the reason first');
  await page.keyboard.insertText('wrong target project');
  await screenshot(page, 'job-cancel-dialog', { fullPage: false }); // a modal covers the viewport
  await page.keyboard.press('Enter');
  await until(async () => (await jobState(page)) === 'Cancelled', 15000, 'the job is cancelled');
  await until(async () => (await timeline(page)).some((e) => e.to === 'Cancelled' && e.reason === 'wrong target project'
      && e.actor === 'console-user'), 10000, 'the cancellation, its reason and its actor in the timeline');
  return { jobId: id };
});
