// A Standard job runs on the only agent; a Platinum job arrives; the Standard job's timeline shows
// its preemption for the Platinum job (Preempting, then back to the queue) and later its resumption.
import { CONSOLE_URL, checkFits, api, check, jobState, run, screenshot, signIn, simulatedSpec, submit, timeline, until } from './lib.mjs';

await run('preemption', async ({ page }) => {
  await signIn(page);
  const standard = await submit(simulatedSpec('contoso/Legacy to fabrikam/Legacy', 'Standard', 60000));
  await page.goto(`${CONSOLE_URL()}/#/jobs/${standard}`);
  await until(async () => (await jobState(page)) === 'Running', 30000, 'the Standard job runs');
  const platinum = await submit(simulatedSpec('contoso/Urgent to fabrikam/Urgent', 'Platinum', 4000));
  const preempted = await until(async () => (await timeline(page)).find((e) => e.to === 'Preempting'), 30000, 'a Preempting entry in the timeline');
  check(preempted.reason.includes(`preempted for Platinum job ${platinum}`), `the entry names the Platinum job: ${preempted.reason}`);
  await until(async () => (await timeline(page)).some((e) => e.from === 'Preempting' && e.to === 'Queued'), 30000, 'back to the queue after its release');
  await until(async () => (await jobState(page)) === 'Running'
      && (await timeline(page)).filter((e) => e.to === 'Running').length >= 2, 60000, 'the Standard job runs again after the Platinum one');
  const p = await api('GET', `/api/jobs/${platinum}`);
  check(p.state === 'Completed', `the Platinum job completed first: ${p.state}`);
  check((await page.locator('.facts').textContent()).includes('Preemptions1'), 'the facts count one preemption');
  await page.locator('#timeline li.preemption').scrollIntoViewIfNeeded();
  await checkFits(page);
  await screenshot(page, 'preemption');
  await page.setViewportSize({ width: 390, height: 844 });
  await checkFits(page);
  await screenshot(page, 'preemption-390');
  await api('POST', `/api/jobs/${standard}/cancel`, { reason: 'browser test done' });
  return { standard, platinum };
});
