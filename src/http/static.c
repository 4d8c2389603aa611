/* static: in-memory static files. See static.h. */
#include "http/static.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file.h"
#include "util/gzip.h"
#include "util/str.h"

#define FP_HEX 10 /* hex chars of the fingerprint in URLs */

struct sfile {
	char *path; /* relative, e.g. "css/signaal.css" */
	char *url;  /* "/assets/FP/css/signaal.css" */
	char fp[FP_HEX + 1];
	char etag[FP_HEX + 3];    /* quoted */
	char etag_gz[FP_HEX + 6]; /* quoted, "-gz": a distinct representation */
	const char *mime;
	unsigned char *data;
	size_t len;
	unsigned char *gz; /* NULL when compression does not pay */
	size_t gzlen;
};

struct statics {
	struct sfile files[STATIC_MAX_FILES];
	size_t n;
};

static const struct {
	const char *ext;
	const char *mime;
	bool text;
} mimes[] = {
    {".css", "text/css; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".json", "application/json", true},
    {".svg", "image/svg+xml", true},
    {".png", "image/png", false},
    {".jpg", "image/jpeg", false},
    {".jpeg", "image/jpeg", false},
    {".webp", "image/webp", false},
    {".ico", "image/x-icon", false},
    {".woff2", "font/woff2", false},
    {".woff", "font/woff", false},
    {".txt", "text/plain; charset=utf-8", true},
    {".html", "text/html; charset=utf-8", true},
    {".webmanifest", "application/manifest+json", true},
};

const char *statics_mime(const char *name)
{
	for (size_t i = 0; i < sizeof mimes / sizeof mimes[0]; i++)
		if (str_ends(name, mimes[i].ext))
			return mimes[i].mime;
	return "application/octet-stream";
}

static bool mime_is_text(const char *name)
{
	for (size_t i = 0; i < sizeof mimes / sizeof mimes[0]; i++)
		if (str_ends(name, mimes[i].ext))
			return mimes[i].text;
	return false;
}

static void sfile_clear(struct sfile *f)
{
	free(f->path);
	free(f->url);
	free(f->data);
	free(f->gz);
	memset(f, 0, sizeof *f);
}

void statics_free(struct statics *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++)
		sfile_clear(&st->files[i]);
	free(st);
}

/* Takes ownership of data. */
static int add_owned(struct statics *st, const char *path, unsigned char *data, size_t len)
{
	struct sfile *f = NULL;
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->files[i].path, path) == 0) {
			f = &st->files[i];
			sfile_clear(f);
		}
	if (!f) {
		if (st->n == STATIC_MAX_FILES) {
			free(data);
			return -E2BIG;
		}
		f = &st->files[st->n++];
	}
	f->path = strdup(path);
	f->data = data;
	f->len = len;
	f->mime = statics_mime(path);
	unsigned char h[16];
	crypto_generichash(h, sizeof h, data, len, NULL, 0);
	char hex[33];
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	memcpy(f->fp, hex, FP_HEX);
	f->fp[FP_HEX] = '\0';
	snprintf(f->etag, sizeof f->etag, "\"%s\"", f->fp);
	snprintf(f->etag_gz, sizeof f->etag_gz, "\"%s-gz\"", f->fp);
	size_t ulen = strlen("/assets/") + FP_HEX + 1 + strlen(path) + 1;
	f->url = malloc(ulen);
	if (!f->path || !f->url)
		return -ENOMEM;
	snprintf(f->url, ulen, "/assets/%s/%s", f->fp, path);
	if (mime_is_text(path))
		return gzip_bytes(data, len, &f->gz, &f->gzlen);
	return 0;
}

int statics_add(struct statics *st, const char *path, const void *data, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, data, len);
	return add_owned(st, path, copy, len);
}

static int read_file(int dirfd, const char *name, unsigned char **out, size_t *len, struct buf *err,
                     const char *shown)
{
	char *data = NULL;
	int rc = file_read(dirfd, name, O_NOFOLLOW, STATIC_MAX_FILE_BYTES, &data, len);
	if (rc == FILE_TOO_BIG)
		buf_printf(err, "%s: larger than %u bytes", shown, STATIC_MAX_FILE_BYTES);
	else if (rc == FILE_NOT_REGULAR)
		buf_printf(err, "%s: not a regular file", shown);
	else if (rc < 0)
		buf_printf(err, "%s: cannot read: %s", shown, strerror(-rc));
	*out = (unsigned char *)data;
	return rc > 0 ? -EINVAL : rc;
}

static int load_dir(struct statics *st, const char *root, const char *rel, struct buf *err)
{
	char dpath[1024];
	snprintf(dpath, sizeof dpath, "%s%s%s", root, rel[0] ? "/" : "", rel);
	DIR *d = opendir(dpath);
	if (!d) {
		buf_printf(err, "%s: cannot open directory: %s", dpath, strerror(errno));
		return -errno;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char relpath[512];
		int w =
		    snprintf(relpath, sizeof relpath, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
		if (w < 0 || (size_t)w >= sizeof relpath) {
			buf_printf(err, "%s/%s: path too long", dpath, e->d_name);
			rc = -ENAMETOOLONG;
			break;
		}
		struct stat sb;
		if (fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			rc = load_dir(st, root, relpath, err);
		} else if (S_ISREG(sb.st_mode)) {
			unsigned char *data = NULL;
			size_t len = 0;
			char shown[1400];
			snprintf(shown, sizeof shown, "%s/%s", dpath, e->d_name);
			rc = read_file(dirfd(d), e->d_name, &data, &len, err, shown);
			if (rc == 0)
				rc = add_owned(st, relpath, data, len);
			if (rc == -E2BIG)
				buf_printf(err, "%s: more than %u static files", root,
				           STATIC_MAX_FILES);
		}
		if (rc)
			break;
	}
	closedir(d);
	return rc;
}

int statics_load(const char *dir, struct statics **out, struct buf *err)
{
	struct statics *st = calloc(1, sizeof *st);
	if (!st)
		return -ENOMEM;
	int rc = load_dir(st, dir, "", err);
	if (rc) {
		statics_free(st);
		return rc;
	}
	*out = st;
	return 0;
}

static const struct sfile *find(const struct statics *st, const char *path)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->files[i].path, path) == 0)
			return &st->files[i];
	return NULL;
}

const char *statics_url(const struct statics *st, const char *path)
{
	const struct sfile *f = find(st, path);
	return f ? f->url : NULL;
}

int statics_serve(const struct statics *st, const char *path, const char *fingerprint,
                  struct req *req, struct resp *resp)
{
	const struct sfile *f = find(st, path);
	if (!f)
		return 404;
	bool immutable = fingerprint && strcmp(fingerprint, f->fp) == 0;
	resp->cache_control =
	    immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600";
	resp->content_type = f->mime;
	bool gz = f->gz && gzip_accepted(req_header(req, "Accept-Encoding"));
	const char *etag = gz ? f->etag_gz : f->etag;
	int rc = resp_header(resp, "ETag", etag);
	if (rc == 0)
		rc = resp_header(resp, "Vary", "Accept-Encoding");
	if (rc)
		return rc;
	const char *inm = req_header(req, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		resp->status = 304;
		resp->fixed = "";
		resp->fixed_len = 0;
		return 0;
	}
	resp->status = 200;
	if (gz) {
		rc = resp_header(resp, "Content-Encoding", "gzip");
		resp->fixed = f->gz;
		resp->fixed_len = f->gzlen;
	} else {
		resp->fixed = f->data;
		resp->fixed_len = f->len;
	}
	return rc;
}
