/* password: see password.h. */
#include "auth/password.h"

#include <errno.h>
#include <pthread.h>
#include <pwquality.h>
#include <sodium.h>
#include <string.h>

#include "limits.h"
#include "util/i18n.h"
#include "util/str.h"

int password_hash(const char *pw, char out[PASSWORD_HASH_BYTES])
{
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		return -EINVAL;
	if (crypto_pwhash_str(out, pw, n, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0)
		return -ENOMEM;
	return 0;
}

bool password_verify(const char *hash, const char *pw, bool *rehash)
{
	if (rehash)
		*rehash = false;
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES) {
		password_verify_dummy("");
		return false;
	}
	if (crypto_pwhash_str_verify(hash, pw, n) != 0)
		return false;
	if (rehash)
		*rehash =
		    crypto_pwhash_str_needs_rehash(hash, PASSWORD_OPSLIMIT, PASSWORD_MEMLIMIT) != 0;
	return true;
}

static char dummy[PASSWORD_HASH_BYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
	unsigned char raw[32];
	char hex[65];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
	if (password_hash(hex, dummy) != 0)
		dummy[0] = '\0';
	sodium_memzero(hex, sizeof hex);
}

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, dummy_make);
	size_t n = strlen(pw);
	if (n > PASSWORD_MAX_BYTES)
		n = PASSWORD_MAX_BYTES;
	if (dummy[0]) {
		int r = crypto_pwhash_str_verify(dummy, pw, n);
		(void)r; /* nothing matches a random password's hash */
	}
}

int password_quality(const char *pw, const char *login, const char **why)
{
	size_t n = strlen(pw);
	if (!str_utf8_valid(pw, n) || n > PASSWORD_MAX_BYTES) {
		*why = N_(
		    "Dit wachtwoord kan niet: het is te lang of bevat tekens die we niet kennen.");
		return 1;
	}
	if (str_chars(pw, n) < PASSWORD_MIN_CHARS) {
		*why = N_("Kies een wachtwoord van minstens 12 tekens.");
		return 1;
	}
	pwquality_settings_t *s = pwquality_default_settings();
	if (!s) {
		*why = N_("Het wachtwoord kon niet worden gecontroleerd. Probeer het opnieuw.");
		return 1;
	}
	pwquality_set_int_value(s, PWQ_SETTING_MIN_LENGTH, (int)PASSWORD_MIN_CHARS);
	pwquality_set_int_value(s, PWQ_SETTING_DICT_CHECK, 1);
	pwquality_set_int_value(s, PWQ_SETTING_USER_CHECK, 1);
	void *aux = NULL;
	int r = pwquality_check(s, pw, NULL, login, &aux);
	pwquality_free_settings(s);
	if (r >= 0)
		return 0;
	switch (r) {
	case PWQ_ERROR_CRACKLIB_CHECK:
		*why =
		    N_("Dit wachtwoord is te makkelijk te raden: het lijkt op een woord uit het "
		       "woordenboek of een simpele reeks. Kies iets anders, bijvoorbeeld een paar "
		       "losse woorden achter elkaar.");
		break;
	case PWQ_ERROR_USER_CHECK:
	case PWQ_ERROR_GECOS_CHECK:
		*why = N_("Het wachtwoord mag uw inlognaam niet bevatten.");
		break;
	case PWQ_ERROR_PALINDROME:
	case PWQ_ERROR_MAX_CONSECUTIVE:
	case PWQ_ERROR_MAX_SEQUENCE:
	case PWQ_ERROR_MAX_CLASS_REPEAT:
		*why = N_("Dit wachtwoord herhaalt te veel dezelfde tekens of een reeks. Kies iets "
		          "anders.");
		break;
	case PWQ_ERROR_MIN_LENGTH:
		*why = N_("Kies een wachtwoord van minstens 12 tekens.");
		break;
	default:
		*why = N_("Dit wachtwoord is niet sterk genoeg. Kies een langer wachtwoord, "
		          "bijvoorbeeld een paar losse woorden achter elkaar.");
		break;
	}
	return 1;
}

void password_random(char out[PASSWORD_RANDOM_LEN + 1])
{
	/* Lower-case base32 without 0/1/l/o confusions: 5 bits a character. */
	static const char alpha[] = "abcdefghijkmnpqrstuvwxyz23456789";
	size_t k = 0;
	for (unsigned g = 0; g < 4; g++) {
		if (g)
			out[k++] = '-';
		for (unsigned i = 0; i < 5; i++)
			out[k++] = alpha[randombytes_uniform(32)];
	}
	out[k] = '\0';
}
