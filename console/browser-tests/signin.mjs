// Sign-in with a development token: the hint names scripts/dev-token.sh, a pasted non-token is
// refused on the page, a real one opens the jobs page with the operator's pages in the navigation.
import { CONSOLE_URL, TOKEN, allowedFailures, check, run, screenshot, until } from './lib.mjs';

await run('signin', async ({ page }) => {
  const response = await page.goto(CONSOLE_URL() + '/');
  const csp = response.headers()['content-security-policy'] || '';
  check(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'"), `the page's CSP: ${csp}`);
  check(response.headers()['x-content-type-options'] === 'nosniff', 'nosniff');
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  const hint = await page.locator('#dev-token-command').textContent();
  check(hint.startsWith('scripts/dev-token.sh'), `the hint names the token command: ${hint}`);
  await page.fill('#dev-token', 'not-a-token');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#signin-error').textContent()).includes('not a token'), 5000, 'a pasted non-token is refused');
  // A token the control plane does not trust (its signature altered) is refused by the API: 401.
  allowedFailures.push('/api/jobs?limit=1');
  const [head, body, signature] = TOKEN().split('.');
  const forged = `${head}.${body}.${signature.slice(0, -6)}${signature.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`;
  await page.fill('#dev-token', forged);
  await page.locator('button[type=submit]', { hasText: 'Sign in' }).press('Enter');
  await until(async () => (await page.locator('#signin-error').textContent()).includes('refused'), 10000, 'a forged token is refused');
  check(await page.evaluate(() => sessionStorage.getItem('controlplane.devToken')) === null, 'a refused token is not kept');
  await screenshot(page, 'signin');
  await page.fill('#dev-token', TOKEN());
  await page.locator('button[type=submit]', { hasText: 'Sign in' }).press('Enter');
  await page.locator('h1', { hasText: 'Jobs' }).waitFor({ timeout: 15000 });
  const nav = await page.locator('#nav').textContent();
  check(nav.includes('Jobs') && nav.includes('Queues') && nav.includes('Agents'), `navigation: ${nav}`);
  // The host streams job events: the console reads them (fetch + its SSE parser) instead of re-reading.
  await until(async () => (await page.locator('#live-status').getAttribute('data-mode')) === 'stream', 10000, 'the event stream is read');
  const stored = await page.evaluate(() => sessionStorage.getItem('controlplane.devToken'));
  check(stored === TOKEN(), 'the token is kept in sessionStorage');
  await page.reload();
  await page.locator('h1', { hasText: 'Jobs' }).waitFor({ timeout: 15000 });
  await page.click('#sign-out');
  await page.locator('h1', { hasText: 'Sign in' }).waitFor();
  check(await page.evaluate(() => sessionStorage.getItem('controlplane.devToken')) === null, 'signing out forgets the token');
});
