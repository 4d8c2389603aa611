#!/usr/bin/env node
// Browser tests of the wegwijzer's answer page (issue 8): with and without
// JavaScript, in Dutch and English, at a phone's width: axe finds nothing
// (WCAG 2.1 A/AA; axe needs JavaScript in the page), the first three channels stand out and the rest sit
// under "Meer mogelijkheden", every card gives a way to reach someone now,
// "Naar melden" carries the answers to the report form, and nothing
// scrolls sideways at 360 px. Answered by keyboard only once (Tab, arrow
// keys, Enter). (Reflow at 150% text size is the layout's; not here.)
//
//   node tests/e2e/wegwijzer.mjs http://127.0.0.1:PORT
//
// Conventions of run.mjs: TAP output, last line `N passed, N failed`, exit
// status 0 all passed, 1 a check failed, 2 bad usage or no browser/server.
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring).
// SPDX-License-Identifier: EUPL-1.2

import { TIMEOUT, check, cliBase, activeInfo, stubOutside as stubAt, watch, axe, runTests } from './lib.mjs';

const { base: BASE, origin: baseOrigin, only } = cliBase('wegwijzer.mjs');
const stubOutside = (context) => stubAt(context, baseOrigin);

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// A minor victim who does not know the form: Veilig Thuis first, the
// form-specific lines after the general ones, the youth texts shown.
const ANSWERS = { role: 'victim', danger: 'no', minor: 'yes', form: 'unknown', anonymous: 'no' };
const REPORT_QUERY = 'rol=victim&vorm=unknown&minderjarig=ja&gevaar=nee';

async function fillAndSubmit(page, prefix, answers) {
  await page.goto(BASE + prefix + '/wegwijzer', { waitUntil: 'load' });
  for (const [name, value] of Object.entries(answers)) {
    const radio = page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
    check((await radio.count()) === 1, `no radio ${name}=${value}`);
    await radio.check();
  }
  const submit = page.locator('form.signaal-form button[type=submit]');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit.click()]);
}

// What every answer page must hold.
// axe runs inside the page, so only where JavaScript runs; without it the
// page is the same HTML, checked for what a user gets.
async function checkAnswer(page, label, js = true) {
  const top = page.locator('.signaal-channels--top > .signaal-channel');
  const more = page.locator('.signaal-channels--more > .signaal-channel');
  check((await top.count()) === 3, `${label}: ${await top.count()} channels stand out, want 3`);
  check((await more.count()) >= 1, `${label}: nothing under "Meer mogelijkheden"`);
  const heading = page.locator('h2#meer');
  check((await heading.count()) === 1, `${label}: no "Meer mogelijkheden" heading`);
  const firstName = (await top.first().locator('h3').textContent()) || '';
  check(firstName.includes('Veilig Thuis'), `${label}: first channel is "${firstName}", not Veilig Thuis`);
  const cards = page.locator('.signaal-channel');
  for (let i = 0; i < (await cards.count()); i++) {
    const reach = await cards
      .nth(i)
      .locator('a[href^="tel:"], a[href^="mailto:"], a.signaal-channel__chat, a.signaal-channel__web')
      .count();
    check(reach > 0, `${label}: card ${i + 1} gives no way to reach anyone`);
  }
  const melden = page.locator('a.utrecht-button-link--primary-action[href*="/melden?"]');
  check((await melden.count()) === 1, `${label}: no "Naar melden" link with the answers`);
  const href = (await melden.getAttribute('href')) || '';
  check(href.endsWith('/melden?' + REPORT_QUERY), `${label}: "Naar melden" goes to ${href}`);
  if (js) {
    const v = await axe(page, label);
    check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${label}: scrolls sideways by ${overflow} px at 360 px`);
  return href;
}

for (const js of [true, false]) {
  for (const prefix of ['', '/en']) {
    const label = `answer page ${prefix || '/'} ${js ? 'with' : 'without'} JavaScript`;
    test(`${label}: top three, more, reachable cards, answers to the report form, axe`, async ({ browser }) => {
      const ctx = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 360, height: 740 } });
      ctx.setDefaultTimeout(TIMEOUT);
      await stubOutside(ctx);
      try {
        const page = await ctx.newPage();
        const problems = watch(page);
        await fillAndSubmit(page, prefix, ANSWERS);
        const href = await checkAnswer(page, label, js);
        // The text of young people only for someone under 18.
        const main = (await page.locator('main').textContent()) || '';
        check(main.includes(prefix ? 'your own age' : 'eigen leeftijd'), `${label}: no youth advice for a minor`);
        // The link reaches the report form.
        const r = await page.request.get(new URL(href, page.url()).toString());
        check(r.status() === 200, `${label}: ${href} answers ${r.status()}`);
        if (js) check(problems.length === 0, problems.join('\n'));
      } finally {
        await ctx.close();
      }
    });
  }
}

test('adult employee: no Meldcode, no youth texts; the aandachtsfunctionaris first with a phone', async ({ context }) => {
  const page = await context.newPage();
  await fillAndSubmit(page, '', { role: 'employee', danger: 'no', minor: 'no', form: 'labour', anonymous: 'yes' });
  const main = (await page.locator('main').textContent()) || '';
  check(!main.includes('Meldcode'), 'the Meldcode is shown to a municipal employee');
  check(!main.includes('eigen leeftijd'), 'youth advice shown to an adult');
  const first = page.locator('.signaal-channels--top > .signaal-channel').first();
  check(((await first.locator('h3').textContent()) || '').includes('Aandachtsfunctionaris'), 'the aandachtsfunctionaris is not first');
  check((await first.locator('a[href^="tel:"]').count()) > 0, 'no phone for the aandachtsfunctionaris');
  const v = await axe(page, 'employee answer');
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  await page.close();
});

test('wegwijzer by keyboard only: the five questions, then the answer', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/wegwijzer', { waitUntil: 'load' });
  const wanted = { ...ANSWERS };
  const done = new Set();
  for (let i = 0; i < 200 && page.url().endsWith('/wegwijzer'); i++) {
    await page.keyboard.press('Tab');
    const a = await activeInfo(page);
    if (a.tag === 'input' && a.type === 'radio' && wanted[a.name] && !done.has(a.name)) {
      for (let k = 0; k < 12; k++) {
        const cur = await activeInfo(page);
        if (cur.value === wanted[a.name]) {
          if (!cur.checked) await page.keyboard.press('Space');
          break;
        }
        await page.keyboard.press('ArrowDown');
      }
      done.add(a.name);
    } else if (a.tag === 'button' && a.type === 'submit' && done.size === Object.keys(wanted).length) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    }
  }
  check(done.size === Object.keys(wanted).length, `answered ${[...done].join(', ')} only`);
  await checkAnswer(page, 'keyboard');
  await page.close();
});

await runTests(tests, { base: BASE, only, probe: '/wegwijzer' });
