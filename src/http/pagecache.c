/* pagecache: rendered pages of cacheable routes (http.h, .cache), kept as
 * ready libmicrohttpd responses, plain and gzip, per organisation, path and
 * language.
 * See server_int.h for how the server's files divide. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/server_int.h"
#include "util/gzip.h"

#define CACHE_KEY_MAX (ID_MAX_LEN + HTTP_MAX_PATH_BYTES + 8)

/* Organisation, language and path: "velsen:en:/signalen". */
static void cache_key(const struct server *srv, const struct req *req, char *key, size_t n)
{
	const char *org = srv->opts.org_key && req->org ? srv->opts.org_key(req->org) : "";
	snprintf(key, n, "%.*s:%s:%s", (int)ID_MAX_LEN, org, req->lang, req->path);
}

/* Queues the cached page for req if there is one; *hit tells. */
enum MHD_Result pagecache_serve(struct MHD_Connection *conn, struct server *srv, struct conn_ctx *c,
                                bool *hit)
{
	char key[CACHE_KEY_MAX];
	cache_key(srv, &c->req, key, sizeof key);
	*hit = false;
	enum MHD_Result ok = MHD_YES;
	pthread_rwlock_rdlock(&srv->cache_lock);
	for (size_t i = 0; i < srv->ncache; i++) {
		if (strcmp(srv->cache[i].path, key) != 0)
			continue;
		struct MHD_Response *mr = srv->cache[i].plain;
		if (srv->cache[i].gz && gzip_accepted(req_header(&c->req, "Accept-Encoding")))
			mr = srv->cache[i].gz;
		ok = MHD_queue_response(conn, MHD_HTTP_OK, mr);
		*hit = true;
		break;
	}
	pthread_rwlock_unlock(&srv->cache_lock);
	if (*hit)
		srv_access_log(srv, c, MHD_HTTP_OK);
	return ok;
}

static struct MHD_Response *cache_response(const struct server *srv, const struct resp *resp,
                                           const void *data, size_t len, bool gz)
{
	void *copy = malloc(len ? len : 1);
	if (!copy)
		return NULL;
	memcpy(copy, data, len);
	struct MHD_Response *mr = MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE);
	if (!mr) {
		free(copy);
		return NULL;
	}
	srv_add_headers(mr, srv, resp, false);
	MHD_add_response_header(mr, "Vary", "Accept-Encoding");
	if (gz)
		MHD_add_response_header(mr, "Content-Encoding", "gzip");
	return mr;
}

/* Keeps a rendered 200 page of a cacheable route; a failure only means the
 * page is rendered again next time. */
void pagecache_store(struct server *srv, const struct req *req, const struct resp *resp)
{
	/* Never a page for one visitor (a cookie, a token), nor one that
	 * carries headers of its own. */
	if (resp->status != 200 || resp->personal || resp->nheaders || resp->fixed)
		return;
	struct cached_page p = {0};
	char key[CACHE_KEY_MAX];
	cache_key(srv, req, key, sizeof key);
	p.path = strdup(key);
	p.plain = cache_response(srv, resp, resp->body.data, resp->body.len, false);
	unsigned char *z = NULL;
	size_t zlen = 0;
	if (gzip_bytes((const unsigned char *)resp->body.data, resp->body.len, &z, &zlen) == 0 && z)
		p.gz = cache_response(srv, resp, z, zlen, true);
	free(z);
	bool kept = false;
	if (p.path && p.plain) {
		pthread_rwlock_wrlock(&srv->cache_lock);
		bool present = false;
		for (size_t i = 0; i < srv->ncache && !present; i++)
			present = strcmp(srv->cache[i].path, p.path) == 0;
		if (!present && srv->ncache < RESP_CACHE_MAX) {
			srv->cache[srv->ncache++] = p;
			kept = true;
		}
		pthread_rwlock_unlock(&srv->cache_lock);
	}
	if (!kept) {
		free(p.path);
		if (p.plain)
			MHD_destroy_response(p.plain);
		if (p.gz)
			MHD_destroy_response(p.gz);
	}
}

void pagecache_free(struct server *srv)
{
	for (size_t i = 0; i < srv->ncache; i++) {
		free(srv->cache[i].path);
		MHD_destroy_response(srv->cache[i].plain);
		if (srv->cache[i].gz)
			MHD_destroy_response(srv->cache[i].gz);
	}
	srv->ncache = 0;
}
