/* Unit tests of src/render/tmpl.c and src/render/html.c: escaping, lookup,
 * sections, partials, fragments, HTML contexts, URLs, translation. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "limits.h"
#include "render/html.h"
#include "render/tmpl.h"
#include "util/buf.h"

/* ---- helpers ----------------------------------------------------------- */

static char *escape(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	assert_int_equal(html_escape(&b, s, n), 0);
	return buf_steal(&b);
}

static void assert_escape(const char *in, size_t n, const char *want)
{
	char *got = escape(in, n);
	assert_string_equal(got, want);
	free(got);
}

static struct tmpl_set *compile_n(const char *const *names, const char *const *srcs, size_t n)
{
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	int rc = tmpl_set_from_strings(names, srcs, n, &set, &err);
	if (rc)
		fail_msg("compile failed (%d): %s", rc, buf_str(&err));
	buf_free(&err);
	return set;
}

static struct tmpl_set *compile1(const char *src)
{
	const char *names[] = {"t"};
	return compile_n(names, &src, 1);
}

/* Compiles src expecting TMPL_INVALID; returns the message (caller frees). */
static char *compile_error(const char *src)
{
	const char *names[] = {"t"};
	struct tmpl_set *set = (struct tmpl_set *)1;
	struct buf err = BUF_INIT;
	int rc = tmpl_set_from_strings(names, &src, 1, &set, &err);
	assert_int_equal(rc, TMPL_INVALID);
	assert_null(set);
	assert_true(err.len > 0);
	return buf_steal(&err);
}

static void assert_compile_error(const char *src, const char *want_substring)
{
	char *msg = compile_error(src);
	if (!strstr(msg, want_substring))
		fail_msg("error '%s' lacks '%s'", msg, want_substring);
	free(msg);
}

static json_t *parse(const char *json)
{
	json_error_t je;
	json_t *v = json_loads(json, JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!v)
		fail_msg("bad test JSON: %s", je.text);
	return v;
}

static char *render_full(const char *src, const char *json, const struct tmpl_frag *frags,
                         size_t nfrags, tmpl_tr_fn tr, void *tr_ctx)
{
	struct tmpl_set *set = compile1(src);
	json_t *data = json ? parse(json) : NULL;
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", data, frags, nfrags, tr, tr_ctx, &out), 0);
	json_decref(data);
	tmpl_set_free(set);
	return buf_steal(&out);
}

static void assert_render(const char *src, const char *json, const char *want)
{
	char *got = render_full(src, json, NULL, 0, NULL, NULL);
	assert_string_equal(got, want);
	free(got);
}

/* ---- html_escape -------------------------------------------------------- */

static void test_escape_specials(void **state)
{
	(void)state;
	assert_escape("a & b < c > d \" e ' f", 21, "a &amp; b &lt; c &gt; d &quot; e &#39; f");
}

static void test_escape_script(void **state)
{
	(void)state;
	assert_escape("<script>alert(1)</script>", 25, "&lt;script&gt;alert(1)&lt;/script&gt;");
}

static void test_escape_plain_and_utf8_unchanged(void **state)
{
	(void)state;
	const char *s = "Meld het bij de politie \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
	assert_escape(s, strlen(s), s);
}

static void test_escape_nul_dropped(void **state)
{
	(void)state;
	assert_escape("a\0b\0", 4, "ab");
}

static void test_escape_overlong(void **state)
{
	(void)state;
	/* "/" as two and three bytes: each byte of a sequence that can never
	 * be well-formed is replaced. */
	assert_escape("\xC0\xAF", 2, "\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_escape("\xE0\x80\xAF", 3, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
	/* An overlong "<" must not come out as "<". */
	char *got = escape("\xC0\xBC", 2);
	assert_null(strchr(got, '<'));
	free(got);
}

static void test_escape_surrogate(void **state)
{
	(void)state;
	assert_escape("x\xED\xA0\x80y", 5, "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy");
}

static void test_escape_truncated(void **state)
{
	(void)state;
	/* A truncated euro sign followed by ASCII: one U+FFFD, ASCII kept. */
	assert_escape("\xE2\x82<", 3, "\xEF\xBF\xBD&lt;");
	/* Truncated at the end of the input. */
	assert_escape("ok\xF0\x9F\x98", 5, "ok\xEF\xBF\xBD");
}

static void test_escape_invalid_bytes(void **state)
{
	(void)state;
	assert_escape("\x80", 1, "\xEF\xBF\xBD");
	assert_escape("\xFF", 1, "\xEF\xBF\xBD");
	/* Above U+10FFFF. */
	assert_escape("\xF4\x90\x80\x80", 4, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void test_escape_empty(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(html_escape(&b, "", 0), 0);
	assert_string_equal(buf_str(&b), "");
	assert_non_null(b.data);
	buf_free(&b);
}

/* ---- html_url_allowed / html_escape_url ---------------------------------- */

static void test_url_allowed(void **state)
{
	(void)state;
	const char *ok[] = {"https://example.nl/a?b=c",
	                    "http://x",
	                    "HTTPS://X",
	                    "mailto:a@b.nl",
	                    "tel:+31201234567",
	                    "/melden",
	                    "melden/stap-2",
	                    "?q=1",
	                    "#main",
	                    "",
	                    "a/b:c",
	                    "//example.nl/x"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		if (!html_url_allowed(ok[i], strlen(ok[i])))
			fail_msg("refused %s", ok[i]);
	}
	const char *bad[] = {"javascript:alert(1)",
	                     " JaVaScRiPt:alert(1)",
	                     "java\tscript:x",
	                     "\x01javascript:x",
	                     "data:text/html,<b>",
	                     "vbscript:x",
	                     "a:b",
	                     ":x",
	                     "veryveryverylongscheme:x",
	                     "java\nscript:x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (html_url_allowed(bad[i], strlen(bad[i])))
			fail_msg("allowed %s", bad[i]);
	}
}

static void test_escape_url(void **state)
{
	(void)state;
	struct buf b = BUF_INIT;
	assert_int_equal(html_escape_url(&b, "javascript:alert(1)", 19), 0);
	assert_string_equal(buf_str(&b), "#");
	buf_reset(&b);
	assert_int_equal(html_escape_url(&b, "/a?x=1&y=\"2\"", 12), 0);
	assert_string_equal(buf_str(&b), "/a?x=1&amp;y=&quot;2&quot;");
	buf_free(&b);
}

/* ---- values and lookup --------------------------------------------------- */

static void test_var_escaped(void **state)
{
	(void)state;
	assert_render("<p>{{x}}</p>", "{\"x\":\"<b>&'\\\"\"}", "<p>&lt;b&gt;&amp;&#39;&quot;</p>");
}

static void test_var_attr_breakout(void **state)
{
	(void)state;
	assert_render("<a title=\"{{x}}\">", "{\"x\":\"\\\" onmouseover=\\\"alert(1)\"}",
	              "<a title=\"&quot; onmouseover=&quot;alert(1)\">");
	assert_render("<a title='{{x}}'>", "{\"x\":\"' onmouseover='alert(1)\"}",
	              "<a title='&#39; onmouseover=&#39;alert(1)'>");
}

static void test_var_nul_in_json_string(void **state)
{
	(void)state;
	assert_render("{{x}}", "{\"x\":\"a\\u0000b\"}", "ab");
}

static void test_var_types(void **state)
{
	(void)state;
	assert_render("[{{i}}|{{r}}|{{t}}|{{f}}|{{n}}|{{o}}|{{a}}|{{missing}}]",
	              "{\"i\":-42,\"r\":2.5,\"t\":true,\"f\":false,\"n\":null,\"o\":{},\"a\":[1]}",
	              "[-42|2.5||||||]");
}

static void test_var_dotted(void **state)
{
	(void)state;
	assert_render("{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"diep\"}}}", "diep");
	assert_render("[{{a.x.c}}]", "{\"a\":{\"b\":{\"c\":\"diep\"}}}", "[]");
	assert_render("[{{a.b.c}}]", "{\"a\":\"string\"}", "[]");
}

static void test_var_null_data(void **state)
{
	(void)state;
	assert_render("[{{x}}{{.}}]", NULL, "[]");
}

static void test_context_fallback(void **state)
{
	(void)state;
	assert_render(
	    "{{#items}}{{name}}@{{org}};{{/items}}",
	    "{\"org\":\"KMar\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\",\"org\":\"FIOD\"}]}",
	    "a@KMar;b@FIOD;");
}

static void test_dotted_first_component_only_falls_back(void **state)
{
	(void)state;
	/* a is found in the inner context, which has no a.b: no fallback for
	 * the rest of the path to the outer a. */
	assert_render("{{#inner}}[{{a.b}}]{{/inner}}",
	              "{\"a\":{\"b\":\"buiten\"},\"inner\":{\"a\":{\"c\":1}}}", "[]");
}

static void test_dot_current_item(void **state)
{
	(void)state;
	assert_render("{{#xs}}<li>{{.}}</li>{{/xs}}", "{\"xs\":[\"a<\",2,\"c\"]}",
	              "<li>a&lt;</li><li>2</li><li>c</li>");
}

static void test_underscore_name_is_variable(void **state)
{
	(void)state;
	assert_render("{{_x}}", "{\"_x\":\"v\"}", "v");
}

/* ---- sections ------------------------------------------------------------ */

static void test_section_array(void **state)
{
	(void)state;
	assert_render("{{#a}}x{{/a}}", "{\"a\":[1,2,3]}", "xxx");
	assert_render("[{{#a}}x{{/a}}]", "{\"a\":[]}", "[]");
}

static void test_section_bool(void **state)
{
	(void)state;
	assert_render("[{{#t}}ja{{/t}}{{#f}}nee{{/f}}{{#m}}nee{{/m}}{{#n}}nee{{/n}}]",
	              "{\"t\":true,\"f\":false,\"n\":null}", "[ja]");
}

static void test_section_object_is_context(void **state)
{
	(void)state;
	assert_render("{{#user}}{{name}} ({{role}}){{/user}}",
	              "{\"role\":\"buiten\",\"user\":{\"name\":\"Anna\",\"role\":\"triage\"}}",
	              "Anna (triage)");
	assert_render("[{{#o}}leeg object telt{{/o}}]", "{\"o\":{}}", "[leeg object telt]");
}

static void test_section_string_and_number(void **state)
{
	(void)state;
	assert_render(
	    "[{{#s}}({{.}}){{/s}}{{#e}}E{{/e}}{{#z}}Z{{/z}}{{#r}}R{{/r}}{{#i}}{{.}}{{/i}}]",
	    "{\"s\":\"tekst\",\"e\":\"\",\"z\":0,\"r\":0.0,\"i\":7}", "[(tekst)7]");
}

static void test_section_nested(void **state)
{
	(void)state;
	assert_render("{{#rows}}<tr>{{#cells}}<td>{{.}}{{sep}}</td>{{/cells}}</tr>{{/rows}}",
	              "{\"sep\":\";\",\"rows\":[{\"cells\":[1,2]},{\"cells\":[3]}]}",
	              "<tr><td>1;</td><td>2;</td></tr><tr><td>3;</td></tr>");
}

static void test_inverted(void **state)
{
	(void)state;
	assert_render(
	    "{{^m}}1{{/m}}{{^f}}2{{/f}}{{^e}}3{{/e}}{{^z}}4{{/z}}{{^s}}5{{/s}}{{^n}}6{{/n}}",
	    "{\"f\":false,\"e\":[],\"z\":0,\"s\":\"\",\"n\":null}", "123456");
	assert_render("[{{^t}}x{{/t}}{{^a}}x{{/a}}{{^o}}x{{/o}}]",
	              "{\"t\":true,\"a\":[1],\"o\":{}}", "[]");
}

static void test_section_in_attribute_value(void **state)
{
	(void)state;
	const char *src = "<li class=\"item{{#cur}} is-current{{/cur}}\">";
	assert_render(src, "{\"cur\":true}", "<li class=\"item is-current\">");
	assert_render(src, "{\"cur\":false}", "<li class=\"item\">");
}

static void test_section_around_attribute(void **state)
{
	(void)state;
	const char *src = "<input type=\"checkbox\" {{#on}}checked{{/on}}>";
	assert_render(src, "{\"on\":true}", "<input type=\"checkbox\" checked>");
	assert_render(src, "{\"on\":false}", "<input type=\"checkbox\" >");
	assert_render("<option value=\"{{v}}\"{{#sel}} selected{{/sel}}>",
	              "{\"sel\":true,\"v\":\"x\"}", "<option value=\"x\" selected>");
	/* Not in a tag name, though. */
	assert_compile_error("<option{{#sel}} selected{{/sel}}>", "tag name");
}

static void test_comment_renders_nothing(void **state)
{
	(void)state;
	assert_render("a{{! een opmerking\n over regels }}b", "{}", "ab");
}

/* ---- partials ------------------------------------------------------------ */

static void test_partial(void **state)
{
	(void)state;
	const char *names[] = {"page", "item"};
	const char *srcs[] = {"<ul>{{#xs}}{{> item}}{{/xs}}</ul>", "<li>{{name}}</li>"};
	struct tmpl_set *set = compile_n(names, srcs, 2);
	assert_true(tmpl_exists(set, "page"));
	assert_true(tmpl_exists(set, "item"));
	assert_false(tmpl_exists(set, "other"));
	json_t *data = parse("{\"xs\":[{\"name\":\"a\"},{\"name\":\"<b>\"}]}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "page", data, NULL, 0, NULL, NULL, &out), 0);
	assert_string_equal(buf_str(&out), "<ul><li>a</li><li>&lt;b&gt;</li></ul>");
	json_decref(data);
	buf_free(&out);
	tmpl_set_free(set);
}

static void test_partial_unknown_at_load(void **state)
{
	(void)state;
	char *msg = compile_error("<p>\n{{> nergens}}</p>");
	assert_string_equal(msg, "t.html:2: unknown partial 'nergens'");
	free(msg);
}

static void test_partial_recursion_depth_limit(void **state)
{
	(void)state;
	const char *names[] = {"loop"};
	const char *srcs[] = {"x{{> loop}}"};
	struct tmpl_set *set = compile_n(names, srcs, 1);
	struct buf out = BUF_INIT;
	assert_int_equal(buf_puts(&out, "before"), 0);
	assert_int_equal(tmpl_render(set, "loop", NULL, NULL, 0, NULL, NULL, &out), TMPL_TOO_DEEP);
	/* The partial output is taken back. */
	assert_string_equal(buf_str(&out), "before");
	buf_free(&out);
	tmpl_set_free(set);
}

static void test_partial_recursive_tree(void **state)
{
	(void)state;
	const char *names[] = {"node"};
	const char *srcs[] = {"({{n}}{{#kids}}{{> node}}{{/kids}})"};
	struct tmpl_set *set = compile_n(names, srcs, 1);
	/* Leaves need "kids": [] or the lookup falls back to the parent's
	 * kids, as Mustache does, and recursion runs into the depth limit. */
	json_t *data = parse("{\"n\":1,\"kids\":[{\"n\":2,\"kids\":[{\"n\":3,\"kids\":[]}]},"
	                     "{\"n\":4,\"kids\":[]}]}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "node", data, NULL, 0, NULL, NULL, &out), 0);
	assert_string_equal(buf_str(&out), "(1(2(3))(4))");
	json_decref(data);
	buf_free(&out);
	tmpl_set_free(set);
}

static void test_data_nesting_depth_limit(void **state)
{
	(void)state;
	/* Data nested deeper than TMPL_MAX_DEPTH through a recursive partial. */
	const char *names[] = {"node"};
	const char *srcs[] = {"{{#k}}{{> node}}{{/k}}"};
	struct tmpl_set *set = compile_n(names, srcs, 1);
	json_t *data = json_object();
	json_t *cur = data;
	for (unsigned i = 0; i < TMPL_MAX_DEPTH; i++) {
		json_t *next = json_object();
		json_object_set_new(cur, "k", next);
		cur = next;
	}
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "node", data, NULL, 0, NULL, NULL, &out), TMPL_TOO_DEEP);
	assert_int_equal(out.len, 0);
	json_decref(data);
	buf_free(&out);
	tmpl_set_free(set);
}

/* ---- raw fragments ------------------------------------------------------- */

static void test_raw_fragment(void **state)
{
	(void)state;
	struct tmpl_frag frags[] = {{"nav", "<nav><a href=\"/\">Start</a></nav>"}, {"empty", NULL}};
	char *got = render_full("{{{nav}}}[{{{ empty }}}]", "{}", frags, 2, NULL, NULL);
	assert_string_equal(got, "<nav><a href=\"/\">Start</a></nav>[]");
	free(got);
}

static void test_raw_never_reads_data(void **state)
{
	(void)state;
	struct tmpl_set *set = compile1("<div>{{{html}}}</div>");
	json_t *data = parse("{\"html\":\"<script>alert(1)</script>\"}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "t", data, NULL, 0, NULL, NULL, &out), TMPL_NO_FRAG);
	assert_int_equal(out.len, 0);
	/* A fragment of another name does not help either. */
	struct tmpl_frag other = {"nav", "<nav></nav>"};
	assert_int_equal(tmpl_render(set, "t", data, &other, 1, NULL, NULL, &out), TMPL_NO_FRAG);
	assert_int_equal(out.len, 0);
	json_decref(data);
	buf_free(&out);
	tmpl_set_free(set);
}

static void test_raw_missing_restores_output(void **state)
{
	(void)state;
	struct tmpl_set *set = compile1("lots of text {{{x}}}");
	struct buf out = BUF_INIT;
	assert_int_equal(buf_puts(&out, "kept"), 0);
	assert_int_equal(tmpl_render(set, "t", NULL, NULL, 0, NULL, NULL, &out), TMPL_NO_FRAG);
	assert_string_equal(buf_str(&out), "kept");
	buf_free(&out);
	tmpl_set_free(set);
}

/* ---- URL context --------------------------------------------------------- */

static void assert_href(const char *url_json, const char *want)
{
	char json[256];
	snprintf(json, sizeof json, "{\"u\":%s}", url_json);
	char *got = render_full("<a href=\"{{u}}\">x</a>", json, NULL, 0, NULL, NULL);
	char exp[256];
	snprintf(exp, sizeof exp, "<a href=\"%s\">x</a>", want);
	assert_string_equal(got, exp);
	free(got);
}

static void test_url_javascript(void **state)
{
	(void)state;
	assert_href("\"javascript:alert(1)\"", "#");
	assert_href("\" JaVaScRiPt:alert(1)\"", "#");
	assert_href("\"java\\tscript:alert(1)\"", "#");
	assert_href("\"\\u0001javascript:alert(1)\"", "#");
}

static void test_url_data_and_others(void **state)
{
	(void)state;
	assert_href("\"data:text/html;base64,PHNjcmlwdD4=\"", "#");
	assert_href("\"vbscript:x\"", "#");
}

static void test_url_allowed_schemes(void **state)
{
	(void)state;
	assert_href("\"tel:+31 20 123\"", "tel:+31 20 123");
	assert_href("\"mailto:meld@example.nl\"", "mailto:meld@example.nl");
	assert_href("\"HTTPS://example.nl/?a=1&b=2\"", "HTTPS://example.nl/?a=1&amp;b=2");
}

static void test_url_relative(void **state)
{
	(void)state;
	assert_href("\"/meldingen/12\"", "/meldingen/12");
	assert_href("\"stap-2?x=1\"", "stap-2?x=1");
	assert_href("\"#inhoud\"", "#inhoud");
}

static void test_url_split_over_values(void **state)
{
	(void)state;
	assert_render("<a href=\"{{a}}{{b}}\">", "{\"a\":\"java\",\"b\":\"script:alert(1)\"}",
	              "<a href=\"#\">");
	assert_render("<form action='{{a}}'>", "{\"a\":\"javascript:x\"}", "<form action='#'>");
	assert_render("<img src=\"{{a}}\" alt=\"\">", "{\"a\":\"data:x\"}",
	              "<img src=\"#\" alt=\"\">");
	assert_render("<button formaction=\"{{a}}\">", "{\"a\":\"javascript:x\"}",
	              "<button formaction=\"#\">");
}

static void test_url_static_prefix(void **state)
{
	(void)state;
	assert_render("<a href=\"/melding/{{id}}?t={{t}}\">",
	              "{\"id\":\"javascript:x\",\"t\":\"a&b\"}",
	              "<a href=\"/melding/javascript:x?t=a&amp;b\">");
	assert_render("<a class=\"c\" href=\"/m/{{#id}}{{.}}{{/id}}\">", "{\"id\":5}",
	              "<a class=\"c\" href=\"/m/5\">");
}

static void test_url_only_url_attributes(void **state)
{
	(void)state;
	assert_render("<a title=\"{{u}}\" href=\"/\">", "{\"u\":\"javascript:x\"}",
	              "<a title=\"javascript:x\" href=\"/\">");
}

static void test_url_translation_checked(void **state)
{
	(void)state;
	assert_render("<a href=\"{{_ javascript:alert(1)}}\">", "{}", "<a href=\"#\">");
}

/* ---- translation --------------------------------------------------------- */

static const char *tr_upper_en(void *ctx, const char *msgid)
{
	int *calls = ctx;
	(*calls)++;
	if (strcmp(msgid, "Melding doen") == 0)
		return "Make a report";
	if (strcmp(msgid, "Vet") == 0)
		return "<b>bold</b> & \"quoted\"";
	return NULL;
}

static void test_tr_callback_and_escape(void **state)
{
	(void)state;
	int calls = 0;
	char *got =
	    render_full("<h1>{{_ Melding doen }}</h1><p title=\"{{_ Vet}}\">{{_ Onbekend}}</p>",
	                "{}", NULL, 0, tr_upper_en, &calls);
	assert_string_equal(got, "<h1>Make a report</h1><p title=\"&lt;b&gt;bold&lt;/b&gt; &amp; "
	                         "&quot;quoted&quot;\">Onbekend</p>");
	assert_int_equal(calls, 3);
	free(got);
}

static void test_tr_null_is_identity_and_escaped(void **state)
{
	(void)state;
	char *got =
	    render_full("{{_ Tekst & <meer>\n\t  over regels }}", "{}", NULL, 0, NULL, NULL);
	assert_string_equal(got, "Tekst &amp; &lt;meer&gt; over regels");
	free(got);
}

static const char *tr_identity(void *ctx, const char *msgid)
{
	(void)ctx;
	return msgid;
}

static void test_tr_identity_pointer_still_escaped(void **state)
{
	(void)state;
	/* Dutch: the callback returns the msgid itself, and the renderer uses
	 * the copy it escaped at compile time. */
	char *got = render_full("<p title=\"{{_ A & \"B\"}}\">{{_ <C> }}</p>", "{}", NULL, 0,
	                        tr_identity, NULL);
	assert_string_equal(got, "<p title=\"A &amp; &quot;B&quot;\">&lt;C&gt;</p>");
	free(got);
}

struct seen {
	char text[512];
};

static void collect(void *ctx, const char *file, unsigned line, const char *msgid)
{
	struct seen *s = ctx;
	size_t n = strlen(s->text);
	snprintf(s->text + n, sizeof s->text - n, "%s:%u:%s|", file, line, msgid);
}

static void test_each_msgid(void **state)
{
	(void)state;
	const char *names[] = {"b", "a"};
	const char *srcs[] = {"{{_ Twee}}\n{{! {{_ niet }}\n<p>{{_ Drie\n  regels}}</p>",
	                      "{{_ Een }}"};
	struct tmpl_set *set = compile_n(names, srcs, 2);
	struct seen s = {{0}};
	tmpl_set_each_msgid(set, collect, &s);
	/* Files in name order; comments hide {{_ }}. The " }}" after the
	 * comment is plain text. */
	assert_string_equal(s.text, "a.html:1:Een|b.html:1:Twee|b.html:3:Drie regels|");
	tmpl_set_free(set);
	tmpl_set_each_msgid(NULL, collect, &s);
}

static void test_tr_empty_is_error(void **state)
{
	(void)state;
	assert_compile_error("{{_   }}", "empty translatable text");
}

/* ---- compile errors ------------------------------------------------------ */

static void test_err_unquoted_attribute(void **state)
{
	(void)state;
	char *msg = compile_error("<div>\n<a class={{c}}>");
	assert_string_equal(msg,
	                    "t.html:2: {{..}} in an unquoted attribute value; quote the value");
	free(msg);
	assert_compile_error("<a class=x{{c}}>", "unquoted");
}

static void test_err_attribute_name(void **state)
{
	(void)state;
	assert_compile_error("<a {{attr}}>", "attribute name");
	assert_compile_error("<a data-{{x}}=\"1\">", "attribute name");
	assert_compile_error("<a href=\"/\"{{x}}>", "attribute name");
}

static void test_err_tag_name(void **state)
{
	(void)state;
	assert_compile_error("<{{t}}>", "tag name");
	assert_compile_error("<h{{n}}>", "tag name");
	assert_compile_error("</{{t}}>", "tag name");
}

static void test_err_in_script(void **state)
{
	(void)state;
	assert_compile_error("<p>x</p>\n<script>\nvar a = \"{{a}}\";\n</script>", "t.html:3: ");
	assert_compile_error("<SCRIPT type=\"module\">{{_ tekst}}</SCRIPT>", "<script>");
	assert_compile_error("<script>{{! ook geen commentaar }}</script>", "<script>");
	assert_compile_error("<script>{{#a}}{{/a}}</script>", "<script>");
	/* After </script> text is text again. */
	assert_render("<script>var a = 1;</script ><p>{{x}}</p>", "{\"x\":\"<\"}",
	              "<script>var a = 1;</script ><p>&lt;</p>");
	/* "</scriptx" does not end the element. */
	assert_compile_error("<script>a = '</scriptx>'; {{x}}</script>", "<script>");
}

static void test_err_in_style(void **state)
{
	(void)state;
	assert_compile_error("<style>p { color: {{c}}; }</style>", "<style>");
	assert_compile_error("<p style=\"color: {{c}}\">", "not allowed in this attribute");
}

static void test_err_event_handler(void **state)
{
	(void)state;
	assert_compile_error("<button onclick=\"go('{{x}}')\">", "not allowed in this attribute");
	assert_compile_error("<img ONERROR='{{x}}'>", "not allowed in this attribute");
	assert_compile_error("<a onmouseover=\"{{#a}}x{{/a}}\">", "not allowed in this attribute");
}

static void test_err_other_dangerous_attributes(void **state)
{
	(void)state;
	assert_compile_error("<iframe srcdoc=\"{{x}}\"></iframe>", "not allowed");
	assert_compile_error("<img srcset=\"{{x}} 2x\">", "not allowed");
	assert_compile_error("<script src=\"{{x}}\"></script>", "not allowed");
}

static void test_err_html_comment(void **state)
{
	(void)state;
	assert_compile_error("<!-- {{x}} -->", "HTML comment");
	/* The comment ends at -->, text after it is fine. */
	assert_render("<!-- a -- b --><p>{{x}}</p>", "{\"x\":1}", "<!-- a -- b --><p>1</p>");
}

static void test_err_unclosed_section(void **state)
{
	(void)state;
	char *msg = compile_error("<ul>\n{{#items}}\n<li>{{.}}</li>\n</ul>");
	assert_string_equal(msg, "t.html:2: section 'items' is never closed");
	free(msg);
}

static void test_err_mismatched_close(void **state)
{
	(void)state;
	char *msg = compile_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}");
	assert_string_equal(msg, "t.html:3: {{/a}} does not match {{#b}} of line 2");
	free(msg);
	assert_compile_error("x\n{{/a}}", "t.html:2: {{/a}} closes no open section");
}

static void test_err_section_changes_context(void **state)
{
	(void)state;
	assert_compile_error("{{#a}}<b title=\"{{/a}}\">", "another HTML context");
	assert_compile_error("<a title=\"{{#a}}\" href=\"{{/a}}\">", "another HTML context");
	assert_compile_error("{{#a}}<script>{{/a}}</script>", "<script>");
	assert_compile_error("<a {{#a}}><b {{/a}}>", "another HTML context");
}

static void test_err_section_around_attribute_needs_space(void **state)
{
	(void)state;
	assert_compile_error("<input {{#a}}checked{{/a}}x>", "followed by a space");
	assert_compile_error("<input {{#a}}x{{/a}}{{#b}}y{{/b}}>", "followed by a space");
	/* '=' after such a section would give the previous attribute a value. */
	assert_compile_error("<a href {{#a}}{{/a}}=\"{{u}}\">", "'='");
	assert_compile_error("<a href {{#a}} title{{/a}}=\"{{u}}\">", "followed by a space");
}

static void test_err_syntax(void **state)
{
	(void)state;
	assert_compile_error("<p>{{x</p>", "unclosed {{");
	assert_compile_error("{{{frag}}", "unclosed {{{");
	assert_compile_error("{{&x}}", "not supported");
	assert_compile_error("{{=<% %>=}}", "delimiter");
	assert_compile_error("{{a..b}}", "invalid name");
	assert_compile_error("{{a b}}", "invalid name");
	assert_compile_error("{{}}", "invalid name");
	assert_compile_error("{{#a b}}{{/a b}}", "invalid section name");
	assert_compile_error("{{> ../etc}}", "invalid partial name");
	assert_compile_error("{{{a b}}}", "invalid fragment name");
}

static void test_err_raw_and_partial_only_in_text(void **state)
{
	(void)state;
	assert_compile_error("<a title=\"{{{f}}}\">", "only allowed in text");
	assert_compile_error("<div {{> p}}>", "only allowed in text");
}

static void test_err_unclosed_markup(void **state)
{
	(void)state;
	char *msg = compile_error("<p>\n<a href=\"x\"\n");
	assert_string_equal(msg,
	                    "t.html:2: markup begun here is never closed (missing '>' or '-->')");
	free(msg);
	assert_compile_error("<style>\np {}\n", "<style> element is never closed");
	assert_compile_error("<!-- no end", "never closed");
}

static void test_err_invalid_utf8_template(void **state)
{
	(void)state;
	assert_compile_error("<p>\xC0\xAF</p>", "UTF-8");
}

static void test_err_section_depth(void **state)
{
	(void)state;
	struct buf src = BUF_INIT;
	for (unsigned i = 0; i <= TMPL_MAX_DEPTH; i++)
		assert_int_equal(buf_puts(&src, "{{#a}}"), 0);
	assert_compile_error(buf_str(&src), "nested deeper");
	buf_free(&src);
}

static void test_err_names_and_duplicates(void **state)
{
	(void)state;
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	const char *bad_names[] = {"../x"};
	const char *srcs[] = {"a", "b"};
	assert_int_equal(tmpl_set_from_strings(bad_names, srcs, 1, &set, &err), TMPL_INVALID);
	assert_non_null(strstr(buf_str(&err), "template name"));
	const char *dup[] = {"x", "x"};
	assert_int_equal(tmpl_set_from_strings(dup, srcs, 2, &set, &err), TMPL_INVALID);
	assert_non_null(strstr(buf_str(&err), "duplicate"));
	assert_null(set);
	/* err may be NULL. */
	assert_int_equal(tmpl_set_from_strings(dup, srcs, 2, &set, NULL), TMPL_INVALID);
	buf_free(&err);
}

static void test_err_too_large(void **state)
{
	(void)state;
	char *big = malloc(TMPL_MAX_FILE_BYTES + 2);
	assert_non_null(big);
	memset(big, 'x', TMPL_MAX_FILE_BYTES + 1);
	big[TMPL_MAX_FILE_BYTES + 1] = '\0';
	assert_compile_error(big, "larger than");
	free(big);
}

/* ---- sets, loading, rendering API --------------------------------------- */

static void test_render_not_found_and_append(void **state)
{
	(void)state;
	struct tmpl_set *set = compile1("b");
	struct buf out = BUF_INIT;
	assert_int_equal(buf_puts(&out, "a"), 0);
	assert_int_equal(tmpl_render(set, "nope", NULL, NULL, 0, NULL, NULL, &out), TMPL_NOT_FOUND);
	assert_int_equal(tmpl_render(set, "t", NULL, NULL, 0, NULL, NULL, &out), 0);
	assert_int_equal(tmpl_render(set, "t", NULL, NULL, 0, NULL, NULL, &out), 0);
	assert_string_equal(buf_str(&out), "abb");
	buf_free(&out);
	tmpl_set_free(set);
	tmpl_set_free(NULL);
	assert_false(tmpl_exists(NULL, "t"));
}

static void test_load_dir(void **state)
{
	(void)state;
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	int rc = tmpl_set_load("tests/data/tmpl/good", &set, &err);
	if (rc)
		fail_msg("load: %d %s", rc, buf_str(&err));
	assert_true(tmpl_exists(set, "page"));
	assert_true(tmpl_exists(set, "header"));
	assert_false(tmpl_exists(set, "notes"));
	json_t *data = parse("{\"lang\":\"nl\",\"title\":\"<Titel>\",\"home\":\"javascript:x\"}");
	struct buf out = BUF_INIT;
	assert_int_equal(tmpl_render(set, "page", data, NULL, 0, NULL, NULL, &out), 0);
	assert_non_null(strstr(buf_str(&out), "<h1>&lt;Titel&gt;</h1>"));
	assert_non_null(strstr(buf_str(&out), "<a href=\"#\">Naar de startpagina</a>"));
	assert_non_null(strstr(buf_str(&out), "<p>Heeft u iets gezien dat niet klopt?</p>"));
	struct seen s = {{0}};
	tmpl_set_each_msgid(set, collect, &s);
	assert_string_equal(
	    s.text, "tests/data/tmpl/good/header.html:1:Naar de startpagina|"
	            "tests/data/tmpl/good/page.html:3:Signaal mensenhandel|"
	            "tests/data/tmpl/good/page.html:8:Heeft u iets gezien dat niet klopt?|");
	json_decref(data);
	buf_free(&out);
	buf_free(&err);
	tmpl_set_free(set);
}

static void test_load_dir_error_names_file_and_line(void **state)
{
	(void)state;
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(tmpl_set_load("tests/data/tmpl/bad", &set, &err), TMPL_INVALID);
	assert_null(set);
	assert_string_equal(buf_str(&err), "tests/data/tmpl/bad/unquoted.html:3: {{..}} in an "
	                                   "unquoted attribute value; quote the value");
	buf_free(&err);
}

static void test_load_missing_dir(void **state)
{
	(void)state;
	struct tmpl_set *set = NULL;
	struct buf err = BUF_INIT;
	assert_int_equal(tmpl_set_load("tests/data/tmpl/no-such-dir", &set, &err), -ENOENT);
	assert_null(set);
	assert_non_null(strstr(buf_str(&err), "no-such-dir"));
	buf_free(&err);
}

struct thread_arg {
	const struct tmpl_set *set;
	const json_t *data;
	const char *want;
	int failures;
};

static void *render_thread(void *p)
{
	struct thread_arg *a = p;
	struct buf out = BUF_INIT;
	for (int i = 0; i < 2000; i++) {
		buf_reset(&out);
		if (tmpl_render(a->set, "t", a->data, NULL, 0, NULL, NULL, &out) != 0 ||
		    strcmp(buf_str(&out), a->want) != 0)
			a->failures++;
	}
	buf_free(&out);
	return NULL;
}

static void test_concurrent_render(void **state)
{
	(void)state;
	struct tmpl_set *set = compile1("{{#xs}}<a href=\"{{u}}\">{{n}}</a>{{/xs}}");
	json_t *data = parse("{\"xs\":[{\"u\":\"/a\",\"n\":1},{\"u\":\"javascript:x\",\"n\":2}]}");
	struct thread_arg args[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		args[i] =
		    (struct thread_arg){set, data, "<a href=\"/a\">1</a><a href=\"#\">2</a>", 0};
		assert_int_equal(pthread_create(&th[i], NULL, render_thread, &args[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	json_decref(data);
	tmpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escape_specials),
	    cmocka_unit_test(test_escape_script),
	    cmocka_unit_test(test_escape_plain_and_utf8_unchanged),
	    cmocka_unit_test(test_escape_nul_dropped),
	    cmocka_unit_test(test_escape_overlong),
	    cmocka_unit_test(test_escape_surrogate),
	    cmocka_unit_test(test_escape_truncated),
	    cmocka_unit_test(test_escape_invalid_bytes),
	    cmocka_unit_test(test_escape_empty),
	    cmocka_unit_test(test_url_allowed),
	    cmocka_unit_test(test_escape_url),
	    cmocka_unit_test(test_var_escaped),
	    cmocka_unit_test(test_var_attr_breakout),
	    cmocka_unit_test(test_var_nul_in_json_string),
	    cmocka_unit_test(test_var_types),
	    cmocka_unit_test(test_var_dotted),
	    cmocka_unit_test(test_var_null_data),
	    cmocka_unit_test(test_context_fallback),
	    cmocka_unit_test(test_dotted_first_component_only_falls_back),
	    cmocka_unit_test(test_dot_current_item),
	    cmocka_unit_test(test_underscore_name_is_variable),
	    cmocka_unit_test(test_section_array),
	    cmocka_unit_test(test_section_bool),
	    cmocka_unit_test(test_section_object_is_context),
	    cmocka_unit_test(test_section_string_and_number),
	    cmocka_unit_test(test_section_nested),
	    cmocka_unit_test(test_inverted),
	    cmocka_unit_test(test_section_in_attribute_value),
	    cmocka_unit_test(test_section_around_attribute),
	    cmocka_unit_test(test_comment_renders_nothing),
	    cmocka_unit_test(test_partial),
	    cmocka_unit_test(test_partial_unknown_at_load),
	    cmocka_unit_test(test_partial_recursion_depth_limit),
	    cmocka_unit_test(test_partial_recursive_tree),
	    cmocka_unit_test(test_data_nesting_depth_limit),
	    cmocka_unit_test(test_raw_fragment),
	    cmocka_unit_test(test_raw_never_reads_data),
	    cmocka_unit_test(test_raw_missing_restores_output),
	    cmocka_unit_test(test_url_javascript),
	    cmocka_unit_test(test_url_data_and_others),
	    cmocka_unit_test(test_url_allowed_schemes),
	    cmocka_unit_test(test_url_relative),
	    cmocka_unit_test(test_url_split_over_values),
	    cmocka_unit_test(test_url_static_prefix),
	    cmocka_unit_test(test_url_only_url_attributes),
	    cmocka_unit_test(test_url_translation_checked),
	    cmocka_unit_test(test_tr_callback_and_escape),
	    cmocka_unit_test(test_tr_null_is_identity_and_escaped),
	    cmocka_unit_test(test_tr_identity_pointer_still_escaped),
	    cmocka_unit_test(test_each_msgid),
	    cmocka_unit_test(test_tr_empty_is_error),
	    cmocka_unit_test(test_err_unquoted_attribute),
	    cmocka_unit_test(test_err_attribute_name),
	    cmocka_unit_test(test_err_tag_name),
	    cmocka_unit_test(test_err_in_script),
	    cmocka_unit_test(test_err_in_style),
	    cmocka_unit_test(test_err_event_handler),
	    cmocka_unit_test(test_err_other_dangerous_attributes),
	    cmocka_unit_test(test_err_html_comment),
	    cmocka_unit_test(test_err_unclosed_section),
	    cmocka_unit_test(test_err_mismatched_close),
	    cmocka_unit_test(test_err_section_changes_context),
	    cmocka_unit_test(test_err_section_around_attribute_needs_space),
	    cmocka_unit_test(test_err_syntax),
	    cmocka_unit_test(test_err_raw_and_partial_only_in_text),
	    cmocka_unit_test(test_err_unclosed_markup),
	    cmocka_unit_test(test_err_invalid_utf8_template),
	    cmocka_unit_test(test_err_section_depth),
	    cmocka_unit_test(test_err_names_and_duplicates),
	    cmocka_unit_test(test_err_too_large),
	    cmocka_unit_test(test_render_not_found_and_append),
	    cmocka_unit_test(test_load_dir),
	    cmocka_unit_test(test_load_dir_error_names_file_and_line),
	    cmocka_unit_test(test_load_missing_dir),
	    cmocka_unit_test(test_concurrent_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
