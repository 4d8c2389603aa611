// Shared pieces of the browser tests (run.mjs, report.mjs, flow.mjs,
// staff.mjs): assertions, the stub for everything outside the site, CSP/JS
// error watching, axe, the reflow checker at a larger text size, and the
// runner that launches Debian's chromium and prints TAP ending with
// "N passed, N failed".
// SPDX-License-Identifier: EUPL-1.2

import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The server's base URL from the command line (argv[2]), the origin, and
// E2E_ONLY; exits 2 with the usage of script when it is missing.
export function cliBase(script) {
  const arg = process.argv[2];
  if (!arg || !/^https?:\/\//.test(arg)) {
    console.error(`usage: node tests/e2e/${script} http://127.0.0.1:PORT`);
    process.exit(2);
  }
  const base = arg.replace(/\/+$/, '');
  return { base, origin: new URL(base).origin, only: process.env.E2E_ONLY || '' };
}

// What has the keyboard focus: tag, type, name, value, checked, class,
// href and the start of its text.
export async function activeInfo(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return { tag: 'body' };
    return {
      tag: a.tagName.toLowerCase(),
      type: (a.getAttribute('type') || '').toLowerCase(),
      name: a.getAttribute('name') || '',
      value: a.value === undefined ? '' : String(a.value),
      checked: !!a.checked,
      cls: a.getAttribute('class') || '',
      href: a.getAttribute('href') || '',
      text: (a.textContent || '').trim().slice(0, 60),
    };
  });
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const TIMEOUT = 15000;

export class Failure extends Error {}
export function check(cond, message) {
  if (!cond) throw new Failure(message);
}

const NEUTRAL_HTML =
  '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Weer</title></head>' +
  '<body><h1>Het weer</h1><p>Neutral stub page of the e2e tests.</p></body></html>';

// Every request that leaves baseOrigin gets the neutral stub; nothing
// reaches the net.
export async function stubOutside(context, baseOrigin) {
  await context.route('**/*', (route) => {
    const u = route.request().url();
    let origin = '';
    try {
      origin = new URL(u).origin;
    } catch {
      /* data: and the like */
    }
    if (origin === baseOrigin || !/^https?:/.test(u)) return route.continue();
    return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: NEUTRAL_HTML });
  });
}

// Collects CSP violations and page errors, so a check can assert on them.
export function watch(page) {
  const problems = [];
  page.on('console', (msg) => {
    const t = msg.text();
    if (msg.type() === 'error' && /Content Security Policy|Refused to (apply|execute|load)/i.test(t)) {
      problems.push('CSP: ' + t.slice(0, 300));
    }
  });
  page.on('pageerror', (err) => problems.push('JS error: ' + String(err.message || err).slice(0, 300)));
  return problems;
}

// axe with the WCAG 2.1 A/AA tags; one line per violation and its targets.
export async function axe(page, label) {
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const lines = [];
  for (const v of result.violations) {
    lines.push(`${label}: ${v.id} (${v.impact}) ${v.help} — ${v.helpUrl}`);
    for (const node of v.nodes.slice(0, 8)) {
      lines.push(`    target ${JSON.stringify(node.target)}${node.failureSummary ? ' — ' + node.failureSummary.replace(/\s+/g, ' ').slice(0, 200) : ''}`);
    }
    if (v.nodes.length > 8) lines.push(`    … and ${v.nodes.length - 8} more`);
  }
  return lines;
}

// A context at a screen width and a text size: 360 px is a phone (touch,
// mobile viewport), wider a desktop. The text size setting of a browser
// scales rem; a root font size does the same here, set by zoom() after
// each page load (bypassCSP: the style sheet is added by the test).
export async function textSizeContext(browser, baseOrigin, { width = 360, percent = 100 } = {}) {
  const phone = width < 600;
  const ctx = await browser.newContext({
    viewport: { width, height: phone ? 740 : 800 },
    isMobile: phone,
    hasTouch: phone,
    bypassCSP: true,
  });
  ctx.setDefaultTimeout(TIMEOUT);
  ctx.setDefaultNavigationTimeout(TIMEOUT);
  await stubOutside(ctx, baseOrigin);
  const page = await ctx.newPage();
  const zoom = async (p = page) => {
    await p.addStyleTag({ content: `html { font-size: ${percent}% !important; }` });
  };
  return { ctx, page, zoom };
}

// Checks the page as it is: no sideways scroll of the page, no visible
// element that sticks out of the viewport or whose text is cut off by its
// box, and every tel: link's number on one line. A data table may scroll
// sideways inside a box of its own (WCAG 1.4.10 lets data tables scroll in
// two directions): what is inside that box may reach past the screen, but
// the box must hold a table, fit the screen itself, take the keyboard focus
// and have a name (tabindex="0", role="region", aria-labelledby naming an
// element with text). No word under half the text column wide breaks over
// lines. One line per problem, at most 12.
export async function reflowProblems(page) {
  return page.evaluate(() => {
    const out = [];
    const doc = document.documentElement;
    const vw = doc.clientWidth;
    if (doc.scrollWidth > vw) out.push(`the page scrolls sideways: ${doc.scrollWidth}px content in ${vw}px`);
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
      ` "${(e.textContent || '').trim().slice(0, 40)}"`;
    const hidden = (e) => {
      for (let x = e; x && x !== doc; x = x.parentElement) {
        const s = getComputedStyle(x);
        if (s.display === 'none' || s.visibility === 'hidden') return true;
        if (s.clipPath && s.clipPath !== 'none') return true;
        if (s.clip && s.clip !== 'auto') return true;
      }
      return false;
    };
    const scrolls = (e) => {
      const s = getComputedStyle(e);
      return s.overflowX === 'auto' || s.overflowX === 'scroll';
    };
    const inScrollBox = (e) => {
      for (let x = e.parentElement; x && x !== document.body; x = x.parentElement) if (scrolls(x)) return true;
      return false;
    };
    for (const e of document.body.querySelectorAll('*')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || hidden(e)) continue;
      if (!inScrollBox(e) && (r.right > vw + 1 || r.left < -1)) {
        out.push(`${name(e)} reaches from ${Math.round(r.left)} to ${Math.round(r.right)}px in a ${vw}px screen`);
        continue;
      }
      const s = getComputedStyle(e);
      if (scrolls(e) && e.scrollWidth > e.clientWidth + 1) {
        const ids = (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
        const label = ids.map((id) => document.getElementById(id)).filter(Boolean)
          .map((x) => (x.textContent || '').trim()).join(' ');
        const why = [];
        if (!e.querySelector('table')) why.push('holds no data table');
        if (e.getAttribute('tabindex') !== '0') why.push('has no tabindex="0"');
        if (e.getAttribute('role') !== 'region') why.push('has no role="region"');
        if (!label) why.push('has no aria-labelledby naming it');
        if (why.length) out.push(`${name(e)} scrolls sideways (${e.scrollWidth}px in ${e.clientWidth}px) but ${why.join(', ')}`);
      }
      if ((s.overflowX === 'hidden' || s.overflowX === 'clip' || s.textOverflow === 'ellipsis') && e.scrollWidth > e.clientWidth + 1) {
        out.push(`${name(e)} cuts off its content (${e.scrollWidth}px in ${e.clientWidth}px)`);
      }
    }
    // No box squeezed to a few letters a line (a table column, a label in a
    // narrow grid cell): a word broken over lines is a problem when it is
    // under half the text column wide. A longer word may break in a box
    // narrower than the column (a card, a label beside a radio button), as
    // a word wider than the column must. A word here runs up to a space or
    // just after a hyphen or slash, where a browser may break anyway.
    const main = document.querySelector('main') || document.body;
    const ms = getComputedStyle(main);
    const column = main.clientWidth - parseFloat(ms.paddingLeft) - parseFloat(ms.paddingRight);
    const hiddenAt = new Map();
    const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let broken = 0;
    for (let n = words.nextNode(); n && broken < 4; n = words.nextNode()) {
      const el = n.parentElement;
      if (!el || /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE)$/.test(el.tagName) || !n.data.trim()) continue;
      if (!hiddenAt.has(el)) hiddenAt.set(el, hidden(el));
      if (hiddenAt.get(el)) continue;
      const re = /[^\s\-/\u00ad]+[-/\u00ad]?/g;
      for (let m = re.exec(n.data); m && broken < 4; m = re.exec(n.data)) {
        if (m[0].length < 2) continue;
        range.setStart(n, m.index);
        range.setEnd(n, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0);
        const lines = new Set(rects.map((r) => Math.round(r.bottom))).size;
        if (lines < 2) continue;
        const wide = rects.reduce((sum, r) => sum + r.width, 0);
        if (wide < column / 2) {
          out.push(`the word "${m[0]}" in ${name(el)} breaks over ${lines} lines, though it is ${Math.round(wide)}px, under half the ${Math.round(column)}px column`);
          broken++;
        }
      }
    }
    // The number in a tel: link ("Bel 020 626 3800") stays on one line;
    // the words around it may wrap.
    const lineCount = (range) => new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom))).size;
    for (const a of document.querySelectorAll('a[href^="tel:"]')) {
      if (hidden(a)) continue;
      const walker = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
      let text = '';
      const nodes = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        nodes.push({ n, start: text.length });
        text += n.data;
      }
      const m = /\+?\d[\d ()-]*\d/.exec(text);
      if (!m) continue;
      const at = (i) => {
        const x = nodes.filter((e) => e.start <= i).pop();
        return [x.n, Math.min(i - x.start, x.n.data.length)];
      };
      const range = document.createRange();
      range.setStart(...at(m.index));
      range.setEnd(...at(m.index + m[0].length));
      if (lineCount(range) > 1) out.push(`the phone number "${m[0]}" in ${name(a)} breaks over two lines`);
    }
    return out.slice(0, 12);
  });
}

// Runs tests ([{name, fn}]) whose name contains only, each in a fresh
// context with the outside stubbed; prints TAP and exits: 0 all passed, 1
// a check failed, 2 the browser or the site could not be reached.
export async function runTests(tests, { base, only = '', probe = '/' }) {
  const baseOrigin = new URL(base).origin;
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  let browser;
  let profileDir;
  try {
    // launch() runs chromium on a fresh temporary profile that Playwright
    // removes on close; the TMPDIR below keeps any stray files of ours apart.
    profileDir = mkdtempSync(join(tmpdir(), 'signaal-e2e-'));
    browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
      env: { ...process.env, TMPDIR: profileDir, HOME: profileDir },
      timeout: 30000,
    });
  } catch (e) {
    console.error(`cannot start ${executablePath}: ${e.message}`);
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    process.exit(2);
  }

  // Fail fast when nothing listens at base.
  try {
    const r = await fetch(base + probe, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
    await r.arrayBuffer();
  } catch (e) {
    console.error(`cannot reach ${base}: ${e.cause ? e.cause.code || e.cause.message : e.message}`);
    await browser.close();
    rmSync(profileDir, { recursive: true, force: true });
    process.exit(2);
  }

  const selected = tests.filter((t) => t.name.includes(only));
  console.log('TAP version 13');
  console.log(`1..${selected.length}`);
  let passed = 0;
  let failed = 0;
  let i = 0;
  for (const t of selected) {
    i++;
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    context.setDefaultNavigationTimeout(TIMEOUT);
    await stubOutside(context, baseOrigin);
    const started = Date.now();
    try {
      await t.fn({ browser, context });
      passed++;
      console.log(`ok ${i} - ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      console.log(`not ok ${i} - ${t.name}`);
      const msg = e instanceof Failure ? e.message : (e && e.stack) || String(e);
      for (const line of String(msg).split('\n')) console.log('# ' + line);
    } finally {
      await context.close().catch(() => {});
    }
  }
  await browser.close();
  rmSync(profileDir, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
