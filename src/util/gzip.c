#include "util/gzip.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int gzip_bytes(const unsigned char *in, size_t len, unsigned char **out, size_t *outlen)
{
	*out = NULL;
	z_stream zs = {0};
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	size_t cap = deflateBound(&zs, len);
	unsigned char *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&zs);
		return -ENOMEM;
	}
	zs.next_in = (unsigned char *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	size_t n = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END || n + 64 >= len) {
		free(buf);
		return 0;
	}
	*out = buf;
	*outlen = n;
	return 0;
}

/* True when an Accept-Encoding value allows gzip ("gzip;q=0" refuses it). */
bool gzip_accepted(const char *ae)
{
	if (!ae)
		return false;
	const char *p = strcasestr(ae, "gzip");
	if (!p)
		return false;
	p += 4;
	p += strspn(p, " ");
	if (*p != ';')
		return true;
	p++;
	p += strspn(p, " ");
	if (strncmp(p, "q=0", 3) != 0)
		return true;
	p += 3;
	if (*p == '.')
		p += 1 + strspn(p + 1, "0");
	/* q=0, q=0.0, q=0.00 refuse; q=0.5 accepts. */
	return !(*p == '\0' || *p == ',' || *p == ' ');
}
