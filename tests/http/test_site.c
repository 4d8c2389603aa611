/* HTTP tests of what every page carries around its content (issue 8, part
 * 4): gzip of dynamic pages for a client that accepts it, the favicon, the
 * footer links to the pages a Dutch government site must have, and those
 * pages (privacy, accessibility, contact, quick exit) in both languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "harness.h"

static struct srv S;

HTTP_SUITE(S, NULL)

static const char *const pages[] = {
    "/",
    "/vormen/seksuele-uitbuiting",
    "/vormen/arbeidsuitbuiting",
    "/vormen/criminele-uitbuiting",
    "/vormen/orgaanverwijdering",
    "/signalen",
    "/risicofactoren",
    "/wat-wij-doen",
    "/wegwijzer",
    "/quiz",
    "/melden",
    "/volgen",
    "/snel-weg",
    "/privacy",
    "/toegankelijkheid",
    "/contact",
};
#define NPAGES (sizeof pages / sizeof pages[0])

/* The decompressed gzip body of r into out; 0 or -1. */
static int gunzip(const struct res *r, struct buf *out)
{
	z_stream zs = {0};
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = (unsigned char *)r->body.data;
	zs.avail_in = (uInt)r->body.len;
	int rc;
	do {
		unsigned char chunk[16384];
		zs.next_out = chunk;
		zs.avail_out = sizeof chunk;
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		if (buf_append(out, chunk, sizeof chunk - zs.avail_out) != 0)
			rc = Z_MEM_ERROR;
	} while (rc == Z_OK);
	inflateEnd(&zs);
	return rc == Z_STREAM_END && zs.avail_in == 0 ? 0 : -1;
}

/* Blanks the value of the form's CSRF token: it holds the second it was
 * made, so two requests may differ there and only there. */
static void mask_token(char *html)
{
	for (char *p = html; (p = strstr(p, "name=\"csrf\" value=\"")) != NULL;) {
		p += strlen("name=\"csrf\" value=\"");
		for (; *p && *p != '"'; p++)
			*p = 'x';
	}
}

static bool vary_has_accept_encoding(const struct res *r)
{
	char v[128];
	return res_header(r, "Vary", v, sizeof v) && strstr(v, "Accept-Encoding");
}

/* GETs (or POSTs form, when not NULL) path twice with the same cookie,
 * plain and with Accept-Encoding: gzip, and checks that the second is
 * gzip and decompresses to the first. */
static void same_page_gzipped(const char *path, const char *form, int want_status)
{
	char cookie[300], token[200];
	/* A form token fits its cookie on every form of the site. */
	assert_int_equal(http_csrf(&S, "/melden", cookie, sizeof cookie, token, sizeof token), 0);
	char body[512] = "";
	if (form)
		snprintf(body, sizeof body, "csrf=%s&%s", token, form);
	const char *plain_h[] = {cookie, NULL};
	const char *gz_h[] = {cookie, "Accept-Encoding: gzip, deflate, br", NULL};
	struct res plain, gz;
	if (form) {
		assert_int_equal(http_post(&S, path, "application/x-www-form-urlencoded", body,
		                           strlen(body), plain_h, &plain),
		                 0);
		assert_int_equal(http_post(&S, path, "application/x-www-form-urlencoded", body,
		                           strlen(body), gz_h, &gz),
		                 0);
	} else {
		assert_int_equal(http_get(&S, path, plain_h, &plain), 0);
		assert_int_equal(http_get(&S, path, gz_h, &gz), 0);
	}
	if (plain.status != want_status || gz.status != want_status)
		fail_msg("%s: status %ld and %ld", path, plain.status, gz.status);
	char enc[64] = "";
	if (res_header(&plain, "Content-Encoding", enc, sizeof enc))
		fail_msg("%s: Content-Encoding %s without Accept-Encoding", path, enc);
	if (!res_header(&gz, "Content-Encoding", enc, sizeof enc) || strcmp(enc, "gzip") != 0)
		fail_msg("%s: not gzip-compressed although the client accepts it", path);
	if (!vary_has_accept_encoding(&plain) || !vary_has_accept_encoding(&gz))
		fail_msg("%s: no Vary: Accept-Encoding", path);
	if (gz.body.len * 2 > plain.body.len)
		fail_msg("%s: %zu bytes compressed from %zu", path, gz.body.len, plain.body.len);
	struct buf un = BUF_INIT;
	if (gunzip(&gz, &un) != 0)
		fail_msg("%s: the gzip body does not decompress", path);
	char *a = strdup(buf_str(&plain.body)), *b = strdup(buf_str(&un));
	assert_non_null(a);
	assert_non_null(b);
	mask_token(a);
	mask_token(b);
	if (strcmp(a, b) != 0)
		fail_msg("%s: the decompressed page differs from the plain one", path);
	free(a);
	free(b);
	buf_free(&un);
	res_free(&plain);
	res_free(&gz);
}

static void dynamic_pages_are_gzipped_when_accepted(void **state)
{
	(void)state;
	/* Forms with a token (rendered per request), a POST answer, an error
	 * page, a wegwijzer answer (kept by the site) and a kept page. */
	same_page_gzipped("/melden", NULL, 200);
	same_page_gzipped("/volgen", NULL, 200);
	same_page_gzipped("/wegwijzer", NULL, 200);
	same_page_gzipped("/en/quiz", NULL, 200);
	same_page_gzipped("/wegwijzer", "role=bystander", 400);
	same_page_gzipped("/wegwijzer", "role=bystander&danger=no&form=labour&anonymous=yes", 200);
	same_page_gzipped("/nope-404", NULL, 404);
	same_page_gzipped("/", NULL, 200);
	same_page_gzipped("/privacy", NULL, 200);
}

static void no_gzip_unless_accepted(void **state)
{
	(void)state;
	const char *refusals[] = {NULL, "Accept-Encoding: identity", "Accept-Encoding: gzip;q=0",
	                          "Accept-Encoding: br, deflate"};
	for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
		const char *h[] = {refusals[i], NULL};
		struct res r;
		assert_int_equal(http_get(&S, "/melden", refusals[i] ? h : NULL, &r), 0);
		assert_int_equal(r.status, 200);
		char enc[64];
		if (res_header(&r, "Content-Encoding", enc, sizeof enc))
			fail_msg("%s: answered with Content-Encoding %s",
			         refusals[i] ? refusals[i] : "no Accept-Encoding", enc);
		assert_true(vary_has_accept_encoding(&r));
		assert_non_null(strstr(buf_str(&r.body), "<!DOCTYPE html>"));
		res_free(&r);
	}
	/* Answers that are not pages stay as they are. */
	const char *h[] = {"Accept-Encoding: gzip", NULL};
	struct res r;
	assert_int_equal(http_get(&S, "/healthz", h, &r), 0);
	char enc[64];
	assert_false(res_header(&r, "Content-Encoding", enc, sizeof enc));
	res_free(&r);
}

static void favicon_is_served(void **state)
{
	(void)state;
	struct res r;
	assert_int_equal(http_get(&S, "/favicon.ico", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	char type[64];
	assert_true(res_header(&r, "Content-Type", type, sizeof type));
	assert_string_equal(type, "image/x-icon");
	/* An ICO header: reserved 0, type 1 (icon), at least one image. */
	assert_true(r.body.len > 6);
	const unsigned char *b = (const unsigned char *)r.body.data;
	assert_true(b[0] == 0 && b[1] == 0 && b[2] == 1 && b[3] == 0 && (b[4] | b[5]) != 0);
	char cc[64];
	assert_true(res_header(&r, "Cache-Control", cc, sizeof cc));
	assert_non_null(strstr(cc, "max-age="));
	res_free(&r);
	/* Every page names it, so no browser looks for it elsewhere. */
	assert_int_equal(http_get(&S, "/", NULL, &r), 0);
	assert_non_null(strstr(buf_str(&r.body), "<link rel=\"icon\" href=\"/favicon.ico\""));
	res_free(&r);
}

static void footer_links_on_every_public_page(void **state)
{
	(void)state;
	const char *const links[] = {"/snel-weg", "/contact", "/privacy", "/toegankelijkheid"};
	for (int en = 0; en < 2; en++) {
		for (size_t i = 0; i < NPAGES; i++) {
			char path[128];
			snprintf(path, sizeof path, "%s%s", en ? "/en" : "", pages[i]);
			struct res r;
			assert_int_equal(http_get(&S, path, NULL, &r), 0);
			if (r.status != 200)
				fail_msg("%s: status %ld", path, r.status);
			const char *footer = strstr(buf_str(&r.body), "<footer");
			if (!footer)
				fail_msg("%s: no footer", path);
			for (size_t k = 0; k < sizeof links / sizeof links[0]; k++) {
				char want[96];
				snprintf(want, sizeof want, "href=\"%s%s\"", en ? "/en" : "",
				         links[k]);
				if (!strstr(footer, want))
					fail_msg("%s: no footer link %s", path, want);
			}
			res_free(&r);
		}
	}
	/* Also the error pages. */
	struct res r;
	assert_int_equal(http_get(&S, "/bestaat-niet", NULL, &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(buf_str(&r.body), "href=\"/privacy\""));
	res_free(&r);
}

/* path answers 200 in lang with one h1, its own footer link marked
 * current, and every text of want. */
static void page_says(const char *path, const char *lang, const char *const *want)
{
	struct res r;
	assert_int_equal(http_get(&S, path, NULL, &r), 0);
	if (r.status != 200)
		fail_msg("%s: status %ld", path, r.status);
	const char *b = buf_str(&r.body);
	char html[64];
	snprintf(html, sizeof html, "<html lang=\"%s\"", lang);
	if (!strstr(b, html))
		fail_msg("%s: no %s", path, html);
	const char *h1 = strstr(b, "<h1");
	if (!h1 || strstr(h1 + 1, "<h1"))
		fail_msg("%s: not one h1", path);
	char current[128];
	snprintf(current, sizeof current, "href=\"%s\" aria-current=\"page\"", path);
	if (!strstr(b, current))
		fail_msg("%s: its footer link is not marked as the current page", path);
	const char *main = strstr(b, "<main");
	for (; *want; want++)
		if (!main || !strstr(main, *want))
			fail_msg("%s: does not say \"%s\"", path, *want);
	res_free(&r);
}

static void privacy_statement(void **state)
{
	(void)state;
	page_says("/privacy", "nl",
	          (const char *const[]){"Gemeente Velsen", "IP-adres", "nooit op", "niet de tijd",
	                                "versleuteld", "politie", "RIEC", "zorgcoördinator",
	                                "Veilig Thuis", "bewaartermijnen", "Meestal niet",
	                                "Autoriteit Persoonsgegevens", "href=\"/contact\"",
	                                "href=\"/volgen\"", NULL});
	page_says("/en/privacy", "en",
	          (const char *const[]){"IP address", "never", "police", "RIEC", "care coordinator",
	                                "Veilig Thuis", "Dutch Data Protection Authority",
	                                "href=\"/en/contact\"", NULL});
}

static void accessibility_statement(void **state)
{
	(void)state;
	page_says("/toegankelijkheid", "nl",
	          (const char *const[]){"Gemeente Velsen", "Besluit digitale toegankelijkheid",
	                                "WCAG 2.1", "eerste maatregelen genomen", "axe",
	                                "toetsenbord", "150%", "href=\"/contact\"", NULL});
	page_says("/en/toegankelijkheid", "en",
	          (const char *const[]){"WCAG 2.1", "first measures taken", "keyboard", NULL});
}

static void contact_page(void **state)
{
	(void)state;
	page_says("/contact", "nl",
	          (const char *const[]){"Gemeente Velsen", "href=\"tel:112\"", "href=\"/melden\"",
	                                "href=\"/volgen\"", "href=\"/privacy\"",
	                                "href=\"/toegankelijkheid\"", NULL});
	page_says("/en/contact", "en",
	          (const char *const[]){"Gemeente Velsen", "href=\"/en/melden\"", "report", NULL});
}

static void quick_exit_page(void **state)
{
	(void)state;
	page_says("/snel-weg", "nl",
	          (const char *const[]){"Shift", "Terug", "privévenster", "geschiedenis",
	                                "telefoon", "JavaScript", "tel:112", NULL});
	page_says(
	    "/en/snel-weg", "en",
	    (const char *const[]){"Shift", "Back", "private window", "history", "phone", NULL});
	/* Said once on the home page too, with a link to the page. */
	struct res r;
	assert_int_equal(http_get(&S, "/", NULL, &r), 0);
	const char *main = strstr(buf_str(&r.body), "<main");
	assert_non_null(main);
	assert_non_null(strstr(main, "Shift"));
	assert_non_null(strstr(main, "href=\"/snel-weg\""));
	res_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(dynamic_pages_are_gzipped_when_accepted),
	    cmocka_unit_test(no_gzip_unless_accepted),
	    cmocka_unit_test(favicon_is_served),
	    cmocka_unit_test(footer_links_on_every_public_page),
	    cmocka_unit_test(privacy_statement),
	    cmocka_unit_test(accessibility_statement),
	    cmocka_unit_test(contact_page),
	    cmocka_unit_test(quick_exit_page),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
