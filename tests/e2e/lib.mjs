// Shared pieces of the browser tests (run.mjs, report.mjs): assertions, the
// stub for everything outside the site, CSP/JS error watching, axe, and the
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
