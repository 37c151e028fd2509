import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../../apps/sample/src/database/demo-data.js';
import { SAMPLE_ADAPTERS, startSample, type SampleHarness } from './sample-harness.js';

const CHROMIUM = '/usr/bin/chromium';

/** The sign-in and who-am-I pages in a real (headless) Chromium, as a person would use them. */
describe.each(SAMPLE_ADAPTERS)('sample pages in Chromium, on %s', (adapter) => {
  let h: SampleHarness;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // Debian's chromium; npm test installs it
    h = await startSample('sqlite', {}, adapter);
    await h.sample.app.listen(0, '127.0.0.1');
    base = (await h.sample.app.getUrl()).replace('[::1]', '127.0.0.1');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(path: string, username: string, password: string) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}${path}`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    return page;
  }

  it('signs in with a Django account, shows who I am, signs out', async () => {
    const { demo } = DEMO_ACCOUNTS;
    const page = await signIn('/', demo.username, demo.password);
    await page.waitForURL(`${base}/whoami`);
    await page.locator('#me', { hasText: '"username"' }).waitFor();
    const me = JSON.parse((await page.textContent('#me')) ?? '{}');
    expect(me).toMatchObject({ username: 'demo', isStaff: true, groups: ['editors', 'secret-agents'], permissions: ['notes.add_note', 'notes.delete_note'] });
    const session = (await page.context().cookies()).find((c) => c.name === 'sessionid');
    expect(h.django.whoami({ sessionid: session!.value })).toMatchObject({ authenticated: true, username: 'demo' });
    await page.click('#logout');
    await page.locator('#me', { hasText: 'Not signed in' }).waitFor();
    expect(h.django.sessionRow(session!.value)).toBeNull();
  });

  it('says so when the password is wrong', async () => {
    const page = await signIn('/', 'demo', 'wrong');
    await page.locator('#result', { hasText: /\S/ }).waitFor();
    expect(await page.textContent('#result')).toBe('Invalid username or password.');
    expect(page.url()).toBe(`${base}/`);
  });

  it('signs the local administrator in under /admin/', async () => {
    const { admin } = DEMO_ACCOUNTS;
    const page = await signIn('/admin/', admin.username, admin.password);
    await page.waitForURL(`${base}/admin/whoami`);
    await page.locator('#me', { hasText: '"username"' }).waitFor();
    expect(JSON.parse((await page.textContent('#me')) ?? '{}')).toMatchObject({ username: 'admin', isSuperuser: true });
  });
});
