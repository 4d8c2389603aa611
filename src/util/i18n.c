#include "util/i18n.h"

#include <errno.h>
#include <libintl.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

/* Any installed English UTF-8 locale will do: only its name matters to
 * gettext (en_US -> looks up "en_US", then "en"), the catalog is UTF-8
 * (bind_textdomain_codeset), and nothing else is formatted with it. */
static const char *const en_locales[] = {"en_US.UTF-8", "en_GB.UTF-8", "en_IE.UTF-8",
                                         "en_AU.UTF-8"};

static locale_t en_locale = (locale_t)0;

static bool is_en(const char *lang)
{
	return lang && (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
	       (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

static const char *tr_en(const char *msgid)
{
	locale_t old = uselocale(en_locale);
	if (old == (locale_t)0)
		return msgid;
	const char *s = dgettext(I18N_DOMAIN, msgid);
	uselocale(old);
	return s ? s : msgid;
}

void i18n_shutdown(void)
{
	if (en_locale != (locale_t)0)
		freelocale(en_locale);
	en_locale = (locale_t)0;
}

int i18n_init(const char *localedir)
{
	int rc = 0;
	char *mo = NULL;
	locale_t loc = (locale_t)0;
	i18n_shutdown();

	if (asprintf(&mo, "%s/en/LC_MESSAGES/%s.mo", localedir, I18N_DOMAIN) < 0) {
		mo = NULL;
		rc = -ENOMEM;
		goto out;
	}
	if (access(mo, R_OK) != 0) {
		rc = -errno;
		log_error("i18n: cannot read the English catalog %s: %s (build it: meson compile)",
		          mo, strerror(errno));
		goto out;
	}
	if (!bindtextdomain(I18N_DOMAIN, localedir) ||
	    !bind_textdomain_codeset(I18N_DOMAIN, "UTF-8")) {
		rc = errno ? -errno : -ENOMEM;
		log_error("i18n: cannot bind text domain: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < sizeof en_locales / sizeof en_locales[0] && !loc; i++)
		loc = newlocale(LC_MESSAGES_MASK, en_locales[i], (locale_t)0);
	if (loc == (locale_t)0) {
		rc = -ENOENT;
		log_error(
		    "i18n: no English locale installed; English pages need en_US.UTF-8 "
		    "(Debian: add 'en_US.UTF-8 UTF-8' to /etc/locale.gen and run locale-gen)");
		goto out;
	}
	const char *language = getenv("LANGUAGE");
	if (language && language[0]) {
		log_warn("i18n: ignoring LANGUAGE=%s: it would override each request's language",
		         language);
		unsetenv("LANGUAGE");
	}
	en_locale = loc;
	loc = (locale_t)0;
	/* The empty msgid yields the catalog header only when the catalog was
	 * really found through the locale: proof the chain works, checked at
	 * start instead of discovered as Dutch pages under /en/. */
	const char *header = tr_en("");
	if (!header || !header[0]) {
		rc = -ENOENT;
		log_error("i18n: %s exists but gettext does not find it through the English locale",
		          mo);
		i18n_shutdown();
		goto out;
	}
out:
	if (loc != (locale_t)0)
		freelocale(loc);
	free(mo);
	return rc;
}

const char *i18n_tr(const char *lang, const char *msgid)
{
	if (!msgid)
		return "";
	/* "" would give the catalog header. */
	if (!msgid[0] || en_locale == (locale_t)0 || !is_en(lang))
		return msgid;
	return tr_en(msgid);
}

const char *i18n_tmpl_tr(void *ctx, const char *msgid)
{
	return i18n_tr(ctx, msgid);
}
