#!/usr/bin/env node
// Browser tests for Signaal's public pages: accessibility (axe, WCAG 2.1 A/AA),
// keyboard-only use of the wegwijzer, the quick exit, and use without
// JavaScript. Drives Debian's chromium through playwright-core; downloads
// nothing and needs no network besides BASE_URL (the neutral site of the quick
// exit is stubbed with page routing).
//
//   node tests/e2e/run.mjs http://127.0.0.1:PORT
//
// Output is TAP (one `ok`/`not ok` per check, diagnostics as `#` lines) and the
// last line is `N passed, N failed`. Exit status: 0 all passed, 1 a check
// failed, 2 bad usage or the browser could not start.
// Environment: CHROMIUM (browser binary, default /usr/bin/chromium),
// E2E_ONLY (substring: run only the checks whose name contains it).
// SPDX-License-Identifier: EUPL-1.2

import { AXE_TAGS, TIMEOUT, Failure, check, cliBase, activeInfo, stubOutside as stubAt, watch, axe, runTests } from './lib.mjs';
const stubOutside = (context) => stubAt(context, baseOrigin);
import { gzipSync } from 'node:zlib';
import { mkdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const config = JSON.parse(readFileSync(join(here, 'pages.json'), 'utf8'));
const resultsDir = join(here, 'results');

const { base: BASE, origin: baseOrigin, only } = cliBase('run.mjs');

// ---------------------------------------------------------------- helpers

// prefix: a language's path prefix ('' or '/en'); query: an extra query string.
const url = (path, query = '', prefix = '') => {
  const full = prefix ? prefix.replace(/\/+$/, '') + (path === '/' ? '/' : path) : path;
  if (!query) return BASE + full;
  return BASE + full + (full.includes('?') ? '&' : '?') + query;
};




const isOutside = (u) => /^https?:/.test(u) && new URL(u).origin !== baseOrigin;




const isSubmit = (a) =>
  (a.tag === 'button' && (a.type === '' || a.type === 'submit')) || (a.tag === 'input' && a.type === 'submit');

// Fills a form with the keyboard only: Tab through it, pick each wanted radio
// value with the arrow keys (Space if the focused radio is already the one but
// not checked), and press Enter on the submit button once every wanted group is
// done. Works whatever the order of the groups; copes with a multi-step form.
async function keyboardForm(page, wanted, maxSteps = 4) {
  const done = new Set();
  for (let step = 0; step < maxSteps; step++) {
    let submitted = false;
    for (let i = 0; i < 120 && !submitted; i++) {
      await page.keyboard.press('Tab');
      let a = await activeInfo(page);
      if (a.tag === 'input' && a.type === 'radio' && wanted[a.name] !== undefined && !done.has(a.name)) {
        const want = wanted[a.name];
        for (let k = 0; k < 12 && a.value !== want; k++) {
          await page.keyboard.press('ArrowDown');
          a = await activeInfo(page);
        }
        check(a.value === want, `could not reach ${a.name}=${want} with the arrow keys (stuck on ${a.value})`);
        if (!a.checked) {
          await page.keyboard.press('Space');
          a = await activeInfo(page);
        }
        check(a.checked, `${a.name}=${want} is not checked after Space`);
        done.add(a.name);
      } else if (isSubmit(a)) {
        const pending = Object.keys(wanted).filter((n) => !done.has(n));
        const onPage = await page.evaluate(
          (names) => names.filter((n) => document.querySelector(`input[type=radio][name="${n}"]`)),
          pending,
        );
        if (onPage.length === 0) {
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
          submitted = true;
        }
      }
    }
    check(submitted, `never reached a submit button with all of ${Object.keys(wanted).join(', ')} answered (answered: ${[...done].join(', ') || 'none'})`);
    if (done.size === Object.keys(wanted).length) {
      const more = await page.evaluate(
        () => document.querySelectorAll('input[type=radio]').length > 0 && document.querySelectorAll('.signaal-channel').length === 0,
      );
      if (!more) return;
    }
  }
}

async function submitForm(page, formLocator) {
  const submit = formLocator.locator('button[type=submit], button:not([type]), input[type=submit]').last();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), submit.click()]);
}

// ------------------------------------------------------------------ tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const pageList = [];
for (const lang of config.languages) {
  for (const path of config.public) {
    pageList.push({ path, lang: lang.lang, href: url(path, lang.query || '', lang.prefix || '') });
  }
}

for (const p of pageList) {
  test(`axe ${p.lang} ${p.path}`, async ({ context }) => {
    const page = await context.newPage();
    const problems = watch(page);
    const resp = await page.goto(p.href, { waitUntil: 'load' });
    check(resp, 'no response');
    check(resp.status() === 200, `HTTP ${resp.status()} for ${p.href}`);
    const lang = await page.evaluate(() => document.documentElement.lang);
    check(lang && lang.toLowerCase().startsWith(p.lang), `<html lang="${lang}"> on a ${p.lang} page`);
    const exits = await page.locator('.signaal-quick-exit').count();
    check(exits === 1, `expected one .signaal-quick-exit, found ${exits}`);
    const v = await axe(page, p.path);
    check(v.length === 0, 'axe violations:\n' + v.join('\n'));
    check(problems.length === 0, problems.join('\n'));
    await page.close();
  });
}

test('axe 404 page', async ({ context }) => {
  const page = await context.newPage();
  const problems = watch(page);
  const resp = await page.goto(url(config.not_found), { waitUntil: 'load' });
  check(resp && resp.status() === 404, `expected 404, got ${resp && resp.status()}`);
  const v = await axe(page, '404');
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  check(problems.length === 0, problems.join('\n'));
  await page.close();
});

test('home: Snel weg is the first focusable element, the skip link second and it works', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url(config.home), { waitUntil: 'load' });
  await page.keyboard.press('Tab');
  let a = await activeInfo(page);
  check(a.cls.includes('signaal-quick-exit'), `first Tab reached ${a.tag}.${a.cls} "${a.text}", not the quick exit`);
  const visible = await page.locator('.signaal-quick-exit').isVisible();
  check(visible, 'quick exit not visible');
  await page.keyboard.press('Tab');
  a = await activeInfo(page);
  check(a.cls.includes('utrecht-skip-link') && a.href.startsWith('#'), `second Tab reached ${a.tag}.${a.cls}, not the skip link`);
  const box = await page.locator('.utrecht-skip-link').boundingBox();
  check(box && box.y >= 0 && box.y < 200 && box.width > 10, 'skip link not visible on focus');
  await page.keyboard.press('Enter');
  const target = a.href.slice(1);
  const inMain = await page.evaluate((id) => {
    const t = document.getElementById(id);
    const act = document.activeElement;
    return !!t && (act === t || t.contains(act) || location.hash === '#' + id);
  }, target);
  check(inMain, `skip link target #${target} missing or not reached`);
  await page.close();
});

test('home: quick exit stays on screen while scrolling (mobile)', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await ctx.newPage();
  await page.goto(url(config.home), { waitUntil: 'load' });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.waitForTimeout(100);
  const box = await page.locator('.signaal-quick-exit').boundingBox();
  check(box && box.y >= 0 && box.y + box.height <= 844, `quick exit off screen after scrolling: ${JSON.stringify(box)}`);
  check(box.height >= 44 && box.width >= 44, `quick exit target too small: ${JSON.stringify(box)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `page scrolls sideways by ${overflow}px at 390px wide`);
  await ctx.close();
});

test('home: page weight under the budget (gzip)', async ({ context }) => {
  const page = await context.newPage();
  const responses = [];
  page.on('response', (r) => responses.push(r));
  await page.goto(url(config.home), { waitUntil: 'load' });
  let total = 0;
  const notes = [];
  for (const r of responses) {
    if (!r.url().startsWith(baseOrigin)) continue;
    const body = await r.body().catch(() => null);
    if (!body) continue;
    const enc = (r.headers()['content-encoding'] || '').toLowerCase();
    let size;
    if (enc) {
      const sizes = await r.request().sizes().catch(() => null);
      size = sizes ? sizes.responseBodySize : body.length;
    } else {
      size = gzipSync(body, { level: 6 }).length;
      notes.push(`${new URL(r.url()).pathname} not compressed by the server (${body.length} B; gzip would be ${size} B)`);
    }
    total += size;
  }
  for (const n of notes) console.log('# note: ' + n);
  console.log(`# home page with its assets: ${total} bytes gzip`);
  check(total <= config.home_max_gzip_bytes, `home page weighs ${total} bytes gzip, budget ${config.home_max_gzip_bytes}`);
  await page.close();
});

async function wegwijzerByKeyboard(context, answers) {
  const page = await context.newPage();
  const problems = watch(page);
  await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
  await keyboardForm(page, answers);
  const channels = page.locator('.signaal-channel');
  const n = await channels.count();
  check(n > 0, `no .signaal-channel on the answer page (${page.url()})`);
  const tels = await page.locator('.signaal-channel a[href^="tel:"]').count();
  check(tels > 0, 'no channel with a tel: link');
  const v = await axe(page, 'wegwijzer answer');
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  check(problems.length === 0, problems.join('\n'));
  return { page, channels };
}

test('wegwijzer by keyboard only, no acute danger: channels with tel: links', async ({ context }) => {
  const { page } = await wegwijzerByKeyboard(context, config.wegwijzer_answers.no_danger);
  await page.close();
});

test('wegwijzer by keyboard only, acute danger: 112 is the first channel', async ({ context }) => {
  const { page, channels } = await wegwijzerByKeyboard(context, config.wegwijzer_answers.danger);
  const first = channels.first();
  const cls = (await first.getAttribute('class')) || '';
  check(cls.includes('signaal-channel--emergency'), `first channel is not the emergency channel (class="${cls}")`);
  const tel = await first.locator('a[href^="tel:"]').first().getAttribute('href');
  check(tel && tel.replace(/[^0-9+]/g, '') === '112', `first channel calls ${tel}, not 112`);
  await page.close();
});

test('wegwijzer: missing answers give an accessible error summary', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
  const form = page.locator('form:has(input[type=radio][name="role"])').first();
  await form.evaluate((f) => {
    f.noValidate = true;
  });
  await submitForm(page, form);
  const summary = page.locator('.signaal-error-summary');
  check((await summary.count()) === 1, 'no .signaal-error-summary after submitting an empty wegwijzer form');
  const links = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)));
  check(links.length > 0, 'the error summary has no links to the fields');
  for (const id of links) {
    const exists = await page.evaluate((i) => !!document.getElementById(i), id);
    check(exists, `error summary links to #${id}, which does not exist`);
  }
  const invalid = await page.locator('[aria-invalid="true"]').count();
  check(invalid > 0, 'no field marked aria-invalid="true"');
  const title = await page.title();
  check(/^(Fout|Error)/i.test(title), `title does not start with "Fout:" on an error page: "${title}"`);
  const v = await axe(page, 'wegwijzer errors');
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  await page.close();
});

test('quiz with JavaScript: answer and see the score', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(url(config.quiz), { waitUntil: 'load' });
  await answerQuiz(page);
  check((await page.locator('.signaal-quiz-score').count()) === 1, 'no .signaal-quiz-score on the result page');
  const v = await axe(page, 'quiz result');
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
  await page.close();
});

async function answerQuiz(page) {
  const names = await page.locator('input[type=radio][name^="q-"]').evaluateAll((els) => [...new Set(els.map((e) => e.name))]);
  check(names.length > 0, 'no radio groups named q-<id> on the quiz page');
  for (const n of names) await page.locator(`input[type=radio][name="${n}"]`).first().check();
  const form = page.locator('form:has(input[type=radio][name^="q-"])').first();
  await submitForm(page, form);
}

async function quickExitContext(browser, javaScriptEnabled) {
  const ctx = await browser.newContext({ javaScriptEnabled });
  await stubOutside(ctx);
  return ctx;
}

test('quick exit with JavaScript: click leaves and replaces the history entry', async ({ browser }) => {
  const ctx = await quickExitContext(browser, true);
  const page = await ctx.newPage();
  await page.goto(url(config.home), { waitUntil: 'load' });
  const before = await page.evaluate(() => history.length);
  const link = page.locator('.signaal-quick-exit');
  const href = await link.evaluate((a) => a.href);
  check(isOutside(href), `quick exit points into the site: ${href}`);
  check(((await link.getAttribute('rel')) || '').includes('noreferrer'), 'quick exit link lacks rel="noreferrer"');
  await Promise.all([page.waitForURL((u) => isOutside(u.toString()), { timeout: TIMEOUT }), link.click()]);
  const after = await page.evaluate(() => history.length);
  check(after === before, `history grew from ${before} to ${after}: the site page was not replaced`);
  const back = await page.goBack({ timeout: 3000 }).catch(() => null);
  check(!page.url().startsWith(baseOrigin), `back returned to the site: ${page.url()} (${back && back.status()})`);
  await ctx.close();
});

test('quick exit with JavaScript: Shift three times leaves', async ({ browser }) => {
  const ctx = await quickExitContext(browser, true);
  const page = await ctx.newPage();
  await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
  await page.keyboard.press('Shift');
  await page.keyboard.press('Shift');
  await Promise.all([page.waitForURL((u) => isOutside(u.toString()), { timeout: TIMEOUT }), page.keyboard.press('Shift')]);
  check(isOutside(page.url()), 'still on the site');
  await ctx.close();
});

test('quick exit with JavaScript: Shift+Tab three times does not leave', async ({ browser }) => {
  const ctx = await quickExitContext(browser, true);
  const page = await ctx.newPage();
  await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Tab');
  await page.waitForTimeout(400);
  check(page.url().startsWith(baseOrigin), `Shift+Tab left the site: ${page.url()}`);
  await ctx.close();
});

test('quick exit without JavaScript: the plain link leaves', async ({ browser }) => {
  const ctx = await quickExitContext(browser, false);
  const page = await ctx.newPage();
  await page.goto(url(config.home), { waitUntil: 'load' });
  await Promise.all([page.waitForURL((u) => isOutside(u.toString()), { timeout: TIMEOUT }), page.locator('.signaal-quick-exit').click()]);
  check(isOutside(page.url()), 'still on the site');
  await ctx.close();
});

test('without JavaScript: the wegwijzer works by submitting the form', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  await stubOutside(ctx);
  const page = await ctx.newPage();
  await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
  const answers = config.wegwijzer_answers.danger;
  for (let step = 0; step < 4; step++) {
    let any = false;
    for (const [name, value] of Object.entries(answers)) {
      const radio = page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
      if (await radio.count()) {
        await radio.check();
        any = true;
      }
    }
    check(any, `no wegwijzer questions found on ${page.url()}`);
    const form = page.locator('form:has(input[type=radio])').first();
    await submitForm(page, form);
    if ((await page.locator('.signaal-channel').count()) > 0) break;
  }
  const n = await page.locator('.signaal-channel').count();
  check(n > 0, 'no channels without JavaScript');
  const first = (await page.locator('.signaal-channel').first().getAttribute('class')) || '';
  check(first.includes('signaal-channel--emergency'), 'danger=yes: 112 is not first without JavaScript');
  check((await page.locator('.signaal-channel a[href^="tel:"]').count()) > 0, 'no tel: links without JavaScript');
  await ctx.close();
});

test('without JavaScript: the quiz works by submitting the form', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  await stubOutside(ctx);
  const page = await ctx.newPage();
  await page.goto(url(config.quiz), { waitUntil: 'load' });
  await answerQuiz(page);
  check((await page.locator('.signaal-quiz-score').count()) === 1, 'no .signaal-quiz-score without JavaScript');
  await ctx.close();
});

test('screenshots of the home page and a wegwijzer answer (tests/e2e/results/)', async ({ browser }) => {
  mkdirSync(resultsDir, { recursive: true });
  const shots = [
    { name: 'home-mobile', opts: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } },
    { name: 'home-desktop', opts: { viewport: { width: 1280, height: 800 } } },
  ];
  for (const s of shots) {
    const ctx = await browser.newContext(s.opts);
    const page = await ctx.newPage();
    await page.goto(url(config.home), { waitUntil: 'load' });
    await page.screenshot({ path: join(resultsDir, `${s.name}.png`), fullPage: true });
    if (s.name === 'home-mobile') {
      await page.goto(url(config.wegwijzer), { waitUntil: 'load' });
      await page.screenshot({ path: join(resultsDir, 'wegwijzer-mobile.png'), fullPage: true });
      const form = page.locator('form:has(input[type=radio])').first();
      if (await form.count()) {
        for (const [name, value] of Object.entries(config.wegwijzer_answers.danger)) {
          const r = page.locator(`input[type=radio][name="${name}"][value="${value}"]`);
          if (await r.count()) await r.check();
        }
        await submitForm(page, form).catch(() => {});
        await page.screenshot({ path: join(resultsDir, 'wegwijzer-answer-mobile.png'), fullPage: true });
      }
    }
    await ctx.close();
  }
  console.log(`# screenshots in ${resultsDir}`);
});

// ----------------------------------------------------------------- runner

await runTests(tests, { base: BASE, only, probe: '/' });
