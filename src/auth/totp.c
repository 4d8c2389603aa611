/* totp: see totp.h. */
#include "auth/totp.h"

#include <errno.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static void oath_start(void)
{
	oath_init();
}

int64_t totp_step(int64_t now)
{
	return now / (int64_t)TOTP_STEP_S;
}

int totp_code(const unsigned char *secret, size_t len, int64_t step, char out[TOTP_DIGITS + 1])
{
	pthread_once(&oath_once, oath_start);
	/* oath_totp_generate takes a time; the middle of the step is safe. */
	time_t t = (time_t)(step * (int64_t)TOTP_STEP_S);
	int rc = oath_totp_generate((const char *)secret, len, t, TOTP_STEP_S, 0, TOTP_DIGITS, out);
	return rc == OATH_OK ? 0 : -EIO;
}

int totp_match(const unsigned char *secret, size_t len, int64_t now, const char *code,
               int64_t after, int64_t *step)
{
	char given[TOTP_DIGITS + 1];
	size_t k = 0;
	for (const char *p = code; p && *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || k == TOTP_DIGITS)
			return TOTP_WRONG;
		given[k++] = *p;
	}
	given[k] = '\0';
	if (k != TOTP_DIGITS)
		return TOTP_WRONG;
	int64_t s0 = totp_step(now);
	int found = 0;
	int64_t at = 0;
	/* Every candidate is computed and compared, a match or not. */
	for (int64_t s = s0 - (int64_t)TOTP_DRIFT_STEPS; s <= s0 + (int64_t)TOTP_DRIFT_STEPS; s++) {
		char c[TOTP_DIGITS + 1];
		if (totp_code(secret, len, s, c) != 0)
			return -EIO;
		if (sodium_memcmp(c, given, TOTP_DIGITS) == 0 && s > after && !found) {
			found = 1;
			at = s;
		}
	}
	if (!found)
		return TOTP_WRONG;
	*step = at;
	return 0;
}

int totp_base32(const unsigned char *secret, size_t len, int grouped, struct buf *out)
{
	static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	buf_reset(out);
	unsigned bits = 0, acc = 0, n = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | secret[i];
		bits += 8;
		while (bits >= 5) {
			if (grouped && n && n % 4 == 0 && buf_putc(out, ' '))
				return -ENOMEM;
			if (buf_putc(out, alpha[(acc >> (bits - 5)) & 31u]))
				return -ENOMEM;
			bits -= 5;
			n++;
		}
	}
	if (bits) {
		if (grouped && n && n % 4 == 0 && buf_putc(out, ' '))
			return -ENOMEM;
		if (buf_putc(out, alpha[(acc << (5 - bits)) & 31u]))
			return -ENOMEM;
	}
	return 0;
}

int totp_uri(const unsigned char *secret, size_t len, const char *issuer, const char *login,
             struct buf *out)
{
	struct buf b32 = BUF_INIT;
	int rc = totp_base32(secret, len, 0, &b32);
	buf_reset(out);
	/* issuer and login are ids ([a-z0-9._-]) or plain words: nothing to
	 * percent-encode but a space. */
	if (!rc)
		rc = buf_printf(out,
		                "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%u"
		                "&period=%u",
		                issuer, login, buf_str(&b32), issuer, TOTP_DIGITS, TOTP_STEP_S);
	sodium_memzero(b32.data, b32.cap);
	buf_free(&b32);
	return rc ? -ENOMEM : 0;
}

static int put_escaped(struct buf *out, const char *s)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		switch (*s) {
		case '<':
			rc = buf_puts(out, "&lt;");
			break;
		case '>':
			rc = buf_puts(out, "&gt;");
			break;
		case '&':
			rc = buf_puts(out, "&amp;");
			break;
		case '"':
			rc = buf_puts(out, "&quot;");
			break;
		default:
			rc = buf_putc(out, *s);
		}
	}
	return rc;
}

int totp_qr_svg(const char *text, const char *title, struct buf *out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return errno == ENOMEM ? -ENOMEM : -EINVAL;
	int w = qr->width, q = 4; /* the quiet zone of the standard */
	int rc = buf_printf(out,
	                    "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
	                    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	                    "shape-rendering=\"crispEdges\"><title>",
	                    w + 2 * q, w + 2 * q, (w + 2 * q) * 6, (w + 2 * q) * 6);
	if (!rc)
		rc = put_escaped(out, title);
	if (!rc)
		rc = buf_printf(out,
		                "</title><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
		                "<path fill=\"#000\" d=\"",
		                w + 2 * q, w + 2 * q);
	for (int y = 0; !rc && y < w; y++)
		for (int x = 0; !rc && x < w; x++)
			if (qr->data[y * w + x] & 1)
				rc = buf_printf(out, "M%d %dh1v1h-1z", x + q, y + q);
	if (!rc)
		rc = buf_puts(out, "\"/></svg>");
	QRcode_free(qr);
	return rc ? -ENOMEM : 0;
}
