#!/usr/bin/env node
// Browser tests of staff access under /staf/: the first login of the demo
// account (`signaal init --demo`) with the keyboard only (Tab, typing,
// Enter): the one-time password, a new password, enrolment of the second
// factor with a code from Debian's oathtool, the recovery codes, then the
// work place, the account page and the accounts list, the admin's pages
// (a new account, its roles, an API token); axe (WCAG 2.1 A/AA,
// zero violations) on every staff page in that flow and on the login
// page's error state; no quick exit on staff pages. Then reflow: every
// staff page at 130% and 150% text size on a 360 px and a 1280 px wide
// screen (no sideways scroll of the page, nothing cut off, a data table
// only scrolling inside its own named, focusable region; axe at 150%),
// logged in with the recovery codes the first login showed, and the pages
// before the work place through a new account's first login.
//
//   node tests/e2e/staff.mjs http://127.0.0.1:PORT ONE-TIME-PASSWORD
//
// Conventions of run.mjs: TAP output, last line `N passed, N failed`, exit
// status 0 all passed, 1 a check failed, 2 bad usage or no browser/server.
// SPDX-License-Identifier: EUPL-1.2

import { execFileSync } from 'node:child_process';
import { Failure, check, cliBase, activeInfo, axe, runTests, reflowProblems, textSizeContext } from './lib.mjs';

const { base: BASE, origin: ORIGIN, only } = cliBase('staff.mjs');
const ONCE = process.argv[3];
if (!ONCE) {
  console.error('usage: node tests/e2e/staff.mjs http://127.0.0.1:PORT ONE-TIME-PASSWORD');
  process.exit(2);
}
const LOGIN = 'beheer';
const NEW_PASSWORD = 'zeven-groene-kikkers-in-de-sloot';
// The demo login's recovery codes, from its first login: each later login
// of the reflow tests uses one (a TOTP code works only once per 30 s).
const RECOVERY = [];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function noViolations(page, label) {
  const v = await axe(page, label);
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
}

async function noQuickExit(page) {
  check((await page.locator('.signaal-quick-exit').count()) === 0, `a quick exit on ${page.url()}`);
}

// Tabs until the field named name has the focus and types text; false
// after too many steps.
async function tabTo(page, name) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const a = await activeInfo(page);
    if (a.name === name) return;
  }
  throw new Failure(`Tab never reached the field "${name}" on ${page.url()}`);
}

async function typeAndSubmit(page, fields) {
  for (const [name, text] of fields) {
    await tabTo(page, name);
    await page.keyboard.type(text);
  }
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

// Tabs until the element matching pred (of activeInfo) has the focus.
async function tabUntil(page, pred, what) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (pred(await activeInfo(page))) return;
  }
  throw new Failure(`Tab never reached ${what} on ${page.url()}`);
}

async function pressAndLoad(page, key) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
}

const isCheckbox = (value) => (a) => a.tag === 'input' && a.type === 'checkbox' && a.name === 'role' && a.value === value;
const isSubmit = (a) => a.tag === 'button' && a.type === 'submit' && !a.name;

// The admin's pages by keyboard: a new account (first without a role: the
// form again, the login kept), its one-time password, its roles, an API
// token shown once, and revoking it; axe on each page and state.
async function adminPages(page) {
  const NEW = 'e2e.nieuw';
  await page.goto(BASE + '/staf/beheer', { waitUntil: 'load' });
  await tabUntil(page, (a) => a.tag === 'a' && a.href.endsWith('/staf/beheer/nieuw'), 'the link to a new account');
  await pressAndLoad(page, 'Enter');
  check(page.url().endsWith('/staf/beheer/nieuw'), `not on the new account form: ${page.url()}`);
  await noViolations(page, 'staf/beheer/nieuw');
  await tabTo(page, 'login');
  await page.keyboard.type(NEW);
  await pressAndLoad(page, 'Enter');
  const form = await page.locator('main').textContent();
  check(form.includes('Kies minstens één rol.'), 'no message for an account without a role');
  check((await page.locator('#login').inputValue()) === NEW, 'the login typed was lost');
  await noViolations(page, 'staf/beheer/nieuw without a role');
  await tabUntil(page, isCheckbox('handler'), 'the role Behandelaar');
  await page.keyboard.press('Space');
  await tabUntil(page, isSubmit, 'the button to make the account');
  await pressAndLoad(page, 'Enter');
  const once = (await page.locator('#eenmalig-wachtwoord').textContent()).trim();
  check(once.length >= 12, 'no one-time password on the answer');
  await noViolations(page, 'staf/beheer/nieuw done');

  await page.goto(BASE + '/staf/beheer', { waitUntil: 'load' });
  await tabUntil(page, (a) => a.tag === 'a' && /\/staf\/beheer\/rollen\/[0-9]+$/.test(a.href) && a.text.endsWith(NEW), 'the roles link of the new account');
  await pressAndLoad(page, 'Enter');
  check(/\/staf\/beheer\/rollen\/[0-9]+$/.test(page.url()), `not on the roles page: ${page.url()}`);
  await noViolations(page, 'staf/beheer/rollen/ID');
  await tabUntil(page, isCheckbox('analyst'), 'the role Analist');
  await page.keyboard.press('Space');
  await tabUntil(page, isSubmit, 'the button to save the roles');
  await pressAndLoad(page, 'Enter');
  check(page.url().endsWith('/staf/beheer?klaar=rollen'), `not back on the list: ${page.url()}`);
  check((await page.locator('main').textContent()).includes('De rollen zijn veranderd.'), 'no word that the roles changed');
  await noViolations(page, 'staf/beheer after roles');

  await page.goto(BASE + '/staf/beheer/tokens', { waitUntil: 'load' });
  await noViolations(page, 'staf/beheer/tokens');
  await tabTo(page, 'days');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('7');
  await pressAndLoad(page, 'Enter');
  const token = (await page.locator('#token-eenmalig').textContent()).trim();
  check(/^[0-9a-f]{64}$/.test(token), `no token on the answer: ${token}`);
  await noViolations(page, 'staf/beheer/tokens done');
  await page.goto(BASE + '/staf/beheer/tokens', { waitUntil: 'load' });
  check(!(await page.content()).includes(token), 'the token is shown again in the list');
  await tabUntil(page, (a) => a.tag === 'button' && a.text.startsWith('Intrekken'), 'a revoke button');
  await pressAndLoad(page, 'Enter');
  check(page.url().endsWith('/staf/beheer/tokens?klaar=ingetrokken'), `not back on the tokens: ${page.url()}`);
  check((await page.locator('main').textContent()).includes('De token is ingetrokken.'), 'no word that the token was revoked');
  await noViolations(page, 'staf/beheer/tokens after revoke');
  await page.goto(BASE + '/en/staf/beheer/tokens', { waitUntil: 'load' });
  await noViolations(page, 'en/staf/beheer/tokens');
}

test('staff login page: errors are accessible, no quick exit', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/staf/inloggen', { waitUntil: 'load' });
  await noQuickExit(page);
  await noViolations(page, 'staf/inloggen');
  await typeAndSubmit(page, [['login', 'niemand'], ['password', 'geen-goed-wachtwoord']]);
  const text = await page.locator('main').textContent();
  check(text.includes('De inlognaam of het wachtwoord klopt niet'), 'no message after a wrong login');
  await noViolations(page, 'staf/inloggen wrong');
});

test('staff first login by keyboard only: new password, enrolment, recovery codes, pages', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/staf', { waitUntil: 'load' });
  check(page.url().endsWith('/staf/inloggen'), `not sent to the login page: ${page.url()}`);
  await typeAndSubmit(page, [['login', LOGIN], ['password', ONCE]]);
  check(page.url().endsWith('/staf/wachtwoord-kiezen'), `first login did not ask a new password: ${page.url()}`);
  await noQuickExit(page);
  await noViolations(page, 'staf/wachtwoord-kiezen');
  await typeAndSubmit(page, [['password', NEW_PASSWORD], ['password2', NEW_PASSWORD]]);
  check(page.url().endsWith('/staf/tweede-stap-instellen'), `no enrolment after the password: ${page.url()}`);
  check((await page.locator('.signaal-qr svg').count()) === 1, 'no QR code');
  await noViolations(page, 'staf/tweede-stap-instellen');
  const secret = (await page.locator('.signaal-receipt__code').textContent()).replace(/\s+/g, '');
  const code = execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
  await typeAndSubmit(page, [['code', code]]);
  const codes = await page.locator('.signaal-recovery-codes li').count();
  check(codes === 10, `expected 10 recovery codes, got ${codes}`);
  RECOVERY.push(...(await page.locator('.signaal-recovery-codes li').allTextContents()).map((c) => c.trim()));
  await noViolations(page, 'staf recovery codes');
  // On to the work place by keyboard: the link after the codes.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const a = await activeInfo(page);
    if (a.tag === 'a' && /\/staf$/.test(a.href) && a.text.includes('bewaard')) break;
  }
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(/\/staf$/.test(page.url()), `not at the work place: ${page.url()}`);
  const header = await page.locator('header').textContent();
  check(header.includes('Gemeente Velsen') && header.includes('Beheerder'), 'the header does not show organisation and role');
  await noQuickExit(page);
  await noViolations(page, 'staf');
  await page.goto(BASE + '/staf/account', { waitUntil: 'load' });
  check((await page.locator('main table tbody tr').count()) >= 1, 'no session in the list');
  await noViolations(page, 'staf/account');
  await page.goto(BASE + '/staf/beheer', { waitUntil: 'load' });
  check((await page.locator('main').textContent()).includes(LOGIN), 'the accounts list lacks the demo login');
  await noViolations(page, 'staf/beheer');
  await page.goto(BASE + '/en/staf/account', { waitUntil: 'load' });
  await noViolations(page, 'en/staf/account');
  // The inbox (init --demo's example reports) and, by keyboard, a report.
  await page.goto(BASE + '/staf/meldingen', { waitUntil: 'load' });
  check((await page.locator('main table tbody tr').count()) >= 1, 'the inbox lists no report');
  await noQuickExit(page);
  await noViolations(page, 'staf/meldingen');
  let onReport = false;
  for (let i = 0; i < 60 && !onReport; i++) {
    await page.keyboard.press('Tab');
    const a = await activeInfo(page);
    onReport = a.tag === 'a' && /\/staf\/meldingen\/[0-9]+$/.test(a.href);
  }
  check(onReport, 'no report link reached by keyboard in the inbox');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(/\/staf\/meldingen\/[0-9]+$/.test(page.url()), `not on a report: ${page.url()}`);
  // The newest report may be one the form tests sent before this file ran.
  check((await page.locator('#report-description').textContent()).trim().length > 0, 'the report view lacks the words of the report');
  await noViolations(page, 'staf/meldingen/ID');
  // The history starts with the receipt; this look shows from the next one on.
  check((await page.locator('ol.signaal-history li').count()) >= 1, 'the report view has no history');
  await page.reload({ waitUntil: 'load' });
  check((await page.locator('ol.signaal-history').textContent()).includes('Melding bekeken'),
    'the history lacks the view just before');
  await noViolations(page, 'staf/meldingen/ID with its history');
  await page.goto(BASE + '/staf/meldingen?status=received&overdue=yes', { waitUntil: 'load' });
  await noViolations(page, 'staf/meldingen filtered');
  await page.goto(BASE + '/en/staf/meldingen', { waitUntil: 'load' });
  await noViolations(page, 'en/staf/meldingen');
  await page.goto(BASE + '/staf/beheer/audit', { waitUntil: 'load' });
  check((await page.locator('main').textContent()).includes('report.view'), 'the audit log lacks the view of the report');
  await noViolations(page, 'staf/beheer/audit');
  await adminPages(page);
  // Log out with the header's button.
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('header form button, nav form button').first().click()]);
  check(page.url().endsWith('/staf/inloggen'), `logout did not end at the login page: ${page.url()}`);
  await page.goto(BASE + '/staf', { waitUntil: 'load' });
  check(page.url().endsWith('/staf/inloggen'), 'still logged in after logout');
});

// ---------------------------------------------------------------- reflow

// Fills the named fields of the page's first staff form and submits it
// with its main button.
async function fillAndSubmit(page, fields) {
  for (const [name, text] of fields) await page.locator(`main form [name="${name}"]`).first().fill(text);
  const button = page.locator('main form.signaal-form button.utrecht-button--primary-action').first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

test('reflow checker: a wide data table scrolls only in its own focusable, named region', async ({ browser }) => {
  // The staff tables fit or scroll as the checker wants; this shows that
  // it would see one that does not (a table put in the login page).
  const { ctx, page, zoom } = await textSizeContext(browser, ORIGIN, { width: 360, percent: 150 });
  await page.goto(BASE + '/staf/inloggen', { waitUntil: 'load' });
  await zoom();
  const put = (attrs) => page.evaluate((attrs) => {
    document.getElementById('e2e-box')?.remove();
    const box = document.createElement('div');
    box.id = 'e2e-box';
    box.className = 'signaal-table-scroll';
    for (const [k, v] of Object.entries(attrs)) box.setAttribute(k, v);
    const cells = Array.from({ length: 8 }, (_, i) => `<td class="utrecht-table__cell">Kolomkop${i}</td>`).join('');
    box.innerHTML = `<table class="utrecht-table"><caption id="e2e-cap">Proef</caption><tr>${cells}</tr></table>`;
    document.querySelector('main h1').after(box);
  }, attrs);
  await put({});
  let p = (await reflowProblems(page)).join('\n');
  check(/div#e2e-box.* scrolls sideways .*has no tabindex="0", has no role="region", has no aria-labelledby/.test(p),
    `an unnamed scrolling table box was not reported:\n${p}`);
  await put({ tabindex: '0', role: 'region', 'aria-labelledby': 'e2e-cap' });
  p = await reflowProblems(page);
  check(p.length === 0, `a named, focusable scrolling table box was reported:\n${p.join('\n')}`);
  await page.evaluate(() => { document.getElementById('e2e-box').style.overflowX = 'visible'; });
  p = (await reflowProblems(page)).join('\n');
  check(p.includes('the page scrolls sideways'), `a table wider than the screen outside its box was not reported:\n${p}`);
  await page.evaluate(() => {
    const b = document.getElementById('e2e-box');
    b.style.overflowX = '';
    b.querySelector('table').style.overflowWrap = 'anywhere';
  });
  p = (await reflowProblems(page)).join('\n');
  check(/the word "Kolomkop0" .* breaks over/.test(p), `a column squeezed to a letter a line was not reported:\n${p}`);
  await ctx.close();
});

for (const percent of [130, 150]) {
  for (const width of [360, 1280]) {
    test(`reflow at ${percent}% text size, ${width} px: every staff page${percent === 150 ? ', axe clean' : ''}`, async ({ browser }) => {
      check(RECOVERY.length > 0, 'no recovery code of the demo login: the first-login test must run before this one');
      const { ctx, page, zoom } = await textSizeContext(browser, ORIGIN, { width, percent });
      const all = [];
      const look = async (label, p = page) => {
        await zoom(p);
        for (const x of await reflowProblems(p)) all.push(`${label}: ${x}`);
        if (percent === 150) all.push(...(await axe(p, label)));
      };
      const visit = async (path) => {
        await page.goto(BASE + path, { waitUntil: 'load' });
        check(new URL(page.url()).pathname === new URL(BASE + path).pathname, `${path} went to ${page.url()}`);
        await look(path);
      };
      // The demo login: login page, code page (a recovery code), work place.
      await visit('/staf/inloggen');
      await fillAndSubmit(page, [['login', LOGIN], ['password', NEW_PASSWORD]]);
      check(page.url().endsWith('/staf/code'), `no code page after the password: ${page.url()}`);
      await look('/staf/code');
      await fillAndSubmit(page, [['code', RECOVERY.shift()]]);
      check(/\/staf$/.test(page.url()), `not at the work place: ${page.url()}`);
      await look('/staf');
      // The inbox, filtered, a report, in both languages.
      await visit('/staf/meldingen');
      const report = await page.locator('main table a[href*="/staf/meldingen/"]').first().getAttribute('href');
      check(report, 'the inbox lists no report');
      await visit('/staf/meldingen?status=received&overdue=yes');
      await visit(report);
      await visit('/en/staf/meldingen');
      await visit('/en' + report);
      await visit('/staf/account');
      // The admin's pages: accounts, roles, tokens, the audit log.
      await visit('/staf/beheer');
      const roles = await page.locator('main a[href*="/staf/beheer/rollen/"]').first().getAttribute('href');
      check(roles, 'no roles link in the accounts list');
      await visit(roles);
      await visit('/staf/beheer/tokens');
      await fillAndSubmit(page, [['days', '7']]);
      check((await page.locator('#token-eenmalig').count()) === 1, `no new token shown: ${page.url()}`);
      await look('/staf/beheer/tokens, a new token');
      await visit('/staf/beheer/audit');
      await visit('/staf/beheer/audit?action=report.view');
      await visit('/en/staf/beheer/audit');
      // A new account: the form, its error, the one-time password.
      const login = `e2e.reflow-${percent}-${width}`;
      await visit('/staf/beheer/nieuw');
      await fillAndSubmit(page, [['login', login]]);
      check((await page.locator('main').textContent()).includes('Kies minstens één rol.'), 'no message for an account without a role');
      await look('/staf/beheer/nieuw without a role');
      await page.locator('main form input[name="role"][value="handler"]').check();
      await fillAndSubmit(page, []);
      const once = ((await page.locator('#eenmalig-wachtwoord').textContent()) || '').trim();
      check(once.length >= 12, 'no one-time password for the new account');
      await look('/staf/beheer/nieuw done');
      // Its first login in a context of its own: a wrong login, a new
      // password, the enrolment with its QR code, the recovery codes.
      const other = await textSizeContext(browser, ORIGIN, { width, percent });
      const p2 = other.page;
      const look2 = async (label) => {
        await other.zoom();
        for (const x of await reflowProblems(p2)) all.push(`${label}: ${x}`);
        if (percent === 150) all.push(...(await axe(p2, label)));
      };
      await p2.goto(BASE + '/staf/inloggen', { waitUntil: 'load' });
      await fillAndSubmit(p2, [['login', login], ['password', 'geen-goed-wachtwoord']]);
      check((await p2.locator('main').textContent()).includes('De inlognaam of het wachtwoord klopt niet'), 'no message after a wrong login');
      await look2('/staf/inloggen wrong');
      await fillAndSubmit(p2, [['login', login], ['password', once]]);
      check(p2.url().endsWith('/staf/wachtwoord-kiezen'), `first login did not ask a new password: ${p2.url()}`);
      await look2('/staf/wachtwoord-kiezen');
      await fillAndSubmit(p2, [['password', NEW_PASSWORD], ['password2', NEW_PASSWORD]]);
      check(p2.url().endsWith('/staf/tweede-stap-instellen'), `no enrolment after the password: ${p2.url()}`);
      await look2('/staf/tweede-stap-instellen');
      const secret = (await p2.locator('.signaal-receipt__code').textContent()).replace(/\s+/g, '');
      const code = execFileSync('oathtool', ['--totp', '-b', secret]).toString().trim();
      await fillAndSubmit(p2, [['code', code]]);
      check((await p2.locator('.signaal-recovery-codes li').count()) === 10, `no recovery codes: ${p2.url()}`);
      await look2('recovery codes');
      await other.ctx.close();
      check(all.length === 0, all.slice(0, 40).join('\n'));
      await ctx.close();
    });
  }
}

await runTests(tests, { base: BASE, only, probe: '/staf/inloggen' });
