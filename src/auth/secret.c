/* secret: see secret.h. */
#include "auth/secret.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

static const char recovery_alpha[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"; /* 31: no I L O 0 1 */

void secret_new_hex(char out[SECRET_HEX_LEN + 1])
{
	unsigned char raw[SECRET_HEX_LEN / 2];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(out, SECRET_HEX_LEN + 1, raw, sizeof raw);
	sodium_memzero(raw, sizeof raw);
}

bool secret_hex_valid(const char *s)
{
	if (!s || strlen(s) != SECRET_HEX_LEN)
		return false;
	for (size_t i = 0; i < SECRET_HEX_LEN; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

void secret_new_recovery(char out[RECOVERY_CODE_LEN + 1])
{
	size_t k = 0;
	for (unsigned i = 0; i < 10; i++) {
		if (i == 5)
			out[k++] = '-';
		out[k++] = recovery_alpha[randombytes_uniform(sizeof recovery_alpha - 1)];
	}
	out[k] = '\0';
}

bool secret_recovery_normal(const char *in, char out[RECOVERY_CODE_LEN])
{
	size_t k = 0;
	for (const char *p = in; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (unsigned char)(c - 'a' + 'A');
		if (!strchr(recovery_alpha, c) || c == '\0' || k == 10)
			return false;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return k == 10;
}

int secret_hash(const unsigned char key[SECRET_KEY_BYTES], enum secret_kind kind, const char *text,
                unsigned char out[SECRET_HASH_BYTES])
{
	crypto_generichash_state st;
	unsigned char tag = (unsigned char)kind;
	if (crypto_generichash_init(&st, key, SECRET_KEY_BYTES, SECRET_HASH_BYTES) != 0 ||
	    crypto_generichash_update(&st, &tag, 1) != 0 ||
	    crypto_generichash_update(&st, (const unsigned char *)text, strlen(text)) != 0 ||
	    crypto_generichash_final(&st, out, SECRET_HASH_BYTES) != 0)
		return -EIO;
	return 0;
}
