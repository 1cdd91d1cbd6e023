import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { consoleAssetsDir } from '../src/http/console-assets.js';
import type { TestSigner } from './support/test-signer.js';
import { startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';
import { waitFor } from './support/wait-for.js';

/**
 * The console's keys page in fleet mode while Redis does not answer: the budgets say "stale" (the figures last read)
 * or "unavailable" (never read) with a notice, never a fresh 0 that reads as an untouched budget; live again after.
 */
const CHROMIUM = process.env.OPENKMS_CHROMIUM ?? '/usr/bin/chromium';
const SYSTEM = '11111111111111111111111111111111';
const skip = existsSync(CHROMIUM)
  ? redisMissing()
  : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set OPENKMS_CHROMIUM): browser tests skipped`;
if (skip) console.log(`# ${skip}`);

function ensureConsoleBuilt(): void {
  if (consoleAssetsDir() !== undefined) return;
  const consoleDir = dirname(createRequire(import.meta.url).resolve('@openkms/console/package.json'));
  const vite = join(dirname(createRequire(join(consoleDir, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
  assert.equal(r.status, 0, 'building the console failed');
}

describe('operator console in chromium, fleet mode with Redis down', { skip, timeout: 180_000 }, () => {
  let redis: TestRedis;
  let testFleet: TestFleet | undefined;
  let s: TestSigner;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureConsoleBuilt();
    redis = await startTestRedis();
    const policy = `max_signs_per_minute = 30\nwindow_caps = { native = "20000000000" }\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    testFleet = await startTestFleet({ redisUrl: redis.url, ids: ['A'], config: withPolicy(SOL, policy) });
    s = testFleet.instances[0]!;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
  });
  after(async () => {
    await browser?.close();
    await testFleet?.close();
    await redis?.close();
  });

  test('the budgets say stale with a notice while Redis is down, and are live again after', async () => {
    const signed = await signSolana(s, solanaBody(await keyAddress(s, SOL), 1000n));
    assert.equal(signed.status, 200, signed.text);
    await page.goto(`${s.url}/ui`);
    await page.getByLabel('API token').fill(s.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const card = page.getByTestId(`key-${SOL}`);
    const minute = card.locator('.budget', { hasText: 'Signatures this minute' }).locator('.budget-value');
    await waitFor(async () => (await minute.textContent()) === '1 of 30', 'the live sign count', 20_000);
    assert.equal(await page.getByTestId(`usage-unavailable-${SOL}`).count(), 0);

    await redis.kill();
    const notice = page.getByTestId(`usage-unavailable-${SOL}`);
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /Usage unavailable.*redis.*read at/);
    await waitFor(async () => (await minute.textContent()) === '1 (stale) of 30', 'the stale sign count', 20_000);

    await redis.restart();
    await notice.waitFor({ state: 'detached', timeout: 30_000 });
    await waitFor(async () => (await minute.textContent()) === '1 of 30', 'the live sign count again', 30_000);
  });
});
