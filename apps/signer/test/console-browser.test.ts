import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TokenStore } from '../src/auth/token-store.js';
import { consoleAssetsDir } from '../src/http/console-assets.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, keyAddress, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';
import { waitFor } from './support/wait-for.js';

/**
 * The operator console in a real browser: Debian's chromium driven by playwright-core (no browser download), against
 * a demo signer on an ephemeral port. Screenshots of every page go to test-artifacts/console/ (gitignored).
 */
const CHROMIUM = process.env.OPENKMS_CHROMIUM ?? '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, '..', 'test-artifacts', 'console');
const SYSTEM = '11111111111111111111111111111111';
const SOL_1 = 1_000_000_000n;
const skip = existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (apt-get install chromium, or set OPENKMS_CHROMIUM): browser tests skipped`;
if (skip) console.log(`# ${skip}`);

/** The console's built files; built here when missing (pnpm install and pnpm build normally made them). */
function ensureConsoleBuilt(): void {
  if (consoleAssetsDir() !== undefined) return;
  const consoleDir = dirname(createRequire(import.meta.url).resolve('@openkms/console/package.json'));
  const vite = join(dirname(createRequire(join(consoleDir, 'package.json')).resolve('vite/package.json')), 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: consoleDir, stdio: 'inherit' });
  assert.equal(r.status, 0, 'building the console failed');
  assert.ok(consoleAssetsDir(), 'the console build made no index.html');
}

describe('operator console in chromium', { skip, timeout: 180_000 }, () => {
  let s: TestSigner;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let payer: string;
  let readToken: string;
  const pageErrors: string[] = [];
  const cspViolations: string[] = [];

  before(async () => {
    ensureConsoleBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `
enabled = true
max_signs_per_minute = 30
allowed_programs = [{ id = "${SYSTEM}" }]
per_tx_caps = { native = "${5n * SOL_1}" }
window_caps = { native = "${20n * SOL_1}" }
approval = { above = { native = "${2n * SOL_1}" }, quorum = 1, ttl_secs = 600 }
`,
      ),
    });
    readToken = TokenStore.load(join(s.dir, 'tokens.json')).create('auditor', ['read']);
    payer = await keyAddress(s, SOL);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && /Content Security Policy|Trusted Type/i.test(msg.text())) cspViolations.push(msg.text());
    });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  const shot = (name: string, p: Page = page) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const signIn = async (p: Page, token: string) => {
    await p.goto(`${s.url}/ui`);
    await p.getByLabel('API token').fill(token);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('navigation', { name: 'Pages' }).waitFor();
  };
  const spentText = (p: Page) => p.getByTestId(`key-${SOL}`).locator('.budget', { hasText: 'Spent in 24 h (native)' }).locator('.budget-value').textContent();

  test('/ui is served with a strict CSP and no inline script; sign-in with the admin token shows the keys', async () => {
    const res = await fetch(`${s.url}/ui`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    assert.doesNotMatch(html, /<style|style=/, 'no inline style');

    await page.goto(`${s.url}/ui`);
    await shot('sign-in');
    await signIn(page, s.adminToken);
    await page.getByTestId(`key-${SOL}`).waitFor();
    assert.equal(await page.getByTestId('token-name').textContent(), 'demo-admin');
    // the token is in sessionStorage, never in the URL
    assert.doesNotMatch(page.url(), new RegExp(s.adminToken));
    await page.getByTestId('health').filter({ hasText: 'healthy' }).waitFor();
  });

  test('the keys page shows a budget that moves after a signature', async () => {
    await waitFor(async () => (await spentText(page))?.startsWith('0 SOL of 20 SOL'), 'the empty budget', 20_000);
    const signed = await signSolana(s, solanaBody(payer, 1n * SOL_1));
    assert.equal(signed.status, 200, signed.text);
    await waitFor(async () => (await spentText(page))?.startsWith('1 SOL of 20 SOL'), 'the budget after 1 SOL', 20_000);
    const minute = page.getByTestId(`key-${SOL}`).locator('.budget', { hasText: 'Signatures this minute' }).locator('.budget-value');
    await waitFor(async () => (await minute.textContent()) === '1 of 30', 'the sign count', 20_000);
    await shot('keys');
    // the view docs/console.png is taken from (the README's screenshot)
    await page.setViewportSize({ width: 1000, height: 620 });
    await page.screenshot({ path: join(ARTIFACTS, 'readme.png') });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  test('a denial appears in the audit view with its code, and the activity chart counts it', async () => {
    const denied = await signSolana(s, solanaBody(payer, 6n * SOL_1));
    assert.equal(denied.status, 403, denied.text);
    assert.equal(denied.json.code, 'per_tx_cap_exceeded');
    await page.getByRole('link', { name: 'Audit trail' }).click();
    const row = page.getByTestId('audit-table').locator('tbody tr', { hasText: 'per_tx_cap_exceeded' });
    await row.first().waitFor();
    assert.match((await row.first().textContent()) ?? '', /deny/);
    // filtered by decision and code
    await page.getByLabel('Decision').selectOption('deny');
    await page.getByLabel('Code').fill('per_tx_cap_exceeded');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await page.getByTestId('audit-table').locator('tbody tr').count()) === 1, 'one filtered row', 20_000);
    await page.getByTestId('verification').filter({ hasText: 'Chain verified' }).waitFor();
    await shot('audit');

    await page.getByRole('link', { name: 'Activity' }).click();
    await page.getByTestId(`activity-${SOL}`).filter({ hasText: '1 signed, 1 refused' }).waitFor();
    await page.getByRole('cell', { name: 'per_tx_cap_exceeded' }).waitFor();
    await shot('activity');
  });

  test('the kill switch stops signing and re-enabling restores it', async () => {
    await page.getByRole('link', { name: 'Keys' }).click();
    const card = page.getByTestId(`key-${SOL}`);
    await card.getByRole('button', { name: `Disable ${SOL}` }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card.getByTestId('key-state').filter({ hasText: 'not signing' }).waitFor();
    const refused = await signSolana(s, solanaBody(payer, 1n * SOL_1));
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.code, 'key_disabled');
    await shot('keys-disabled');
    await card.getByRole('button', { name: `Enable ${SOL}` }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card
      .getByTestId('key-state')
      .filter({ hasText: /^signing$/ })
      .waitFor();
    const again = await signSolana(s, solanaBody(payer, 1n * SOL_1));
    assert.equal(again.status, 200, again.text);

    // the global switch, the same way
    const global = page.getByTestId('global-switch');
    await global.getByRole('button', { name: 'Stop all signing' }).click();
    await global.getByRole('button', { name: 'Confirm' }).click();
    await global.filter({ hasText: 'DISABLED' }).waitFor();
    assert.equal((await signSolana(s, solanaBody(payer, 1n * SOL_1))).json.code, 'global_disabled');
    await global.getByRole('button', { name: 'Resume all signing' }).click();
    await global.getByRole('button', { name: 'Confirm' }).click();
    await global.filter({ hasText: 'enabled' }).waitFor();
    assert.equal((await signSolana(s, solanaBody(payer, 1n * SOL_1))).status, 200);
  });

  test('an approval made in the browser releases the agent’s signature', async () => {
    const held = await signSolana(s, solanaBody(payer, 3n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    // the agent waits (long poll) while the operator approves in the browser
    const waiting = s.request('GET', `/approvals/${id}?wait=60`, { token: s.signerToken });
    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.getByTestId(`approval-${id}`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /send 3 SOL from/);
    await shot('approvals');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    const got = await waiting;
    assert.equal(got.status, 200, got.text);
    assert.equal(typeof got.json.signature_b64, 'string');
    await card.waitFor({ state: 'detached' });
  });

  test('an agent pairing approved in the browser with its code delivers the token to the agent once', async () => {
    const agentKey = generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');
    const asked = await s.request('POST', '/pairing', { body: { name: 'browser-paired-agent', labels: [SOL], scopes: ['sign'], x25519_public_key: agentKey } });
    assert.equal(asked.status, 200, asked.text);
    const id = asked.json.pairing_id as string;
    await page.getByRole('link', { name: 'Approvals' }).click();
    const card = page.getByTestId(`pairing-${id}`);
    await card.waitFor();
    assert.match((await card.textContent()) ?? '', /browser-paired-agent/);
    assert.equal((await s.request('GET', `/pairing/${id}`)).status, 202);
    await card.getByLabel('Code the agent shows').fill(asked.json.code as string);
    await shot('pairings');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.getByRole('button', { name: 'Confirm' }).click();
    await card.waitFor({ state: 'detached' });
    const delivered = await s.request('GET', `/pairing/${id}`);
    assert.equal(delivered.status, 200, delivered.text);
    assert.equal((await s.request('GET', `/pairing/${id}`)).status, 410);
  });

  test('a record containing <script> renders as text', async () => {
    const payload = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>';
    const held = await signSolana(s, solanaBody(payer, 4n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const denied = await s.request('POST', `/admin/approvals/${held.json.approval_id}/deny`, { token: s.adminToken, body: { reason: payload } });
    assert.equal(denied.status, 200, denied.text);
    await page.getByRole('link', { name: 'Audit trail' }).click();
    await page.getByLabel('Decision').selectOption('admin');
    await page.getByLabel('Code').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.getByTestId('audit-table').locator('tbody tr').first();
    await waitFor(async () => ((await row.textContent()) ?? '').includes('approval_deny') || (await row.getAttribute('data-seq')), 'the deny record', 20_000);
    // the newest admin record is the deny with the operator's reason
    await row.getByRole('button').click();
    const detail = page.getByTestId('record-detail');
    await detail.filter({ hasText: 'window.__xss' }).waitFor();
    assert.ok(((await detail.textContent()) ?? '').includes('<script>window.__xss=1</script>'), 'the payload is shown as text');
    assert.equal(await detail.locator('script, img').count(), 0, 'no element was made from it');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
    await shot('audit-record');
  });

  test('a read-only token sees everything but no action button', async () => {
    const readPage = await context.browser()!.newPage({ viewport: { width: 390, height: 844 } });
    try {
      readPage.on('pageerror', (err) => pageErrors.push(err.message));
      await signIn(readPage, readToken);
      await readPage.getByTestId(`key-${SOL}`).waitFor();
      await readPage.getByTestId(`key-${SOL}`).locator('.budget').first().waitFor();
      const actions = /Disable|Enable|Stop all|Resume all|Approve|Deny|Confirm/;
      assert.equal(await readPage.getByRole('button', { name: actions }).count(), 0, 'keys page');
      await shot('keys-read-only-phone', readPage);
      await readPage.getByRole('link', { name: 'Approvals' }).click();
      await readPage.getByText('this token has neither').waitFor();
      assert.equal(await readPage.getByRole('button', { name: actions }).count(), 0, 'approvals page');
      await readPage.getByRole('link', { name: 'Audit trail' }).click();
      await readPage.getByTestId('audit-table').locator('tbody tr').first().waitFor();
      assert.equal(await readPage.getByRole('button', { name: actions }).count(), 0, 'audit page');
    } finally {
      await readPage.close();
    }
  });

  test('a degraded signer is shown (the HSM down, as /health says); no page error or CSP violation happened', async () => {
    await page.route('**/health', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ status: 'degraded', hsm_up: false, audit_up: true }) }),
    );
    await page.getByTestId('health').filter({ hasText: 'Degraded: the key backend (HSM) is down' }).waitFor();
    await shot('degraded');
    await page.unroute('**/health');
    await page.getByTestId('health').filter({ hasText: 'healthy' }).waitFor();
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspViolations, []);
  });
});
