#!/usr/bin/env node
// Browser tests of the flow around the pages (issue 8, part 4): the pages a
// Dutch government site must have (privacy, accessibility, contact) and the
// "Snel weg" page, by keyboard only and without JavaScript, with axe; the
// footer links on every public page; reflow at 130% and 150% text size on a
// 360 px wide screen (no sideways scrolling, nothing cut off, phone numbers in
// one piece); and the quick exit with JavaScript (no second tab, the history
// entry replaced).
//
//   node tests/e2e/flow.mjs http://127.0.0.1:PORT
//
// Conventions of run.mjs: TAP output, last line `N passed, N failed`, exit
// status 0 all passed, 1 a check failed, 2 bad usage or no browser/server.
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring).
// SPDX-License-Identifier: EUPL-1.2

import { TIMEOUT, check, cliBase, activeInfo, stubOutside as stubAt, axe, runTests, reflowProblems, textSizeContext } from './lib.mjs';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(readFileSync(join(here, 'pages.json'), 'utf8'));
const { base: BASE, origin: baseOrigin, only } = cliBase('flow.mjs');
const stubOutside = (context) => stubAt(context, baseOrigin);
const isOutside = (u) => /^https?:/.test(u) && new URL(u).origin !== baseOrigin;

// The pages of this part and the footer link that leads to each.
const NEW_PAGES = ['/snel-weg', '/privacy', '/toegankelijkheid', '/contact'];
const FOOTER = ['/wat-wij-doen', '/volgen', '/snel-weg', '/contact', '/privacy', '/toegankelijkheid'];

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

async function submitForm(page, form) {
  const submit = form.locator('button[type=submit], button:not([type]), input[type=submit]').last();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit.click()]);
}

// ------------------------------------------------------- footer and pages

test('footer: every public page links to snel-weg, contact, privacy and toegankelijkheid', async ({ context }) => {
  const page = await context.newPage();
  for (const lang of config.languages) {
    const prefix = lang.prefix || '';
    for (const path of REFLOW_PAGES) {
      const full = prefix + (path === '/' && prefix ? '/' : path);
      await page.goto(BASE + full, { waitUntil: 'load' });
      const hrefs = await page.locator('footer a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      for (const f of FOOTER) {
        check(hrefs.includes(prefix + f), `${full}: no footer link to ${prefix + f} (has ${hrefs.join(' ')})`);
      }
    }
  }
  await page.close();
});

for (const path of NEW_PAGES) {
  test(`without JavaScript: ${path} from the footer of the home page, axe clean`, async ({ browser }) => {
    // The site's scripts are refused (axe itself needs JavaScript in the
    // page, so the browser's JavaScript stays on for it).
    const ctx = await browser.newContext();
    ctx.setDefaultTimeout(TIMEOUT);
    await stubOutside(ctx);
    await ctx.route((u) => u.origin === baseOrigin && /\.m?js$/.test(u.pathname), (route) => route.abort());
    const page = await ctx.newPage();
    await page.goto(BASE + '/', { waitUntil: 'load' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator(`footer a[href="${path}"]`).click()]);
    check(new URL(page.url()).pathname === path, `footer link went to ${page.url()}`);
    const current = await page.locator(`footer a[href="${path}"]`).getAttribute('aria-current');
    check(current === 'page', `the footer link of ${path} is not marked aria-current="page" on its own page`);
    check((await page.locator('h1').count()) === 1, `${path}: not one h1`);
    const v = await axe(page, path + ' without JavaScript');
    check(v.length === 0, 'axe violations:\n' + v.join('\n'));
    await ctx.close();
  });

  test(`keyboard only: every link of ${path} is reached by Tab, in order, with a visible focus`, async ({ context }) => {
    const page = await context.newPage();
    await page.goto(BASE + path, { waitUntil: 'load' });
    const want = await page.evaluate(() =>
      [...document.querySelectorAll('a[href], button, input, select, textarea')]
        .filter((e) => !e.disabled && e.getAttribute('tabindex') !== '-1' && e.getClientRects().length > 0)
        .map((e) => e.getAttribute('href') || e.getAttribute('name') || e.tagName));
    const got = [];
    for (let i = 0; i < want.length + 5 && got.length < want.length; i++) {
      await page.keyboard.press('Tab');
      const a = await activeInfo(page);
      if (a.tag === 'body') break;
      got.push(a.href || a.name || a.tag.toUpperCase());
      const focus = await page.evaluate(() => {
        const e = document.activeElement;
        const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return { outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0, w: r.width, h: r.height, top: r.top, bottom: r.bottom };
      });
      check(focus.outline, `${path}: no visible focus outline on ${got[got.length - 1]}`);
      check(focus.w > 0 && focus.h > 0 && focus.bottom > 0 && focus.top < page.viewportSize().height,
        `${path}: focused ${got[got.length - 1]} is not on screen`);
    }
    check(JSON.stringify(got) === JSON.stringify(want), `${path}: Tab order\n  got  ${got.join(' ')}\n  want ${want.join(' ')}`);
    await page.close();
  });
}

test('keyboard only: Enter on the footer link to the privacy statement opens it', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/', { waitUntil: 'load' });
  let a = null;
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    a = await activeInfo(page);
    if (a.href === '/privacy') break;
  }
  check(a && a.href === '/privacy', 'never reached the footer link to /privacy with Tab');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
  check(new URL(page.url()).pathname === '/privacy', `Enter went to ${page.url()}`);
  await page.close();
});

test('home: says once what Snel weg does, Shift three times, and links to /snel-weg', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/', { waitUntil: 'load' });
  const main = (await page.locator('main').textContent()) || '';
  check(/Shift/.test(main), 'the home page does not mention Shift');
  check(/Terug/.test(main), 'the home page does not say what Back does');
  check((await page.locator('main a[href="/snel-weg"]').count()) === 1, 'no link from the home page text to /snel-weg');
  await page.goto(BASE + '/snel-weg', { waitUntil: 'load' });
  const text = (await page.locator('main').textContent()) || '';
  for (const word of ['Shift', 'privévenster', 'geschiedenis', 'telefoon']) {
    check(text.includes(word), `/snel-weg does not mention "${word}"`);
  }
  await page.close();
});

// ------------------------------------------------------------ quick exit

for (const how of ['click', 'Shift three times']) {
  test(`quick exit with JavaScript (${how}): no second tab, the history entry replaced`, async ({ browser }) => {
    const ctx = await browser.newContext();
    ctx.setDefaultTimeout(TIMEOUT);
    await stubOutside(ctx);
    const page = await ctx.newPage();
    await page.goto(BASE + '/snel-weg', { waitUntil: 'load' });
    const before = await page.evaluate(() => history.length);
    const opened = [];
    ctx.on('page', (p) => opened.push(p));
    const leave = how === 'click'
      ? () => page.locator('.signaal-quick-exit').click()
      : async () => {
        await page.keyboard.press('Shift');
        await page.keyboard.press('Shift');
        await page.keyboard.press('Shift');
      };
    await Promise.all([page.waitForURL((u) => isOutside(u.toString()), { timeout: TIMEOUT }), leave()]);
    // A window.open() would have made its page by now; wait for the stub to load anyway.
    await page.waitForLoadState('load');
    check(opened.length === 0, `the quick exit opened ${opened.length} more tab(s): ${opened.map((p) => p.url()).join(' ')}`);
    check(ctx.pages().length === 1, `${ctx.pages().length} tabs open after the quick exit`);
    const after = await page.evaluate(() => history.length);
    check(after === before, `history grew from ${before} to ${after}: the site page was not replaced`);
    await page.goBack({ timeout: 3000 }).catch(() => null);
    check(!page.url().startsWith(baseOrigin), `Back returned to the site: ${page.url()}`);
    await ctx.close();
  });
}

// ---------------------------------------------------------------- reflow

async function reflowPage(browser, percent) {
  return textSizeContext(browser, baseOrigin, { width: 360, percent });
}

const REFLOW_PAGES = [...new Set([...config.public, ...NEW_PAGES])];

for (const percent of [130, 150]) {
  test(`reflow at ${percent}% text size, 360 px: the public pages in both languages`, async ({ browser }) => {
    const { ctx, page, zoom } = await reflowPage(browser, percent);
    const all = [];
    for (const lang of config.languages) {
      const prefix = lang.prefix || '';
      for (const path of REFLOW_PAGES) {
        const full = prefix + (path === '/' && prefix ? '/' : path);
        await page.goto(BASE + full, { waitUntil: 'load' });
        await zoom();
        for (const p of await reflowProblems(page)) all.push(`${full}: ${p}`);
      }
    }
    check(all.length === 0, all.slice(0, 30).join('\n'));
    await ctx.close();
  });

  test(`reflow at ${percent}% text size, 360 px: wegwijzer answers (phone buttons) and the quiz result`, async ({ browser }) => {
    const { ctx, page, zoom } = await reflowPage(browser, percent);
    const all = [];
    for (const [label, answers] of Object.entries(config.wegwijzer_answers)) {
      await page.goto(BASE + config.wegwijzer, { waitUntil: 'load' });
      for (let step = 0; step < 4; step++) {
        for (const [name, value] of Object.entries(answers)) {
          const radio = page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
          if (await radio.count()) await radio.check();
        }
        await submitForm(page, page.locator('form:has(input[type=radio])').first());
        if ((await page.locator('.signaal-channel').count()) > 0) break;
      }
      check((await page.locator('.signaal-channel a[href^="tel:"]').count()) > 0, `wegwijzer ${label}: no phone buttons`);
      await zoom();
      for (const p of await reflowProblems(page)) all.push(`wegwijzer ${label}: ${p}`);
    }
    await page.goto(BASE + config.quiz, { waitUntil: 'load' });
    const names = await page.locator('input[type=radio][name^="q-"]').evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
    for (const n of names) await page.locator(`input[type=radio][name="${n}"]`).first().check();
    await submitForm(page, page.locator('form:has(input[type=radio][name^="q-"])').first());
    check((await page.locator('.signaal-quiz-score').count()) === 1, 'no quiz result');
    await zoom();
    for (const p of await reflowProblems(page)) all.push(`quiz result: ${p}`);
    check(all.length === 0, all.slice(0, 30).join('\n'));
    await ctx.close();
  });

  test(`reflow at ${percent}% text size, 360 px: every step of the report form, the check page and the receipt`, async ({ browser }) => {
    // A report by a professional in acute danger (the most on each page:
    // the 112 note, the professional's part), each step measured as shown,
    // one step with its errors, the signal groups opened; then the check
    // page with every answer and the real receipt page.
    const { ctx, page, zoom } = await reflowPage(browser, percent);
    const all = [];
    const look = async (label) => {
      await zoom();
      for (const p of await reflowProblems(page)) all.push(`${label}: ${p}`);
    };
    const press = async (value) => {
      const b = page.locator(`main form button[value="${value}"]`).first();
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), b.click()]);
    };
    const at = (step) => check(page.url().includes(`stap=${step}`), `not at ${step}: ${page.url()}`);
    await page.goto(BASE + '/melden', { waitUntil: 'load' });
    await look('danger question');
    await page.locator('input[name="danger"][value="yes"]').check();
    await submitForm(page, page.locator('main form').first());
    at('wat');
    await look('wat');
    await press('volgende');
    check((await page.locator('.signaal-error-summary').count()) === 1, 'no errors after an empty step');
    await look('wat with errors');
    await page.locator('input[name="kind"][value="report"]').check();
    await page.locator('input[name="reporter_role"][value="professional"]').check();
    await page.locator('textarea[name="description"]').fill('Een leerling werkt elke nacht in een loods aan de haven, zonder loon.');
    await press('volgende');
    at('signalen');
    for (const summary of await page.locator('main details > summary').all()) await summary.click();
    await page.locator('input[name="signals"][value="labour.low_pay"]').check();
    await page.locator('input[name="forms"][value="labour"]').check();
    await look('signalen, every group open');
    await press('volgende');
    at('waar');
    await look('waar');
    await page.locator('input[name="district"]').first().check();
    await page.locator('input[name="place"]').fill('Loods 7 aan de Kanaaldijk');
    await page.locator('input[name="sector"][value="harbour"]').check();
    await press('volgende');
    at('personen');
    await look('personen');
    await page.locator('input[name="people[0].role"][value="victim"]').check();
    await page.locator('input[name="people[0].minor"][value="yes"]').check();
    await page.locator('input[name="people[0].age"]').fill('ongeveer 16');
    await press('volgende');
    at('jij');
    await look('jij');
    await page.locator('input[name="anonymous"][value="no"]').check();
    await page.locator('input[name="contact.phone"]').fill('0612345678');
    await page.locator('input[name="professional.organisation"]').fill('Scholengemeenschap aan Zee');
    await page.locator('input[name="professional.function"]').fill('mentor');
    await press('volgende');
    at('controle');
    await look('check page');
    await press('verstuur');
    check((await page.locator('#bonnetje').count()) === 1, `no receipt: ${page.url()}`);
    await look('receipt page');
    // The code: each group of four whole on one line (a break only
    // between groups), and it shows the receipt as a whole.
    const code = await page.evaluate(() => {
      const c = document.getElementById('bonnetje');
      const lines = (e) => new Set([...e.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
      const groups = [...c.querySelectorAll('.signaal-receipt__group')];
      return { text: c.textContent.replace(/\s/g, ''), groups: groups.map((g) => [g.textContent, lines(g)]) };
    });
    check(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code.text), `the receipt reads "${code.text}"`);
    check(code.groups.length === 4 && code.groups.every(([, n]) => n === 1),
      `the receipt code breaks inside a group: ${JSON.stringify(code.groups)}`);
    check(all.length === 0, all.slice(0, 30).join('\n'));
    await ctx.close();
  });

  test(`reflow at ${percent}% text size, 360 px: the receipt code as the receipt page shows it`, async ({ browser }) => {
    // The receipt page needs a stored report; its code is styled by the
    // site's CSS alone, so the check puts one in a page (the longest
    // grouping a receipt has) and measures it.
    const { ctx, page, zoom } = await reflowPage(browser, percent);
    await page.goto(BASE + '/volgen', { waitUntil: 'load' });
    // As text ("7KQ4-M2XD-9TPH-3WCV": no break after a hyphen before a
    // digit) and as groups (.signaal-receipt__group, which stay whole).
    await page.evaluate(() => {
      const code = (id, groups) => {
        const p = document.createElement('p');
        p.className = 'signaal-receipt';
        const s = document.createElement('span');
        s.className = 'signaal-receipt__code';
        s.id = id;
        groups.forEach((g, i) => {
          const e = document.createElement('span');
          e.className = 'signaal-receipt__group';
          e.textContent = g + (i < groups.length - 1 ? '-' : '');
          s.appendChild(e);
          s.appendChild(document.createElement('wbr'));
        });
        p.appendChild(s);
        return p;
      };
      const plain = document.createElement('p');
      plain.className = 'signaal-receipt';
      const s = document.createElement('span');
      s.className = 'signaal-receipt__code';
      s.textContent = '7KQ4-M2XD-9TPH-3WCV';
      plain.appendChild(s);
      document.querySelector('main h1').after(code('bonnetje', ['WWWW', 'W2WW', '9WWW', 'WWWW']), plain);
    });
    await zoom();
    const problems = await reflowProblems(page);
    const groups = await page.evaluate(() =>
      [...document.querySelectorAll('#bonnetje .signaal-receipt__group')].map((g) =>
        new Set([...g.getClientRects()].map((r) => Math.round(r.bottom))).size));
    check(groups.length === 4 && groups.every((n) => n === 1), `a group of the receipt code breaks over lines: ${groups.join(',')}`);
    check(problems.length === 0, problems.join('\n'));
    await ctx.close();
  });
}

await runTests(tests, { base: BASE, only, probe: '/' });
