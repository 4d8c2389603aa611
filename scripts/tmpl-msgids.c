/* tmpl-msgids: writes the {{_ msgid}} texts of a template directory as a
 * POT file, for xgettext to merge with the C sources' strings.
 *
 * Uses the template compiler itself, so extraction sees exactly the msgids
 * the renderer will look up (trimming, whitespace folding, comments), and
 * a template that does not compile fails here as it fails at start.
 *
 * Usage: tmpl-msgids TEMPLATE_DIR [OUTPUT.pot]   (default: stdout)
 * Exit: 0 ok, 1 a template does not compile or output fails, 2 usage. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/tmpl.h"
#include "util/buf.h"

struct msg {
	char *msgid;
	struct buf refs; /* "#: file:line" lines */
};

struct msgs {
	struct msg *v;
	size_t n, cap;
	int rc;
};

static void add(void *ctx, const char *file, unsigned line, const char *msgid)
{
	struct msgs *m = ctx;
	if (m->rc)
		return;
	size_t i = 0;
	/* Linear: a few hundred texts at most; keeps first-seen order. */
	while (i < m->n && strcmp(m->v[i].msgid, msgid) != 0)
		i++;
	if (i == m->n) {
		if (m->n == m->cap) {
			size_t cap = m->cap ? m->cap * 2 : 64;
			struct msg *p = realloc(m->v, cap * sizeof *p);
			if (!p) {
				m->rc = -ENOMEM;
				return;
			}
			m->v = p;
			m->cap = cap;
		}
		m->v[i] = (struct msg){.msgid = strdup(msgid), .refs = BUF_INIT};
		if (!m->v[i].msgid) {
			m->rc = -ENOMEM;
			return;
		}
		m->n++;
	}
	if (buf_printf(&m->v[i].refs, "#: %s:%u\n", file, line))
		m->rc = -ENOMEM;
}

/* PO string syntax: C escapes for backslash, quote and controls. */
static void put_po_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s TEMPLATE_DIR [OUTPUT.pot]\n", argv[0]);
		return 2;
	}
	int status = 1;
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	struct msgs m = {0};
	FILE *f = NULL;
	int rc = tmpl_set_load(argv[1], &set, &err);
	if (rc) {
		fprintf(stderr, "%s\n", err.len ? buf_str(&err) : strerror(rc < 0 ? -rc : EINVAL));
		goto out;
	}
	tmpl_set_each_msgid(set, add, &m);
	if (m.rc) {
		fprintf(stderr, "tmpl-msgids: out of memory\n");
		goto out;
	}
	f = argc == 3 ? fopen(argv[2], "w") : stdout;
	if (!f) {
		perror(argv[2]);
		goto out;
	}
	fputs("# Texts of {{_ ...}} in templates, written by scripts/tmpl-msgids.\n"
	      "msgid \"\"\nmsgstr \"\"\n"
	      "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
	      "\"Content-Transfer-Encoding: 8bit\\n\"\n",
	      f);
	for (size_t i = 0; i < m.n; i++) {
		fprintf(f, "\n%smsgid ", buf_str(&m.v[i].refs));
		put_po_string(f, m.v[i].msgid);
		fputs("\nmsgstr \"\"\n", f);
	}
	if (fflush(f) != 0 || ferror(f)) {
		perror("tmpl-msgids: write");
		goto out;
	}
	status = 0;
out:
	if (f && f != stdout && fclose(f) != 0)
		status = 1;
	for (size_t i = 0; i < m.n; i++) {
		free(m.v[i].msgid);
		buf_free(&m.v[i].refs);
	}
	free(m.v);
	buf_free(&err);
	tmpl_set_free(set);
	return status;
}
