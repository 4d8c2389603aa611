/* Declarative field validation: required, text rules, choices, yes/no,
 * numbers, custom checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/validate.h"

static const char *const colours[] = {"red", "blue", NULL};

static bool is_even_len(void *ctx, const char *v)
{
	(void)ctx;
	return strlen(v) % 2 == 0;
}

static const struct field_spec specs[] = {
    {.name = "name", .type = FT_TEXT, .required = true, .maxlen = 10},
    {.name = "story", .type = FT_TEXT, .multiline = true},
    {.name = "colour", .type = FT_CHOICE, .choices = colours},
    {.name = "anon", .type = FT_YESNO, .required = true},
    {.name = "age", .type = FT_UINT, .min = 12, .max = 120},
    {.name = "even", .type = FT_CHOICE, .check = is_even_len},
};
#define NS (sizeof specs / sizeof specs[0])

struct fx {
	struct http_field f[12];
	size_t n;
};

static void add(struct fx *x, const char *name, const char *value)
{
	x->f[x->n].name = (char *)name;
	x->f[x->n].value = (char *)value;
	x->f[x->n].len = strlen(value);
	x->n++;
}

static size_t run(struct fx *x, struct field_value *v, struct field_error *e)
{
	return validate_fields(x->f, x->n, specs, NS, NULL, v, e);
}

static void all_valid(void **state)
{
	(void)state;
	struct fx x = {0};
	add(&x, "name", "Anna");
	add(&x, "story", "regel 1\nregel 2\tmet tab");
	add(&x, "colour", "blue");
	add(&x, "anon", "yes");
	add(&x, "age", "17");
	add(&x, "even", "ab");
	add(&x, "unrelated", "ignored");
	struct field_value v[NS];
	struct field_error e[NS];
	assert_int_equal(run(&x, v, e), 0);
	assert_string_equal(v[0].text, "Anna");
	assert_true(v[3].yes);
	assert_int_equal(v[4].num, 17);
	assert_true(v[5].present);
}

static void required_missing_and_empty(void **state)
{
	(void)state;
	struct fx x = {0};
	add(&x, "name", "");
	struct field_value v[NS];
	struct field_error e[NS];
	assert_int_equal(run(&x, v, e), 2);
	assert_string_equal(e[0].field, "name");
	assert_string_equal(e[0].message, "Vul dit in.");
	assert_string_equal(e[1].field, "anon");
	assert_false(v[0].present);
}

static void text_rules(void **state)
{
	(void)state;
	struct field_value v[NS];
	struct field_error e[NS];
	struct fx x = {0};
	add(&x, "name", "elf tekens!");
	add(&x, "anon", "no");
	assert_int_equal(run(&x, v, e), 1);
	assert_string_equal(e[0].message, "Deze tekst is te lang.");

	struct fx y = {0};
	add(&y, "name", "a\nb"); /* newline in a one-line field */
	add(&y, "anon", "no");
	assert_int_equal(run(&y, v, e), 1);
	assert_string_equal(e[0].message, "Deze tekst bevat tekens die niet kunnen.");

	struct fx z = {0};
	add(&z, "name", "ok");
	add(&z, "story", "bad \xC0\xAF utf8"); /* overlong '/' */
	add(&z, "anon", "no");
	assert_int_equal(run(&z, v, e), 1);
	assert_string_equal(e[0].field, "story");
}

/* Issue 6: text that reverses or hides a part, stands for lost bytes, or
 * holds a lone CR is refused in every text field; CR LF is a line break. */
static void text_hidden_and_damaged(void **state)
{
	(void)state;
	struct field_value v[NS];
	struct field_error e[NS];
	static const char *const bad[] = {
	    "a\xE2\x80\xAEz", "a\xE2\x81\xA7z", "a\xEF\xBB\xBFz",
	    "a\xEF\xBF\xBDz", "a\xFFz",         "a\rb",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct fx x = {0};
		add(&x, "name", "ok");
		add(&x, "story", bad[i]);
		add(&x, "anon", "no");
		assert_int_equal(run(&x, v, e), 1);
		assert_string_equal(e[0].field, "story");
		assert_false(v[1].present);
	}
	struct fx y = {0};
	add(&y, "name", "o\xE2\x80\xAEk");
	add(&y, "story", "regel 1\r\nregel 2");
	add(&y, "anon", "no");
	assert_int_equal(run(&y, v, e), 1);
	assert_string_equal(e[0].field, "name");
	assert_true(v[1].present);
}

static void choices_yesno_numbers(void **state)
{
	(void)state;
	struct field_value v[NS];
	struct field_error e[NS];
	struct fx x = {0};
	add(&x, "name", "ok");
	add(&x, "colour", "green");
	add(&x, "anon", "ja");
	add(&x, "age", "11");
	add(&x, "even", "abc");
	assert_int_equal(run(&x, v, e), 4);
	assert_string_equal(e[0].field, "colour");
	assert_string_equal(e[1].field, "anon");
	assert_string_equal(e[2].field, "age");
	assert_string_equal(e[3].field, "even");

	struct fx y = {0};
	add(&y, "name", "ok");
	add(&y, "anon", "no");
	add(&y, "age", "1e3");
	assert_int_equal(run(&y, v, e), 1);
	struct fx z = {0};
	add(&z, "name", "ok");
	add(&z, "anon", "no");
	add(&z, "age", "99999999999999999999999");
	assert_int_equal(run(&z, v, e), 1);
}

/* Issue 7: a field's own messages; text whose rules are the domain's is
 * only read (sent even when empty, never "missing" here); what was sent
 * is kept to show back, also when invalid. */
static void own_messages_and_domain_text(void **state)
{
	(void)state;
	static const struct field_spec own[] = {
	    {.name = "receipt",
	     .type = FT_TEXT,
	     .required = true,
	     .missing = "Vul je bonnetje in.",
	     .invalid = "Onleesbaar."},
	    {.name = "anon",
	     .type = FT_YESNO,
	     .required = true,
	     .missing = "Kies.",
	     .invalid = "Kies."},
	    {.name = "message", .type = FT_DOMAIN_TEXT, .required = true, .multiline = true},
	};
	struct field_value v[3];
	struct field_error e[3];
	struct fx x = {0};
	add(&x, "receipt", "");
	add(&x, "message", "");
	assert_int_equal(validate_fields(x.f, x.n, own, 3, NULL, v, e), 2);
	assert_string_equal(e[0].message, "Vul je bonnetje in.");
	assert_string_equal(e[1].message, "Kies.");
	assert_true(v[2].sent);
	assert_false(v[2].present);
	assert_int_equal(v[2].len, 0);

	struct fx y = {0};
	add(&y, "receipt", "7KQ4\x01");
	add(&y, "anon", "misschien");
	add(&y, "message", "a\x01 \xE2\x80\xAE b"); /* the domain's to judge */
	assert_int_equal(validate_fields(y.f, y.n, own, 3, NULL, v, e), 2);
	assert_string_equal(e[0].message, "Onleesbaar.");
	assert_string_equal(e[1].message, "Kies.");
	assert_true(v[0].sent);
	assert_false(v[0].present);
	assert_string_equal(v[0].text, "7KQ4\x01");
	assert_true(v[2].present);
	assert_int_equal(v[2].len, strlen("a\x01 \xE2\x80\xAE b"));

	struct fx z = {0};
	add(&z, "receipt", "7KQ4");
	add(&z, "anon", "yes");
	assert_int_equal(validate_fields(z.f, z.n, own, 3, NULL, v, e), 0);
	assert_false(v[2].sent);
	assert_null(v[2].text);
}

/* Issue 7: a repeated choice (checkboxes): each value among the choices
 * or accepted by check(), each once, at most max; empty values are not
 * counted; own messages or the general ones. */
static bool is_code(void *ctx, const char *v)
{
	return strcmp(v, (const char *)ctx) == 0;
}

static void repeated_choices(void **state)
{
	(void)state;
	static const char *const steps[] = {"a", "b", "c", NULL};
	static const struct field_spec multi[] = {
	    {.name = "steps", .type = FT_MULTI, .choices = steps, .max = 2},
	    {.name = "sig",
	     .type = FT_MULTI,
	     .check = is_code,
	     .max = 2,
	     .invalid = "Onbekend signaal.",
	     .twice = "Dubbel signaal.",
	     .too_many = "Te veel signalen."},
	    {.name = "need", .type = FT_MULTI, .choices = steps, .required = true},
	};
	struct field_value v[3];
	struct field_error e[3];
	const char *out[4];

	/* Valid: within max, empty values skipped, read in the order sent. */
	struct fx x = {0};
	add(&x, "steps", "");
	add(&x, "steps", "c");
	add(&x, "sig", "x.y");
	add(&x, "steps", "a");
	add(&x, "need", "b");
	assert_int_equal(validate_fields(x.f, x.n, multi, 3, "x.y", v, e), 0);
	assert_true(v[0].present);
	assert_int_equal(v[0].num, 2);
	assert_string_equal(v[0].text, "c");
	assert_int_equal(validate_multi_values(x.f, x.n, &multi[0], out, 4), 2);
	assert_string_equal(out[0], "c");
	assert_string_equal(out[1], "a");
	assert_true(v[1].present);
	assert_int_equal(v[1].num, 1);

	/* Too many (also when each is known), an unknown choice, a value
	 * twice: general messages. */
	struct fx y = {0};
	add(&y, "steps", "a");
	add(&y, "steps", "b");
	add(&y, "steps", "c");
	add(&y, "need", "d");
	assert_int_equal(validate_fields(y.f, y.n, multi, 3, "x.y", v, e), 2);
	assert_string_equal(e[0].field, "steps");
	assert_string_equal(e[0].message, "Je hebt te veel keuzes gemaakt.");
	assert_false(v[0].present);
	assert_int_equal(v[0].num, 3);
	/* out holds max; the count says all. */
	assert_int_equal(validate_multi_values(y.f, y.n, &multi[0], out, 2), 3);
	assert_string_equal(out[1], "b");
	assert_string_equal(e[1].field, "need");
	assert_string_equal(e[1].message, "Deze keuze kennen we niet. Kies uit de lijst.");

	struct fx z = {0};
	add(&z, "steps", "b");
	add(&z, "need", "a");
	add(&z, "steps", "b");
	assert_int_equal(validate_fields(z.f, z.n, multi, 3, "x.y", v, e), 1);
	assert_string_equal(e[0].field, "steps");
	assert_string_equal(e[0].message, "Je hebt iets twee keer gekozen. Kies alles één keer.");
	assert_true(v[0].sent);
	assert_false(v[0].present);

	/* Own messages; an unknown value outweighs a value twice. */
	struct fx w = {0};
	add(&w, "sig", "x.y");
	add(&w, "sig", "x.y");
	add(&w, "need", "c");
	assert_int_equal(validate_fields(w.f, w.n, multi, 3, "x.y", v, e), 1);
	assert_string_equal(e[0].message, "Dubbel signaal.");
	assert_int_equal(validate_fields(w.f, w.n, multi, 3, "x.z", v, e), 1);
	assert_string_equal(e[0].message, "Onbekend signaal.");
	struct fx u = {0};
	add(&u, "need", "a");
	add(&u, "need", "a");
	add(&u, "need", "q");
	add(&u, "sig", "q.q");
	assert_int_equal(validate_fields(u.f, u.n, multi, 3, "x.y", v, e), 2);
	assert_string_equal(e[0].message, "Onbekend signaal.");
	assert_string_equal(e[1].field, "need");
	assert_string_equal(e[1].message, "Deze keuze kennen we niet. Kies uit de lijst.");
	struct fx t = {0};
	add(&t, "need", "c");
	add(&t, "need", "c");
	assert_int_equal(validate_fields(t.f, t.n, &multi[1], 2, "x.y", v, e), 1);
	assert_string_equal(e[0].field, "need");
	struct fx r = {0};
	add(&r, "sig", "x.y");
	add(&r, "need", "a");
	add(&r, "sig", "");
	assert_int_equal(validate_fields(r.f, r.n, &multi[1], 2, "x.y", v, e), 0);
	struct fx q = {0};
	add(&q, "sig", "x.y");
	add(&q, "sig", "x.y");
	add(&q, "sig", "x.y");
	assert_int_equal(validate_fields(q.f, q.n, &multi[1], 1, "x.y", v, e), 1);
	assert_string_equal(e[0].message, "Te veel signalen.");

	/* Required: only empty values are none at all. */
	struct fx s = {0};
	add(&s, "need", "");
	assert_int_equal(validate_fields(s.f, s.n, &multi[2], 1, NULL, v, e), 1);
	assert_string_equal(e[0].message, "Kies een van de mogelijkheden.");
	assert_int_equal(validate_multi_values(s.f, s.n, &multi[2], out, 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(all_valid),
	    cmocka_unit_test(required_missing_and_empty),
	    cmocka_unit_test(text_rules),
	    cmocka_unit_test(choices_yesno_numbers),
	    cmocka_unit_test(text_hidden_and_damaged),
	    cmocka_unit_test(own_messages_and_domain_text),
	    cmocka_unit_test(repeated_choices),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
