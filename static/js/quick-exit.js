/*
 * Signaal quick exit ("Snel weg"). Progressive enhancement only: without
 * this script the quick-exit control is a plain link to a neutral site.
 *
 * With it:
 * - clicking the control hides the page at once and replaces the current
 *   history entry with the neutral site (location.replace), so the back
 *   button does not return to this page. It opens no second tab: a tab
 *   left behind, on the neutral site or on this one, is one more thing to
 *   close while someone watches;
 * - pressing Shift three times within one second anywhere does the same.
 *   Only lone Shift presses count: any other key in between (Shift+Tab,
 *   typing a capital) resets the count, so keyboard users do not trip it.
 *
 * Loaded with <script defer>; no inline handlers (strict CSP).
 * SPDX-License-Identifier: EUPL-1.2
 */
(function () {
  'use strict';

  var SELECTOR = '.signaal-quick-exit';
  var PRESSES = 3;
  var WINDOW_MS = 1000;
  var leaving = false;
  var presses = [];

  function neutralUrl() {
    var link = document.querySelector(SELECTOR);
    return link ? link.href : null;
  }

  function leave(url) {
    if (leaving || !url) {
      return;
    }
    leaving = true;
    document.documentElement.classList.add('signaal-leaving');
    try {
      document.title = '';
    } catch (e) {
      /* ignore */
    }
    window.location.replace(url);
  }

  document.addEventListener('click', function (event) {
    if (event.defaultPrevented || event.button !== 0) {
      return;
    }
    var target = event.target;
    var link = target && target.closest ? target.closest(SELECTOR) : null;
    if (!link || !link.href) {
      return;
    }
    event.preventDefault();
    leave(link.href);
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Shift') {
      presses.length = 0;
      return;
    }
    if (event.repeat) {
      return;
    }
    var now = Date.now();
    presses.push(now);
    while (presses.length && now - presses[0] > WINDOW_MS) {
      presses.shift();
    }
    if (presses.length >= PRESSES) {
      presses.length = 0;
      leave(neutralUrl());
    }
  });

  /* Coming back through the back/forward cache: show the page again. */
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) {
      leaving = false;
      document.documentElement.classList.remove('signaal-leaving');
    }
  });
})();
