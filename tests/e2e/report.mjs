#!/usr/bin/env node
// Browser tests of the report form /melden and following up /volgen:
// accessibility (axe, WCAG 2.1 A/AA, zero violations) of every state (the
// danger question, each step of the form, a step with errors, the check
// page, the receipt, a wrong and a right receipt), a report made with the
// keyboard only (Tab, Space, typing, Enter) through every step that ends at
// the receipt, a report without JavaScript, the draft kept across Back, a
// reload, a link and the language switch (with and without JavaScript), and
// a second send that shows the first receipt.
//
//   node tests/e2e/report.mjs http://127.0.0.1:PORT
//
// Conventions of run.mjs: TAP output, last line `N passed, N failed`, exit
// status 0 all passed, 1 a check failed, 2 bad usage or no browser/server.
// Environment: CHROMIUM (default /usr/bin/chromium), E2E_ONLY (substring).
// Screenshots of the states go to tests/e2e/results/ (gitignored).
// SPDX-License-Identifier: EUPL-1.2

import { AXE_TAGS, TIMEOUT, Failure, check, cliBase, activeInfo, stubOutside as stubAt, watch, axe, runTests } from './lib.mjs';
const stubOutside = (context) => stubAt(context, baseOrigin);
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(here, 'results');

const { base: BASE, origin: baseOrigin, only } = cliBase('report.mjs');
const RECEIPT = /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;






async function noViolations(page, label) {
  const v = await axe(page, label);
  check(v.length === 0, 'axe violations:\n' + v.join('\n'));
}

async function shot(page, name) {
  mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true });
}

async function submit(page, formSel) {
  const button = page.locator(`${formSel} button[type=submit]`).last();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// A step's button: volgende, terug, overslaan or (on the check page) verstuur.
async function press(page, value) {
  const button = page.locator(`form#melding button[value="${value}"], main form button[value="${value}"]`).first();
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

// The first question answered; the page is then the first step ("wat").
async function toForm(page, danger = 'no') {
  await page.goto(BASE + '/melden', { waitUntil: 'load' });
  await page.locator(`input[name="danger"][value="${danger}"]`).check();
  await submit(page, 'form[action$="/melden"]');
  check((await page.locator('textarea[name="description"]').count()) === 1, `no description field after step 1 (${page.url()})`);
}

// Fills a valid anonymous report by a bystander, step by step, up to the
// check page.
async function fillValid(page, text) {
  await page.locator('input[name="kind"][value="report"]').check();
  await page.locator('input[name="reporter_role"][value="bystander"]').check();
  await page.locator('textarea[name="description"]').fill(text);
  await press(page, 'volgende');
  // The signals are folded per form: open one to tick a signal.
  await page.locator('summary', { hasText: 'Arbeid' }).first().click();
  await page.locator('input[name="signals"][value="labour.low_pay"]').check();
  await page.locator('input[name="forms"][value="labour"]').check();
  await press(page, 'volgende');
  await page.locator('input[name="district"]').first().check();
  await page.locator('input[name="when"]').fill('vorige week');
  await press(page, 'volgende');
  await press(page, 'overslaan');
  await page.locator('input[name="anonymous"][value="yes"]').check();
  await press(page, 'volgende');
  check(page.url().includes('stap=controle'), `not at the check page: ${page.url()}`);
}

// From the check page: send.
async function send(page) {
  await press(page, 'verstuur');
}

async function receiptOn(page) {
  const code = page.locator('#bonnetje');
  check((await code.count()) === 1, `no receipt on ${page.url()}`);
  const text = (await code.textContent()).trim();
  check(RECEIPT.test(text), `receipt looks wrong: "${text}"`);
  return text;
}

async function follow(page, receipt) {
  await page.goto(BASE + '/volgen', { waitUntil: 'load' });
  await page.locator('input[name="receipt"]').fill(receipt);
  await submit(page, 'form[action$="/volgen"]');
}

// ------------------------------------------------------------------ tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('melden step 1: the danger question, no axe violations', async ({ context }) => {
  const page = await context.newPage();
  const problems = watch(page);
  const resp = await page.goto(BASE + '/melden', { waitUntil: 'load' });
  check(resp.status() === 200, `HTTP ${resp.status()}`);
  check((await page.locator('input[type=radio][name="danger"]').count()) === 2, 'no yes/no danger question');
  check((await page.locator('textarea').count()) === 0, 'step 1 asks more than the danger question');
  await noViolations(page, 'melden step 1');
  await shot(page, 'melden-step1');
  check(problems.length === 0, problems.join('\n'));
});

test('melden step 2 after danger=yes: 112 first, then the form, no axe violations', async ({ context }) => {
  const page = await context.newPage();
  const problems = watch(page);
  await toForm(page, 'yes');
  const order = await page.evaluate(() => {
    const acute = document.querySelector('.signaal-emergency--acute');
    const form = document.querySelector('main form');
    return !!acute && !!form && !!(acute.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  check(order, 'the acute 112 block is missing or not before the form');
  const tel = await page.locator('.signaal-emergency--acute a[href="tel:112"]').count();
  check(tel === 1, 'no tel:112 link in the acute block');
  await noViolations(page, 'melden step 2');
  await shot(page, 'melden-step2-acute');
  check(problems.length === 0, problems.join('\n'));
});

test('melden step 2: empty submit gives an accessible error state', async ({ context }) => {
  const page = await context.newPage();
  await toForm(page);
  await press(page, 'volgende');
  const summary = page.locator('.signaal-error-summary');
  check((await summary.count()) === 1, 'no .signaal-error-summary after an empty submit');
  const links = await summary.locator('a[href^="#"]').evaluateAll((as) => as.map((a) => a.getAttribute('href').slice(1)));
  // The first step asks three questions, each required.
  check(links.length >= 3, `expected at least 3 errors, got ${links.length}`);
  for (const id of links) {
    const exists = await page.evaluate((i) => !!document.getElementById(i), id);
    check(exists, `error summary links to #${id}, which does not exist`);
  }
  check((await page.locator('[aria-invalid="true"]').count()) > 0, 'no aria-invalid="true"');
  const title = await page.title();
  check(/^Fout: /.test(title), `title does not start with "Fout: ": "${title}"`);
  // Each invalid text field names its error message.
  const desc = await page.locator('#description').getAttribute('aria-describedby');
  check(desc && desc.split(' ').includes('description-error'), `description aria-describedby="${desc}"`);
  await noViolations(page, 'melden errors');
  await shot(page, 'melden-errors');
});

test('melden: errors and Back keep what was typed', async ({ context }) => {
  const page = await context.newPage();
  await toForm(page);
  await page.locator('textarea[name="description"]').fill('Dit blijft staan.\nOok regel twee.');
  await press(page, 'volgende');
  check((await page.locator('.signaal-error-summary').count()) === 1, 'expected errors (no kind chosen)');
  const v = await page.locator('textarea[name="description"]').inputValue();
  check(v === 'Dit blijft staan.\nOok regel twee.', `description not kept: ${JSON.stringify(v)}`);
  await page.locator('input[name="kind"][value="report"]').check();
  await page.locator('input[name="reporter_role"][value="bystander"]').check();
  await press(page, 'volgende');
  await page.locator('summary', { hasText: 'Arbeid' }).first().click();
  await page.locator('input[name="signals"][value="labour.low_pay"]').check();
  await press(page, 'volgende');
  await page.locator('input[name="place"]').fill('Bij de sluizen');
  await press(page, 'terug');
  check(await page.locator('input[name="signals"][value="labour.low_pay"]').isChecked(), 'signal not kept');
  await press(page, 'volgende');
  check((await page.locator('input[name="place"]').inputValue()) === 'Bij de sluizen', 'place not kept');
  await noViolations(page, 'melden step waar');
});

test('melden: a valid report shows the receipt once, no axe violations', async ({ context }) => {
  const page = await context.newPage();
  const problems = watch(page);
  await toForm(page);
  await fillValid(page, 'Een melding uit de browsertest met een duidelijke tekst.');
  await noViolations(page, 'melden check page');
  await shot(page, 'melden-check');
  await send(page);
  await receiptOn(page);
  const body = await page.locator('main').textContent();
  check(!body.includes('browsertest'), 'the answer echoes the report');
  check((await page.locator('main form').count()) === 0, 'a form on the receipt page');
  await noViolations(page, 'melden done');
  await shot(page, 'melden-receipt');
  check(problems.length === 0, problems.join('\n'));
});

test('volgen: a wrong receipt gets one generic message, no axe violations', async ({ context }) => {
  const page = await context.newPage();
  await follow(page, 'ABCD-EFGH-JKMN-PQRS');
  const text = await page.locator('main').textContent();
  check(text.includes('We vinden geen melding bij dit bonnetje'), 'no generic wrong-receipt message');
  check((await page.locator('#receipt[aria-invalid="true"]').count()) === 1, 'receipt field not marked invalid');
  await noViolations(page, 'volgen wrong');
  await shot(page, 'volgen-wrong');
});

test('volgen: a right receipt shows the status, adding information works, no axe violations', async ({ context }) => {
  const page = await context.newPage();
  await toForm(page);
  await fillValid(page, 'Nog een melding om te volgen in de browser.');
  await send(page);
  const receipt = await receiptOn(page);
  await follow(page, receipt.toLowerCase());
  const text = await page.locator('main').textContent();
  check(text.includes('Ontvangen'), 'status "Ontvangen" not shown');
  await noViolations(page, 'volgen status');
  await page.locator('textarea[name="message"]').fill('Extra informatie uit de browsertest.');
  await submit(page, 'main form[action$="/volgen"]');
  const after = await page.locator('main').textContent();
  check(after.includes('toegevoegd'), 'no confirmation after adding');
  check(after.includes('Extra informatie uit de browsertest.'), 'the added message is not in the conversation');
  await noViolations(page, 'volgen added');
  await shot(page, 'volgen-status');
});


// Tab through the page; Space on the first radio of each wanted group, type
// into wanted text fields, Enter on a folded group's summary whose text
// holds `open` (it opens), Space on the wanted checkboxes ("name=value"),
// and Enter on the submit button once all are done.
async function keyboardStep(page, radios, texts, { open = null, boxes = [] } = {}) {
  const done = new Set();
  const want = radios.length + Object.keys(texts).length + (open ? 1 : 0) + boxes.length;
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    const a = await activeInfo(page);
    if (a.tag === 'summary' && open && a.text.includes(open) && !done.has('summary')) {
      await page.keyboard.press('Enter');
      check(await page.evaluate(() => document.activeElement.parentElement.open), `Enter did not open "${a.text}"`);
      done.add('summary');
    } else if (a.tag === 'input' && a.type === 'checkbox' && boxes.includes(`${a.name}=${a.value}`) && !done.has(`${a.name}=${a.value}`)) {
      await page.keyboard.press('Space');
      check((await activeInfo(page)).checked, `Space did not tick ${a.name}=${a.value}`);
      done.add(`${a.name}=${a.value}`);
    } else if (a.tag === 'input' && a.type === 'radio' && radios.includes(a.name) && !done.has(a.name)) {
      await page.keyboard.press('Space');
      check((await activeInfo(page)).checked, `Space did not check ${a.name}`);
      done.add(a.name);
    } else if ((a.tag === 'textarea' || (a.tag === 'input' && a.type === 'text')) && texts[a.name] !== undefined && !done.has(a.name)) {
      await page.keyboard.type(texts[a.name]);
      done.add(a.name);
    } else if (a.tag === 'button' && a.type === 'submit' && done.size === want) {
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
      return;
    }
  }
  throw new Failure(`never reached the submit button with everything filled in (done: ${[...done].join(', ')})`);
}

test('melden by keyboard only (Tab, Space, typing, Enter) ends at the receipt', async ({ context }) => {
  const page = await context.newPage();
  await page.goto(BASE + '/melden', { waitUntil: 'load' });
  // Danger: the first option (yes) with Space; the form still follows.
  await keyboardStep(page, ['danger'], {});
  check((await page.locator('.signaal-emergency--acute').count()) === 1, 'no 112 block after danger=yes');
  // Advice (first), victim (first) and a description; then every step on
  // with Enter on its first button (Volgende), anonymous yes (first) on the
  // last, and Verstuur on the check page.
  await keyboardStep(page, ['kind', 'reporter_role'], {
    description: 'Ik maak me zorgen om een buurmeisje. Ze mag nooit alleen naar buiten.',
  });
  check(page.url().includes('stap=signalen'), `not at the signals: ${page.url()}`);
  await keyboardStep(page, [], {});
  check(page.url().includes('stap=waar'), `not at where and when: ${page.url()}`);
  await keyboardStep(page, [], {});
  // Advice asks nothing about the people: on to "you".
  check(page.url().includes('stap=jij'), `not at the step about you: ${page.url()}`);
  await keyboardStep(page, ['anonymous'], {});
  check(page.url().includes('stap=controle'), `not at the check page: ${page.url()}`);
  await keyboardStep(page, [], {});
  const receipt = await receiptOn(page);
  check(RECEIPT.test(receipt), 'no receipt after the keyboard report');
});

// Every step of a report by keyboard alone, with and without JavaScript:
// the danger question, each step with something answered in it (a radio
// moved by the arrow key, a text typed, a folded signal group opened with
// Enter and a signal ticked with Space, a person's role and age), the
// form's own Back with Enter, the check page and Verstuur, the receipt.
for (const js of [true, false]) {
  test(`melden by keyboard only through every step of a report (the people too), ${js ? 'with' : 'without'} JavaScript`, async ({ browser }) => {
    const ctx = await browser.newContext({ javaScriptEnabled: js });
    ctx.setDefaultTimeout(TIMEOUT);
    await stubOutside(ctx);
    try {
      const page = await ctx.newPage();
      await page.goto(BASE + '/melden', { waitUntil: 'load' });
      await keyboardStep(page, ['danger'], {});
      // "Een melding doen" is the second option: Tab to the group, then
      // the arrow key moves the choice.
      for (let i = 0; i < 100; i++) {
        await page.keyboard.press('Tab');
        const a = await activeInfo(page);
        if (a.tag === 'input' && a.type === 'radio' && a.name === 'kind') break;
      }
      await page.keyboard.press('ArrowDown');
      check(await page.locator('input[name="kind"][value="report"]').isChecked(), 'the arrow key did not choose a report');
      await keyboardStep(page, ['reporter_role'], { description: 'Met het toetsenbord door elke stap van een melding.' });
      check(page.url().includes('stap=signalen'), `not at the signals: ${page.url()}`);
      await keyboardStep(page, [], {}, { open: 'Arbeid', boxes: ['signals=labour.low_pay', 'forms=labour'] });
      check(page.url().includes('stap=waar'), `not at where and when: ${page.url()}`);
      await keyboardStep(page, ['district'], { place: 'Bij de sluizen' });
      check(page.url().includes('stap=personen'), `not at the people: ${page.url()}`);
      await keyboardStep(page, ['people[0].role', 'people[0].minor'], { 'people[0].age': 'ongeveer 16' });
      check(page.url().includes('stap=jij'), `not at the step about you: ${page.url()}`);
      // The form's Back (the third button: Tab past Volgende), and on again.
      for (let i = 0; i < 400; i++) {
        await page.keyboard.press('Tab');
        const a = await activeInfo(page);
        if (a.tag === 'button' && a.value === 'terug') {
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
          break;
        }
      }
      check(page.url().includes('stap=personen'), `Back by keyboard did not lead to the people: ${page.url()}`);
      check((await page.locator('input[name="people[0].age"]').inputValue()) === 'ongeveer 16', 'the age typed was lost on Back');
      await keyboardStep(page, [], {});
      check(page.url().includes('stap=jij'), `not at the step about you again: ${page.url()}`);
      await keyboardStep(page, ['anonymous'], {});
      check(page.url().includes('stap=controle'), `not at the check page: ${page.url()}`);
      const answers = await page.locator('main').textContent();
      for (const typed of ['Met het toetsenbord', 'Bij de sluizen', 'ongeveer 16']) {
        check(answers.includes(typed), `the check page lacks "${typed}"`);
      }
      await keyboardStep(page, [], {});
      check(RECEIPT.test(await receiptOn(page)), 'no receipt after the keyboard report');
    } finally {
      await ctx.close();
    }
  });
}

test('melden without JavaScript: submit and get a receipt, then follow it', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  ctx.setDefaultTimeout(TIMEOUT);
  await stubOutside(ctx);
  try {
    const page = await ctx.newPage();
    await toForm(page);
    await fillValid(page, 'Een melding zonder JavaScript, gewoon met het formulier.');
    await send(page);
    const receipt = await receiptOn(page);
    await follow(page, receipt);
    check((await page.locator('main').textContent()).includes('Ontvangen'), 'follow without JavaScript shows no status');
  } finally {
    await ctx.close();
  }
});


// Back (the browser's and the form's), a reload, a menu link and the
// language switch: the draft on the server keeps everything typed.
async function draftKept(page, label) {
  const text = `Wat ik typte blijft staan (${label}).`;
  await toForm(page);
  await page.locator('input[name="kind"][value="report"]').check();
  await page.locator('input[name="reporter_role"][value="bystander"]').check();
  await page.locator('textarea[name="description"]').fill(text);
  await press(page, 'volgende');
  const kept = async (where) => {
    const v = await page.locator('textarea[name="description"]').inputValue();
    check(v === text, `${where}: description not kept: ${JSON.stringify(v)}`);
  };
  // The browser's Back: no resubmit question, the step as it was.
  await page.goBack({ waitUntil: 'load' });
  await kept('browser Back');
  await page.reload({ waitUntil: 'load' });
  await kept('reload');
  await press(page, 'volgende');
  await press(page, 'terug');
  await kept('the form\'s Back');
  // A menu link away, and back to the form.
  await page.goto(BASE + '/', { waitUntil: 'load' });
  await page.goto(BASE + '/melden', { waitUntil: 'load' });
  await kept('a link');
  // The language switch.
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('.signaal-lang-switch a').first().click()]);
  check(page.url().includes('/en/'), `the language switch did not lead to English: ${page.url()}`);
  await kept('language switch');
  if (label === 'js') await noViolations(page, `melden draft ${label}`);
}

test('melden: the draft survives Back, reload, a link and the language switch (JavaScript)', async ({ context }) => {
  const page = await context.newPage();
  await draftKept(page, 'js');
});

test('melden: the draft survives Back, reload, a link and the language switch (no JavaScript)', async ({ browser }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  ctx.setDefaultTimeout(TIMEOUT);
  await stubOutside(ctx);
  try {
    await draftKept(await ctx.newPage(), 'nojs');
  } finally {
    await ctx.close();
  }
});

test('melden: a second send, Back or a reload shows the first receipt again', async ({ context }) => {
  const page = await context.newPage();
  await toForm(page);
  await fillValid(page, 'Een melding die maar één keer aankomt.');
  await send(page);
  const first = await receiptOn(page);
  await page.reload({ waitUntil: 'load' });
  check((await receiptOn(page)) === first, 'a reload shows another receipt');
  // Back to the check page: the receipt again (or, when the browser kept
  // the page, a second send that shows it again).
  await page.goBack({ waitUntil: 'load' });
  if ((await page.locator('button[value="verstuur"]').count()) > 0) await send(page);
  check((await receiptOn(page)) === first, 'Back and a second send show another receipt');
  await noViolations(page, 'melden receipt again');
});

test('melden: every step has no axe violations (report by a professional)', async ({ context }) => {
  const page = await context.newPage();
  await toForm(page, 'yes');
  await noViolations(page, 'step wat');
  await page.locator('input[name="kind"][value="report"]').check();
  await page.locator('input[name="reporter_role"][value="professional"]').check();
  await page.locator('textarea[name="description"]').fill('Een leerling vertelt over werk zonder loon.');
  for (const step of ['signalen', 'waar', 'personen', 'jij']) {
    await press(page, 'volgende');
    check(page.url().includes(`stap=${step}`), `not at ${step}: ${page.url()}`);
    await noViolations(page, `step ${step}`);
    await shot(page, `melden-step-${step}`);
  }
  check((await page.locator('input[name="professional.organisation"]').count()) === 1, 'no organisation field for a professional');
});

// ----------------------------------------------------------------- runner

await runTests(tests, { base: BASE, only, probe: '/melden' });
