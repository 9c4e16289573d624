// Drives the srv.asmx help pages in a real browser (Debian's Chromium through
// playwright-core): from the operation list to AuthenticateUser's test form, then
// UpdateUserContactInfo's, then GetUser's to see the change stored. Saves a screenshot
// of the filled-in UpdateUserContactInfo page as <artifact-dir>/help-page.png.
//
// Usage: node help_forms.mjs <base-url> <artifact-dir>
// Prints each step; exits non-zero on the first failure. Run by tests/api/browser.rs.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, artifactDir] = process.argv.slice(2).map((a) => a?.replace(/\/+$/, ''));
if (!base || !artifactDir) {
  console.error('usage: node help_forms.mjs <base-url> <artifact-dir>');
  process.exit(2);
}

// The whole run, browser start included, must finish well within the Rust test's limit.
const watchdog = setTimeout(() => {
  console.error('help forms: FAILED: still running after 120 s');
  process.exit(1);
}, 120_000);

const CHROMIUM = '/usr/bin/chromium';
// Chromium's own background traffic (updates, sync, QUIC probes) must stay off here.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Written through the form: '+', spaces and a non-ASCII letter check the encoding.
const EMAIL = 'john.doe+browser@example.org';
const MOBILE = '+1 555 0177 (Büro)';

function step(text) {
  console.log(`help forms: ${text}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Submits the page's test form; returns [result page, raw HTTP response]. */
async function invoke(context, page, method) {
  const answered = context.waitForEvent('response', {
    predicate: (r) => r.url() === `${base}/srv.asmx/${method}` && r.request().method() === 'POST',
  });
  // The form has target="_blank": the answer opens in a new tab, as on .NET.
  const opened = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Invoke' }).click();
  const [result, response] = await Promise.all([opened, answered]);
  await result.waitForLoadState();
  const contentType = response.request().headers()['content-type'] ?? '';
  check(
    contentType.startsWith('application/x-www-form-urlencoded'),
    `${method}: the form posted ${contentType}`,
  );
  check(response.status() === 200, `${method}: HTTP ${response.status()}: ${await response.text()}`);
  check(
    response.headers()['content-type'] === 'text/xml; charset=utf-8',
    `${method}: answered ${response.headers()['content-type']}`,
  );
  return [result, response];
}

/** The XML the result tab shows, as the browser parsed it (Chromium's XML viewer keeps
 * the document it renders in a hidden element). */
async function shownXml(result) {
  return result.evaluate(() => {
    const source = document.getElementById('webkit-xml-viewer-source-xml');
    return new XMLSerializer().serializeToString(source?.firstElementChild ?? document);
  });
}

/** Follows the operation list's link to `method`'s page. */
async function openOperation(page, method) {
  await page.goto(`${base}/srv.asmx`);
  check((await page.title()).trim() === 'srv Web Service', `list title: ${await page.title()}`);
  await page.getByRole('link', { name: method, exact: true }).click();
  await page.waitForURL(`${base}/srv.asmx?op=${method}`);
  const heading = await page.locator('h2').first().textContent();
  check(heading === method, `${method}: page heading ${heading}`);
}

async function main() {
  mkdirSync(artifactDir, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'asmx-help-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
    timeout: 60_000,
  });
  context.setDefaultTimeout(20_000);
  try {
    const page = context.pages()[0] ?? (await context.newPage());

    step('operation list → AuthenticateUser');
    await openOperation(page, 'AuthenticateUser');
    await page.locator('input[name="UID"]').fill('jdoe');
    await page.locator('input[name="PWD"]').fill('jdoe');
    const [login, loginResponse] = await invoke(context, page, 'AuthenticateUser');
    const loginXml = await shownXml(login);
    check(/success="true"/.test(loginXml), `AuthenticateUser: ${loginXml}`);
    const ticket = /ticket="([0-9a-f-]{36})"/.exec(loginXml)?.[1];
    check(ticket, `AuthenticateUser: no ticket in ${loginXml}`);
    check((await loginResponse.text()).includes(ticket), 'the tab shows the HTTP answer');
    step(`AuthenticateUser gave ticket ${ticket}`);
    await login.close();

    step('operation list → UpdateUserContactInfo');
    await openOperation(page, 'UpdateUserContactInfo');
    await page.locator('input[name="authenticationTicket"]').fill(ticket);
    await page.locator('input[name="userName"]').fill('jdoe');
    await page.locator('input[name="emailAddress"]').fill(EMAIL);
    await page.locator('input[name="mobileNumber"]').fill(MOBILE);
    const screenshot = join(artifactDir, 'help-page.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    step(`screenshot saved: ${screenshot}`);
    const [update] = await invoke(context, page, 'UpdateUserContactInfo');
    const updateXml = await shownXml(update);
    check(
      /^<response [^>]*success="true"/.test(updateXml) && / error=""/.test(updateXml),
      `UpdateUserContactInfo: ${updateXml}`,
    );
    step('UpdateUserContactInfo answered success="true"');
    await update.close();

    step('operation list → GetUser shows the stored change');
    await openOperation(page, 'GetUser');
    await page.locator('input[name="AuthenticationTicket"]').fill(ticket);
    await page.locator('input[name="UserName"]').fill('jdoe');
    const [user] = await invoke(context, page, 'GetUser');
    const userXml = await shownXml(user);
    check(/success="true"/.test(userXml), `GetUser: ${userXml}`);
    const stored = (name) => new RegExp(` ${name}="([^"]*)"`).exec(userXml)?.[1];
    check(stored('Email') === EMAIL, `GetUser: Email ${stored('Email')} in ${userXml}`);
    check(
      stored('MobileNumber') === MOBILE,
      `GetUser: MobileNumber ${stored('MobileNumber')} in ${userXml}`,
    );
    step(`GetUser: Email="${EMAIL}" MobileNumber="${MOBILE}"`);
    await user.close();
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => {
    clearTimeout(watchdog);
    step('all steps passed');
  },
  (error) => {
    console.error(`help forms: FAILED: ${error.stack ?? error}`);
    process.exit(1);
  },
);
