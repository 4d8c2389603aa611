#!/usr/bin/env node
// A stand-in for the Signaal server, for developing the CSS and the browser
// tests before (or apart from) the C server: it renders the HTML patterns of
// docs/FRONTEND.md with the same CSP and serves static/vendor/. It is NOT the
// application and holds no real content.
//
//   scripts/build-assets && node tests/e2e/mock-server.mjs [PORT]   (default 8099)
//   node tests/e2e/run.mjs http://127.0.0.1:8099
// SPDX-License-Identifier: EUPL-1.2

import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const port = Number(process.argv[2] || 8099);
const CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; " +
  "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const NEUTRAL = 'https://www.nu.nl/weer';

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const T = {
  nl: {
    exit: 'Snel weg', hint: ' (of druk 3 keer op Shift)', skip: 'Naar de inhoud', menu: 'Hoofdmenu',
    home: 'Home', weg: 'Waar meld ik?', report: 'Melden', danger: 'Direct gevaar? Bel',
    product: 'Signaal mensenhandel',
  },
  en: {
    exit: 'Leave this site', hint: ' (or press Shift 3 times)', skip: 'Skip to content', menu: 'Main menu',
    home: 'Home', weg: 'Where do I report?', report: 'Report', danger: 'In danger right now? Call',
    product: 'Signaal human trafficking',
  },
};

function layout(lang, path, title, body) {
  const t = T[lang];
  const q = lang === 'en' ? '?lang=en' : '';
  const nav = [['/', t.home], ['/wegwijzer', t.weg], ['/melden', t.report]]
    .map(([h, l]) => `<li class="utrecht-nav-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-nav-list__link" href="${h}${q}"${h === path ? ' aria-current="page"' : ''}>${l}</a></li>`)
    .join('');
  const langs = [['nl', 'Nederlands', ''], ['en', 'English', 'lang=en']]
    .map(([c, l, qq]) => `<li class="utrecht-link-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-link-list__link" href="${path}${qq ? '?' + qq : '?lang=nl'}" hreflang="${c}" lang="${c}"${c === lang ? ' aria-current="true"' : ''}>${l}</a></li>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="${lang}" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)} - Signaal - Gemeente Velsen</title>
<link rel="stylesheet" href="/static/vendor/signaal.css">
<link rel="stylesheet" href="/theme.css">
<script src="/static/vendor/quick-exit.js" defer></script>
</head>
<body class="voorbeeld-theme utrecht-document utrecht-document--surface utrecht-body signaal-body">
<div class="signaal-quick-exit-bar"><a class="signaal-quick-exit" href="${NEUTRAL}" rel="noreferrer">${t.exit}<span class="signaal-quick-exit__hint">${t.hint}</span></a></div>
<a class="utrecht-skip-link utrecht-skip-link--visible-on-focus signaal-skip-link" href="#inhoud">${t.skip}</a>
<header class="utrecht-page-header signaal-header"><div class="utrecht-page-header__content signaal-header__content">
<a class="signaal-header__home" href="/${q}">Gemeente Velsen <span class="signaal-header__product">${t.product}</span></a>
</div></header>
<nav class="utrecht-nav-bar signaal-nav" aria-label="${t.menu}"><div class="utrecht-nav-bar__content"><ul class="utrecht-nav-list" role="list">${nav}</ul></div></nav>
<main id="inhoud" class="utrecht-page-content signaal-main" tabindex="-1"><div class="signaal-container">
${body}
</div></main>
<footer class="utrecht-page-footer signaal-footer"><div class="utrecht-page-footer__content signaal-footer__content">
<p class="utrecht-paragraph signaal-footer__emergency">${t.danger} <a class="utrecht-link utrecht-link--html-a utrecht-link--telephone" href="tel:112">112</a>.</p>
<nav class="signaal-lang-switch" aria-label="Taal / Language"><ul class="utrecht-link-list utrecht-link-list--html-ul" role="list">${langs}</ul></nav>
</div></footer>
</body>
</html>`;
}

const emergency = `<div class="signaal-emergency" role="note"><p class="utrecht-paragraph signaal-emergency__text"><strong>Direct gevaar?</strong> Bel <a class="signaal-emergency__tel" href="tel:112">112</a></p></div>`;

const lorem = `<p class="utrecht-paragraph">Mensenhandel is het werven, vervoeren of huisvesten van iemand met dwang, geweld of misleiding, met als doel die persoon uit te buiten. Signalen zijn aanwijzingen, geen bewijs.</p>
<ul class="utrecht-unordered-list"><li class="utrecht-unordered-list__item">Schulden bij derden</li><li class="utrecht-unordered-list__item">Geen contact met de buitenwereld</li><li class="utrecht-unordered-list__item">Slaapt op de werkplek</li></ul>`;

function contentPage(lang, path, title) {
  return layout(lang, path, title, `<h1 class="utrecht-heading-1">${esc(title)}</h1>
<p class="utrecht-paragraph utrecht-paragraph--lead">Herkent u signalen van uitbuiting? U hoeft het niet zeker te weten om hulp te vragen.</p>
${emergency}
<h2 class="utrecht-heading-2">Wat is het?</h2>
${lorem}
<h2 class="utrecht-heading-2">De vier vormen</h2>
<ul class="utrecht-link-list utrecht-link-list--html-ul signaal-link-list signaal-link-list--tiles" role="list">
<li class="utrecht-link-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-link-list__link" href="/vormen/seksuele-uitbuiting">Seksuele uitbuiting</a></li>
<li class="utrecht-link-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-link-list__link" href="/vormen/arbeidsuitbuiting">Arbeidsuitbuiting</a></li>
<li class="utrecht-link-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-link-list__link" href="/vormen/criminele-uitbuiting">Criminele uitbuiting</a></li>
<li class="utrecht-link-list__item"><a class="utrecht-link utrecht-link--html-a utrecht-link-list__link" href="/vormen/orgaanverwijdering">Gedwongen orgaanverwijdering</a></li>
</ul>
<div class="utrecht-alert utrecht-alert--info"><div class="utrecht-alert__content"><div class="utrecht-alert__message" role="status"><p class="utrecht-paragraph">Melden kan anoniem.</p></div></div></div>
<p class="utrecht-paragraph"><a class="utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action" href="/wegwijzer">Waar meld ik?</a></p>
${lorem}${lorem}`);
}

const GROUPS = [
  ['role', 'Wie bent u?', [['victim', 'Ik word zelf uitgebuit'], ['bystander', 'Ik zie iets bij een ander'], ['parent', 'Ik ben ouder of verzorger'], ['perpetrator', 'Ik ben (misschien) dader'], ['professional', 'Ik ben professional'], ['employee', 'Ik werk bij de gemeente']]],
  ['danger', 'Is er nu direct gevaar?', [['yes', 'Ja'], ['no', 'Nee']]],
  ['form', 'Om welke vorm gaat het?', [['sexual', 'Seksuele uitbuiting'], ['labour', 'Arbeidsuitbuiting'], ['criminal', 'Criminele uitbuiting'], ['organ_removal', 'Orgaanverwijdering'], ['unknown', 'Weet ik niet']]],
  ['anonymous', 'Wilt u anoniem blijven?', [['yes', 'Ja'], ['no', 'Nee']]],
];

function radioGroup(name, legend, options, selected, error) {
  const ids = [`${name}-hint`].concat(error ? [`${name}-error`] : []).join(' ');
  return `<div class="utrecht-form-fieldset signaal-fieldset${error ? ' utrecht-form-fieldset--invalid' : ''}">
<fieldset class="utrecht-form-fieldset__fieldset utrecht-form-fieldset--html-fieldset" aria-describedby="${ids}">
<legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">${esc(legend)}</legend>
<div class="utrecht-form-field-description" id="${name}-hint">Kies wat het best past.</div>
${error ? `<div class="utrecht-form-field-error-message" id="${name}-error">${esc(error)}</div>` : ''}
${options.map(([v, l]) => `<div class="utrecht-form-field utrecht-form-field--radio">
<div class="utrecht-form-field__input"><input class="utrecht-radio-button utrecht-radio-button--html-input" type="radio" id="${name}-${v}" name="${name}" value="${v}" required${selected === v ? ' checked' : ''}${error ? ' aria-invalid="true"' : ''}></div>
<div class="utrecht-form-field__label"><label class="utrecht-form-label utrecht-form-label--radio" for="${name}-${v}">${esc(l)}</label></div>
</div>`).join('\n')}
</fieldset></div>`;
}

function wegwijzer(lang, params) {
  const given = Object.fromEntries(GROUPS.map(([n]) => [n, params.get(n)]));
  const submitted = params.has('submitted');
  const missing = submitted ? GROUPS.filter(([n, , opts]) => !opts.some(([v]) => v === given[n])) : [];
  if (submitted && missing.length === 0) {
    const ch = [];
    if (given.danger === 'yes') ch.push(['Alarmnummer 112', 'Bij direct gevaar.', '112', '112', true]);
    ch.push(['Politie (AVIM Kennemerland)', 'Bij vermoeden van dwang of uitbuiting.', '09008844', '0900 8844', false]);
    if (given.form === 'labour') ch.push(['Nederlandse Arbeidsinspectie', 'Bij gedwongen arbeid.', '08005151', '0800 5151', false]);
    ch.push(['Meld Misdaad Anoniem', 'Anoniem melden.', '08007000', '0800 7000', false]);
    const acute = given.danger === 'yes'
      ? `<div class="signaal-emergency signaal-emergency--acute" role="alert"><h2 class="utrecht-heading-2">Is iemand nu in gevaar? Bel meteen 112.</h2>
<p class="utrecht-paragraph signaal-emergency__text"><a class="signaal-emergency__tel" href="tel:112">Bel 112</a></p>
<p class="utrecht-paragraph">Bellen naar 112 is gratis.</p></div>`
      : emergency;
    return layout(lang, '/wegwijzer', 'Waar kunt u terecht?', `<h1 class="utrecht-heading-1">Waar kunt u terecht?</h1>
${acute}
<h2 class="utrecht-heading-2">Organisaties die je kunnen helpen</h2>
<ol class="signaal-channels" role="list">
${ch.map(([n, why, tel, shown, em]) => `<li class="signaal-channel${em ? ' signaal-channel--emergency' : ''}">
<h3 class="utrecht-heading-3 signaal-channel__name">${n}</h3>
<p class="utrecht-paragraph signaal-channel__why">${why}</p>
<a class="signaal-channel__tel" href="tel:${tel}">Bel ${shown}</a>
</li>`).join('\n')}
</ol>`);
  }
  const summary = missing.length
    ? `<div class="utrecht-alert utrecht-alert--error signaal-error-summary" id="fouten"><div class="utrecht-alert__content"><div class="utrecht-alert__message" role="alert">
<h2 class="utrecht-heading-2 signaal-error-summary__heading">Er ${missing.length === 1 ? 'is 1 fout' : `zijn ${missing.length} fouten`} in het formulier</h2>
<ul class="utrecht-unordered-list signaal-error-summary__list">${missing.map(([n, l, o]) => `<li class="utrecht-unordered-list__item"><a class="utrecht-link utrecht-link--html-a" href="#${n}-${o[0][0]}">Beantwoord: ${esc(l)}</a></li>`).join('')}</ul>
</div></div></div>`
    : '';
  const title = (missing.length ? 'Fout: ' : '') + 'Waar meld ik?';
  return layout(lang, '/wegwijzer', title, `<h1 class="utrecht-heading-1">Waar meld ik?</h1>
${summary}
${emergency}
<form method="get" action="/wegwijzer" class="utrecht-form">
<input type="hidden" name="submitted" value="1">${lang === 'en' ? '<input type="hidden" name="lang" value="en">' : ''}
${GROUPS.map(([n, l, o]) => radioGroup(n, l, o, given[n], missing.some(([m]) => m === n) ? `Beantwoord: ${l}` : '')).join('\n')}
<div class="utrecht-button-group"><button class="utrecht-button utrecht-button--primary-action" type="submit">Toon waar ik terecht kan</button></div>
</form>`);
}

const QUIZ = [
  ['1', 'Moet er voor mensenhandel altijd een grens over?', [['a', 'Ja'], ['b', 'Nee']], 'b'],
  ['2', 'Kan een minderjarige worden uitgebuit zonder dwang?', [['a', 'Ja'], ['b', 'Nee']], 'a'],
];

function quiz(lang, form) {
  if (form) {
    const score = QUIZ.filter(([id, , , ok]) => form.get('q-' + id) === ok).length;
    return layout(lang, '/quiz', 'Uitslag', `<h1 class="utrecht-heading-1">Uitslag</h1>
<p class="signaal-quiz-score" role="status">U had <strong>${score} van de ${QUIZ.length}</strong> goed.</p>
<ol class="signaal-quiz-answers" role="list">${QUIZ.map(([id, q, , ok]) => {
      const good = form.get('q-' + id) === ok;
      return `<li class="signaal-quiz-answer signaal-quiz-answer--${good ? 'correct' : 'incorrect'}"><h2 class="utrecht-heading-3">Vraag ${id}: ${esc(q)}</h2>
<p class="utrecht-paragraph"><span class="signaal-quiz-answer__verdict">${good ? 'Goed.' : 'Fout.'}</span> Uitleg volgt.</p></li>`;
    }).join('')}</ol>`);
  }
  return layout(lang, '/quiz', 'Quiz', `<h1 class="utrecht-heading-1">Test uw kennis</h1>
<form method="post" action="/quiz${lang === 'en' ? '?lang=en' : ''}" class="utrecht-form">
${QUIZ.map(([id, q, o]) => radioGroup('q-' + id, q, o, null, '')).join('\n')}
<div class="utrecht-button-group"><button class="utrecht-button utrecht-button--primary-action" type="submit">Bekijk de uitslag</button></div>
</form>`);
}

function melden(lang) {
  return layout(lang, '/melden', 'Melden', `<h1 class="utrecht-heading-1">Melden</h1>
<form method="post" action="/melden" class="utrecht-form">
<div class="utrecht-form-field utrecht-form-field--text utrecht-form-field--invalid">
<div class="utrecht-form-field__label"><label class="utrecht-form-label" for="description">Wat is er aan de hand?</label></div>
<div class="utrecht-form-field-description utrecht-form-field__description" id="description-hint">Beschrijf wat u zag of meemaakte.</div>
<div class="utrecht-form-field-error-message utrecht-form-field__error-message" id="description-error">Vul een beschrijving in van minstens 10 tekens.</div>
<div class="utrecht-form-field__input"><textarea class="utrecht-textarea utrecht-textarea--html-textarea" id="description" name="description" rows="8" aria-describedby="description-hint description-error" aria-invalid="true" required></textarea></div>
</div>
<div class="utrecht-form-field utrecht-form-field--text">
<div class="utrecht-form-field__label"><label class="utrecht-form-label" for="phone">Telefoonnummer (niet verplicht)</label></div>
<div class="utrecht-form-field__input"><input class="utrecht-textbox utrecht-textbox--html-input" type="tel" id="phone" name="phone" autocomplete="tel"></div>
</div>
<div class="utrecht-form-field utrecht-form-field--checkbox">
<div class="utrecht-form-field__input"><input class="utrecht-checkbox utrecht-checkbox--html-input" type="checkbox" id="anon" name="anonymous" value="yes"></div>
<div class="utrecht-form-field__label"><label class="utrecht-form-label utrecht-form-label--checkbox" for="anon">Ik wil anoniem blijven</label></div>
</div>
<div class="utrecht-button-group"><button class="utrecht-button utrecht-button--primary-action" type="submit">Verstuur melding</button></div>
</form>
<p class="signaal-receipt"><span class="signaal-receipt__code">7KQ4-M2XD-9TPH-3WCV</span></p>`);
}

const TITLES = {
  '/': 'Mensenhandel herkennen en melden', '/vormen/seksuele-uitbuiting': 'Seksuele uitbuiting',
  '/vormen/arbeidsuitbuiting': 'Arbeidsuitbuiting', '/vormen/criminele-uitbuiting': 'Criminele uitbuiting',
  '/vormen/orgaanverwijdering': 'Gedwongen orgaanverwijdering', '/risicofactoren': 'Risicofactoren',
  '/wat-wij-doen': 'Wat wij doen', '/volgen': 'Uw melding volgen',
};

function send(req, res, status, type, body) {
  let buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const headers = {
    'Content-Type': type, 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', Vary: 'Accept-Encoding',
  };
  if (/\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
    buf = gzipSync(buf);
    headers['Content-Encoding'] = 'gzip';
  }
  headers['Content-Length'] = buf.length;
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : buf);
}

createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  let lang = u.searchParams.get('lang') === 'en' ? 'en' : 'nl';
  if (u.pathname === '/en' || u.pathname.startsWith('/en/')) {
    lang = 'en';
    u.pathname = u.pathname.slice(3) || '/';
  }
  const html = 'text/html; charset=utf-8';
  if (u.pathname === '/theme.css') {
    return send(req, res, 200, 'text/css', ':root{--signaal-colour-primary:#0b4a7d;--signaal-colour-accent:#e17000}');
  }
  if (u.pathname.startsWith('/static/vendor/')) {
    const f = normalize(join(root, u.pathname));
    if (!f.startsWith(join(root, 'static', 'vendor')) || !existsSync(f)) return send(req, res, 404, 'text/plain', 'not found');
    return send(req, res, 200, f.endsWith('.css') ? 'text/css' : 'text/javascript', readFileSync(f));
  }
  if (u.pathname === '/wegwijzer') return send(req, res, 200, html, wegwijzer(lang, u.searchParams));
  if (u.pathname === '/melden') return send(req, res, 200, html, melden(lang));
  if (u.pathname === '/quiz') {
    if (req.method === 'POST') {
      let data = '';
      req.on('data', (c) => { data += c; });
      req.on('end', () => send(req, res, 200, html, quiz(lang, new URLSearchParams(data))));
      return undefined;
    }
    return send(req, res, 200, html, quiz(lang, null));
  }
  if (TITLES[u.pathname]) return send(req, res, 200, html, contentPage(lang, u.pathname, TITLES[u.pathname]));
  return send(req, res, 404, html, layout(lang, u.pathname, 'Pagina niet gevonden', `<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>
<p class="utrecht-paragraph">Deze pagina bestaat niet. <a class="utrecht-link utrecht-link--html-a" href="/">Naar de startpagina</a>.</p>${emergency}`));
}).listen(port, '127.0.0.1', () => console.log(`mock server on http://127.0.0.1:${port}`));
