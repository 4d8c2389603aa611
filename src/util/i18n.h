/* i18n: translations through GNU gettext. Dutch is the source language:
 * msgids are the Dutch texts, po/en.po holds English.
 *
 * Owns: the text domain binding and one English LC_MESSAGES locale object,
 * made once by i18n_init(). Requests of different languages run at the
 * same time on different threads, so nothing here touches the global
 * locale: i18n_tr() switches only the calling thread (uselocale) around
 * dgettext(), which glibc honours per thread.
 *
 * Needs an installed English UTF-8 locale (en_US.UTF-8; en_GB.UTF-8 also
 * works): gettext picks the catalog by the locale's name. */
#ifndef SIGNAAL_UTIL_I18N_H
#define SIGNAAL_UTIL_I18N_H

#define I18N_DOMAIN "signaal"

/* Marks a C string literal for xgettext (-k_); translate at run time with
 * i18n_tr(lang, s). */
#define _(s) (s)
/* Same, for arrays of literals. */
#define N_(s) (s)

/* Binds the text domain to localedir (holding en/LC_MESSAGES/signaal.mo),
 * makes the English locale object and checks that a lookup really reaches
 * the catalog. Call once at start, before any thread exists: it also
 * removes LANGUAGE from the environment, because gettext would let it
 * override the per-thread locale. Logs the reason on failure. Returns 0,
 * -ENOENT (no English locale installed, or no catalog in localedir), or
 * another -errno. After a failure i18n_tr() returns msgids (Dutch). */
int i18n_init(const char *localedir);

/* Releases what i18n_init() made; i18n_tr() returns msgids afterwards.
 * Only when no thread is translating (tests, shutdown). */
void i18n_shutdown(void);

/* Translation of msgid into lang: "nl" (and any unknown or NULL lang) gives
 * msgid itself; "en" (also "en-GB", "en_US": any "en" with a region) gives
 * the catalog's text, or msgid when it has none. Never NULL; borrowed, valid
 * until i18n_shutdown(). Thread-safe; no allocation per call once a msgid
 * has been looked up (gettext caches it). */
const char *i18n_tr(const char *lang, const char *msgid);

/* tmpl_tr_fn adapter: ctx is a const char *lang. */
const char *i18n_tmpl_tr(void *ctx, const char *msgid);

#endif
