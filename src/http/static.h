/* static: the files under static/ (and generated ones such as theme.css),
 * loaded into memory at start with an ETag, a gzip variant where that is
 * smaller, and a fingerprinted URL for immutable caching.
 *
 * URLs: /static/PATH (cached an hour, revalidated by ETag) and
 * /assets/FINGERPRINT/PATH (cached a year, immutable). */
#ifndef SIGNAAL_HTTP_STATIC_H
#define SIGNAAL_HTTP_STATIC_H

#include "http/http.h"

struct statics;

/* Loads every regular file under dir (recursively, no symlinks). */
int statics_load(const char *dir, struct statics **out, struct buf *err);
/* Adds a generated file (copied) under the given path, e.g. "theme.css". */
int statics_add(struct statics *st, const char *path, const void *data, size_t len);
void statics_free(struct statics *st);
/* Fingerprinted URL of path ("/assets/ab12cd34ef/vendor/signaal.css"), or
 * NULL when there is no such file. Borrowed. */
const char *statics_url(const struct statics *st, const char *path);
/* Serves path (relative, without leading slash) into resp; fingerprint is
 * NULL for /static/ requests. Returns 0 (resp filled, 200/304) or
 * positive 404 when unknown. */
int statics_serve(const struct statics *st, const char *path, const char *fingerprint,
                  struct req *req, struct resp *resp);
/* MIME type for a file name, by extension. */
const char *statics_mime(const char *name);

#endif
