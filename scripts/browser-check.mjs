// npm run check:browser: a real browser (Debian's chromium, driven by
// playwright-core) against the built server, as a teller front-end and a
// user of /docs would use it:
// 1. a page on another origin calls the API with a key: it works when
//    CORS_ORIGINS lists that origin, and the browser refuses it when not;
// 2. /docs renders with the security headers on, and Try-it-out of two
//    different POSTs in a row (a deposit, then a withdrawal) both succeed.
// Needs `npm run build` (the pre-script) and /usr/bin/chromium (CHROMIUM to override).
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startBuiltServer } from './built-server.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const KEY = 'demo-teller-key';

function fail(message) {
  throw new Error(message);
}

/** The front-end's origin: one page whose script calls the API given in the query. */
async function frontEnd() {
  const page = `<!doctype html><title>teller</title><script>
    const api = new URLSearchParams(location.search).get('api');
    window.result = (async () => {
      try {
        const balance = await fetch(api + '/accounts/1001/balance', { headers: { Authorization: 'Bearer ${KEY}' } });
        const deposit = await fetch(api + '/accounts/1001/deposit', {
          method: 'POST',
          headers: { Authorization: 'Bearer ${KEY}', 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
          body: JSON.stringify({ amount: '1.00' }),
        });
        return { ok: true, statuses: [balance.status, deposit.status], requestId: deposit.headers.get('X-Request-Id') };
      } catch (error) {
        return { ok: false, error: String(error) };
      }
    })();
  </script>`;
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

async function callFromOtherOrigin(browser, front, corsOrigins) {
  const api = await startBuiltServer(corsOrigins ? { CORS_ORIGINS: corsOrigins } : {});
  try {
    const page = await browser.newPage();
    await page.goto(`${front.origin}/?api=${encodeURIComponent(api.url)}`);
    const result = await page.evaluate(() => window.result);
    await page.close();
    return result;
  } finally {
    await api.stop();
  }
}

async function authorizeIfAsked(page) {
  const authorize = page.locator('button.authorize').first();
  if ((await authorize.count()) === 0) return;
  await authorize.click();
  await page.locator('.auth-container input').first().fill('demo-admin-key');
  await page.locator('.auth-btn-wrapper button.authorize').first().click();
  await page.locator('.auth-btn-wrapper button.btn-done').first().click();
}

async function tryItOut(page, operationId, accountNumber) {
  const block = page.locator(`[id$="-${operationId}"]`).first();
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('tr[data-param-name="n"] input').fill(accountNumber);
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15000 });
  return (await status.innerText()).trim();
}

async function docsTryItOut(browser) {
  const api = await startBuiltServer();
  try {
    const page = await browser.newPage();
    const violations = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(`${api.url}/docs`);
    const headers = response.headers();
    for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy']) {
      if (!headers[name]) fail(`/docs answered without ${name}`);
    }
    await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 15000 });
    await authorizeIfAsked(page);
    const deposit = await tryItOut(page, 'depositToAccount', '1001');
    const withdraw = await tryItOut(page, 'withdrawFromAccount', '1001');
    await page.close();
    return { deposit, withdraw, violations };
  } finally {
    await api.stop();
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
const front = await frontEnd();
let failed = false;
try {
  const allowed = await callFromOtherOrigin(browser, front, front.origin);
  console.log(`origin allowed: ${JSON.stringify(allowed)}`);
  if (!allowed.ok || allowed.statuses.some((s) => s >= 300) || !allowed.requestId) failed = true;
  const refused = await callFromOtherOrigin(browser, front, 'https://someone-else.example');
  console.log(`origin not allowed: ${JSON.stringify(refused)}`);
  if (refused.ok) failed = true;
  const docs = await docsTryItOut(browser);
  console.log(`/docs Try-it-out: deposit ${docs.deposit}, then withdrawal ${docs.withdraw}; CSP violations: ${docs.violations.length}`);
  if (docs.deposit !== '200' || docs.withdraw !== '200' || docs.violations.length > 0) failed = true;
} finally {
  front.close();
  await browser.close();
}
console.log(failed ? 'browser check FAILED' : 'browser check passed');
process.exit(failed ? 1 : 0);
