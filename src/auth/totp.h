/* totp: the second factor, TOTP (RFC 6238) through liboath: TOTP_STEP_S
 * steps, TOTP_DIGITS digits, TOTP_DRIFT_STEPS of drift either way; the
 * secret as base32 for an authenticator app (grouped for typing), its
 * otpauth:// URI, and that URI as a QR code (libqrencode) drawn as inline
 * SVG. Works on bytes; the store keeps the secret sealed (domain). */
#ifndef SIGNAAL_AUTH_TOTP_H
#define SIGNAAL_AUTH_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "util/buf.h"

enum {
	TOTP_WRONG = 1, /* no step within the drift gives this code */
};

/* The step of time now (seconds since 1970). */
int64_t totp_step(int64_t now);
/* The code of step. 0 or -EIO. */
int totp_code(const unsigned char *secret, size_t len, int64_t step, char out[TOTP_DIGITS + 1]);
/* The step within TOTP_DRIFT_STEPS of now whose code is code and that
 * is later than after: 0 and *step, or TOTP_WRONG. code may hold spaces. */
int totp_match(const unsigned char *secret, size_t len, int64_t now, const char *code,
               int64_t after, int64_t *step);
/* The secret in base32 (RFC 4648, no padding), with a space after every
 * four characters when grouped. out is replaced. 0 or -ENOMEM. */
int totp_base32(const unsigned char *secret, size_t len, int grouped, struct buf *out);
/* otpauth://totp/ISSUER:LOGIN?secret=...&issuer=ISSUER&... into out. */
int totp_uri(const unsigned char *secret, size_t len, const char *issuer, const char *login,
             struct buf *out);
/* text as a QR code, an <svg> element with a <title> (the caller's,
 * escaped here) appended to out. 0, -ENOMEM or -EINVAL. */
int totp_qr_svg(const char *text, const char *title, struct buf *out);

#endif
