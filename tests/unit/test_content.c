/* Unit tests of the content loader: the shipped tree loads and resolves, and
 * every rule of the validator names the right file, key and problem.
 *
 * Broken trees are generated: each case copies content/ to a temporary
 * directory and breaks one thing, so the cases never drift from the real
 * files. (tests/data/content-broken/README.md says the same for readers.) */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "content/content.h"
#include "limits.h"

/* --- Temporary copies of content/ ------------------------------------ */

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char chunk[8192];
	size_t n;
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(chunk, 1, sizeof(chunk), in)) > 0)
		assert_int_equal(fwrite(chunk, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char a[1024], b[1024];
		struct stat st;
		if (e->d_name[0] == '.')
			continue;
		snprintf(a, sizeof(a), "%s/%s", from, e->d_name);
		snprintf(b, sizeof(b), "%s/%s", to, e->d_name);
		assert_int_equal(stat(a, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			assert_int_equal(mkdir(b, 0700), 0);
			copy_tree(a, b);
		} else if (S_ISREG(st.st_mode)) {
			copy_file(a, b);
		}
	}
	closedir(d);
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		char p[1024];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		remove_tree(p);
	}
	closedir(d);
	rmdir(path);
}

static char *make_copy(void)
{
	char *dir = strdup("/tmp/signaal-content-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	copy_tree("content", dir);
	return dir;
}

/* --- Breaking one thing ---------------------------------------------- */

enum op {
	SET,
	DEL,
	APPEND,
	TRUNC,
	RAW,
	RM,
	MKDIR,
	BIG
};

struct bcase {
	const char *file; /* relative to the content dir */
	enum op op;
	const char *path;  /* key path as in the messages, "" for the root */
	const char *value; /* JSON for SET and APPEND; bytes for RAW; count for TRUNC */
	const char *want;  /* the exact message; '@' stands for the temporary dir */
};

/* The value at a key path like "forms[2].signals[0]". */
static json_t *walk(json_t *x, const char *path)
{
	char name[128];
	const char *p = path;
	while (x && *p) {
		size_t n = strcspn(p, ".[");
		if (n) {
			assert_true(n < sizeof(name));
			memcpy(name, p, n);
			name[n] = '\0';
			x = json_object_get(x, name);
			p += n;
		}
		while (x && *p == '[') {
			char *end;
			unsigned long i = strtoul(p + 1, &end, 10);
			x = json_array_get(x, i);
			p = end + 1;
		}
		if (*p == '.')
			p++;
	}
	return x;
}

static void mutate(json_t *root, const struct bcase *bc)
{
	char parent[256];
	const char *path = bc->path;
	size_t len = strlen(path);

	if (bc->op == APPEND || bc->op == TRUNC) {
		json_t *arr = walk(root, path);
		assert_non_null(arr);
		if (bc->op == APPEND) {
			json_t *v = json_loads(bc->value, JSON_DECODE_ANY, NULL);
			assert_non_null(v);
			assert_int_equal(json_array_append_new(arr, v), 0);
		} else {
			size_t keep = (size_t)atoi(bc->value);
			while (json_array_size(arr) > keep)
				json_array_remove(arr, json_array_size(arr) - 1);
		}
		return;
	}
	if (path[len - 1] == ']') {
		const char *open = strrchr(path, '[');
		snprintf(parent, sizeof(parent), "%.*s", (int)(open - path), path);
		json_t *arr = walk(root, parent);
		size_t i = (size_t)atoi(open + 1);
		assert_non_null(arr);
		if (bc->op == DEL) {
			assert_int_equal(json_array_remove(arr, i), 0);
		} else {
			json_t *v = json_loads(bc->value, JSON_DECODE_ANY, NULL);
			assert_non_null(v);
			assert_int_equal(json_array_set_new(arr, i, v), 0);
		}
		return;
	}
	const char *dot = strrchr(path, '.');
	const char *key = dot ? dot + 1 : path;
	snprintf(parent, sizeof(parent), "%.*s", dot ? (int)(dot - path) : 0, path);
	json_t *obj = walk(root, parent);
	assert_non_null(obj);
	if (bc->op == DEL) {
		assert_int_equal(json_object_del(obj, key), 0);
	} else {
		json_t *v = json_loads(bc->value, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		assert_int_equal(json_object_set_new(obj, key, v), 0);
	}
}

static void break_tree(const char *dir, const struct bcase *bc)
{
	char file[1024];
	snprintf(file, sizeof(file), "%s/%s", dir, bc->file);
	switch (bc->op) {
	case RAW: {
		FILE *f = fopen(file, "wb");
		assert_non_null(f);
		fputs(bc->value, f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	case RM:
		assert_int_equal(unlink(file), 0);
		return;
	case MKDIR:
		assert_int_equal(unlink(file), 0);
		assert_int_equal(mkdir(file, 0700), 0);
		return;
	case BIG: {
		/* Valid JSON, just too large: whitespace after the object. */
		FILE *f = fopen(file, "ab");
		assert_non_null(f);
		for (unsigned i = 0; i <= CONTENT_MAX_FILE_BYTES / 64; i++)
			fputs("                                                               \n",
			      f);
		assert_int_equal(fclose(f), 0);
		return;
	}
	default:
		break;
	}
	json_error_t je;
	json_t *root = json_load_file(file, 0, &je);
	assert_non_null(root);
	mutate(root, bc);
	assert_int_equal(json_dump_file(root, file, JSON_INDENT(1)), 0);
	json_decref(root);
}

static char *expand(const char *want, const char *dir)
{
	struct buf b = BUF_INIT;
	for (const char *p = want; *p; p++)
		assert_int_equal(*p == '@' ? buf_puts(&b, dir) : buf_putc(&b, *p), 0);
	return buf_steal(&b);
}

static void run_case(void **state)
{
	const struct bcase *bc = *state;
	char *dir = make_copy(), *want = expand(bc->want, dir);
	struct buf err = BUF_INIT;
	struct content *c = (struct content *)1;

	break_tree(dir, bc);
	int rc = content_load(dir, &c, &err);
	if (strcmp(buf_str(&err), want) != 0)
		print_error("want: %s\ngot:  %s\n", want, buf_str(&err));
	assert_int_equal(rc, CONTENT_INVALID);
	assert_null(c);
	assert_string_equal(buf_str(&err), want);
	buf_free(&err);
	free(want);
	remove_tree(dir);
	free(dir);
}

#define CASE(id, ...) static const struct bcase case_##id = {__VA_ARGS__};
#define BROKEN(id)                                                      \
	{                                                               \
		"broken_" #id, run_case, NULL, NULL, (void *)&case_##id \
	}

/* clang-format off */
CASE(missing_file, "en/risk_factors.json", RM, "", NULL,
     "@/en/risk_factors.json: file is missing")
CASE(not_a_file, "nl/roles.json", MKDIR, "", NULL,
     "@/nl/roles.json: not a regular file")
CASE(oversized, "nl/quiz.json", BIG, "", NULL,
     "@/nl/quiz.json: larger than 524288 bytes")
CASE(invalid_json, "nl/forms.json", RAW, "", "{\n\t\"forms\": [\n\t\t{\"code\": \"sexual\",,\n",
     "@/nl/forms.json: line 3, column 21: invalid JSON: string or '}' expected near ','")
CASE(invalid_utf8, "en/risk_factors.json", RAW, "", "{\"risk_factors\": [{\"code\": \"a\", \"text\": \"b\xff\"}]}",
     "@/en/risk_factors.json: line 1, column 42: invalid JSON: unable to decode byte 0xff near '\"b'")
CASE(duplicate_key, "nl/wegwijzer.json", RAW, "", "{\"notes\": {}, \"notes\": {}}",
     "@/nl/wegwijzer.json: line 1, column 21: invalid JSON: duplicate object key near '\"notes\"'")
CASE(not_an_object, "orgs/velsen.json", RAW, "", "[]",
     "@/orgs/velsen.json: the top level must be an object")
CASE(missing_signal_code, "nl/forms.json", DEL, "forms[2].signals[0].code", NULL,
     "@/nl/forms.json: forms[2].signals[0].code: missing")
CASE(wrong_type, "nl/forms.json", SET, "forms[0].name", "5",
     "@/nl/forms.json: forms[0].name: must be a text")
CASE(wrong_type_list, "en/roles.json", SET, "roles[2].advice", "\"Bel Veilig Thuis.\"",
     "@/en/roles.json: roles[2].advice: must be a list")
CASE(unknown_key, "nl/roles.json", SET, "roles[1].colour", "\"red\"",
     "@/nl/roles.json: roles[1].colour: unknown key")
CASE(unknown_top_key, "nl/quiz.json", SET, "title", "\"Quiz\"",
     "@/nl/quiz.json: title: unknown key")
CASE(empty_text, "nl/risk_factors.json", SET, "risk_factors[0].text", "\"  \"",
     "@/nl/risk_factors.json: risk_factors[0].text: empty text")
CASE(empty_list, "nl/forms.json", SET, "forms[3].examples", "[]",
     "@/nl/forms.json: forms[3].examples: empty list")
CASE(control_char, "en/forms.json", SET, "forms[1].summary", "\"Bad\\u0007pay\"",
     "@/en/forms.json: forms[1].summary: contains a control character")
CASE(c1_control_char, "nl/quiz.json", SET, "questions[2].explanation", "\"Zie\\u0085hier\"",
     "@/nl/quiz.json: questions[2].explanation: contains a control character")
CASE(newline_in_text, "nl/roles.json", SET, "roles[0].who", "\"Twee\\nregels\"",
     "@/nl/roles.json: roles[0].who: contains a control character")
CASE(bad_code, "nl/risk_factors.json", SET, "risk_factors[3].code", "\"Mild Disability\"",
     "@/nl/risk_factors.json: risk_factors[3].code: \"Mild Disability\" is not a valid code (1-64 of a-z, 0-9, _ and -)")
CASE(duplicate_signal, "nl/forms.json", SET, "signal_groups[1].signals[2].code", "\"youth.school_dropout\"",
     "@/nl/forms.json: signal_groups[1].signals[2].code: duplicate code \"youth.school_dropout\" (also at signal_groups[1].signals[0].code)")
CASE(duplicate_form, "en/forms.json", SET, "forms[1].code", "\"sexual\"",
     "@/en/forms.json: forms[1].code: duplicate code \"sexual\" (also at forms[0].code)")
CASE(signal_unknown_form, "nl/forms.json", SET, "forms[1].signals[0].code", "\"labor.low_pay\"",
     "@/nl/forms.json: forms[1].signals[0].code: \"labor.low_pay\" must start with \"labour.\"")
CASE(not_a_contract_form, "nl/forms.json", SET, "forms[3].code", "\"organ_trade\"",
     "@/nl/forms.json: forms[3].code: \"organ_trade\" is not a form of the contract (sexual, labour, criminal, organ_removal)")
CASE(form_missing, "nl/forms.json", DEL, "forms[3]", NULL,
     "@/nl/forms.json: forms: form \"organ_removal\" is missing")
CASE(role_missing, "en/roles.json", DEL, "roles[5]", NULL,
     "@/en/roles.json: roles: role \"employee\" is missing")
CASE(anonymous_note_missing, "nl/roles.json", DEL, "roles[4].anonymous_note", NULL,
     "@/nl/roles.json: roles[4].anonymous_note: missing (needed when anonymous is false)")
CASE(anonymous_false_needs_note, "en/roles.json", SET, "roles[0].anonymous", "false",
     "@/en/roles.json: roles[0].anonymous_note: missing (needed when anonymous is false)")
CASE(quiz_answer_not_option, "en/quiz.json", SET, "questions[3].answer", "\"d\"",
     "@/en/quiz.json: questions[3]: answer \"d\" is not one of the options")
CASE(quiz_too_few, "nl/quiz.json", TRUNC, "questions", "14",
     "@/nl/quiz.json: questions: 14 questions; the quiz needs at least 15")
CASE(quiz_one_option, "nl/quiz.json", TRUNC, "questions[4].options", "1",
     "@/nl/quiz.json: questions[4].options: needs at least 2 entries")
CASE(quiz_five_options, "nl/quiz.json", SET, "questions[0].options", "[{}, {}, {}, {}, {}]",
     "@/nl/quiz.json: questions[0].options: has more than 4 entries")
CASE(en_missing_signal, "en/forms.json", DEL, "forms[1].signals[6]", NULL,
     "@/en/forms.json: forms[1].signals: signal \"labour.unknown_address\" is missing (@/nl/forms.json has it at forms[1].signals[6])")
CASE(en_extra_code, "en/risk_factors.json", APPEND, "risk_factors", "{\"code\": \"gambling\", \"text\": \"Gambling.\"}",
     "@/en/risk_factors.json: risk_factors[15]: risk factor \"gambling\" is not in @/nl/risk_factors.json")
CASE(en_other_answer, "en/quiz.json", SET, "questions[0].answer", "\"b\"",
     "@/en/quiz.json: questions[0]: answer \"b\" of q01 is not in @/nl/quiz.json")
CASE(en_missing_question, "en/quiz.json", DEL, "questions[17]", NULL,
     "@/en/quiz.json: questions: question \"q18\" is missing (@/nl/quiz.json has it at questions[17])")
CASE(wegwijzer_missing_form, "en/wegwijzer.json", DEL, "why_form.criminal", NULL,
     "@/en/wegwijzer.json: why_form.criminal: missing")
CASE(rules_unknown_form, "rules.json", SET, "rules[0].form", "\"sex\"",
     "@/rules.json: rules[0].form: unknown form \"sex\"")
CASE(rules_unknown_signal, "rules.json", SET, "rules[1].signals[0]", "\"labour.no_pay\"",
     "@/rules.json: rules[1].signals[0]: unknown signal \"labour.no_pay\"")
CASE(rules_form_missing, "rules.json", DEL, "rules[3]", NULL,
     "@/rules.json: rules: no rule for form \"organ_removal\"")
CASE(region_missing_en, "regions/utrecht.json", DEL, "channels[1].purpose.en", NULL,
     "@/regions/utrecht.json: channels[1].purpose.en: missing")
CASE(region_text_not_i18n, "regions/kennemerland.json", SET, "name", "\"Kennemerland\"",
     "@/regions/kennemerland.json: name: must be an object")
CASE(region_id_mismatch, "regions/groningen.json", SET, "id", "\"grunn\"",
     "@/regions/groningen.json: id: \"grunn\" differs from the file name (\"groningen\")")
CASE(national_missing, "regions/nl.json", RM, "", NULL,
     "@/regions/nl.json: file is missing (it holds the national channels)")
CASE(phone_display, "regions/nl.json", SET, "channels[4].phones[0].display", "\"033-448 1186\"",
     "@/regions/nl.json: channels[4].phones[0].display: \"033-448 1186\" must be digits in groups, like \"020 626 3800\"")
CASE(phone_not_dutch, "regions/nl.json", SET, "channels[4].phones[0].display", "\"0033 448 1186\"",
     "@/regions/nl.json: channels[4].phones[0].display: \"0033 448 1186\" is not a Dutch phone number (10 digits from 0, a 0800 or 090x number, or a short number like 112)")
CASE(phone_tel, "regions/kennemerland.json", SET, "channels[1].phones[0].tel", "\"tel:0206263800\"",
     "@/regions/kennemerland.json: channels[1].phones[0].tel: \"tel:0206263800\" must be \"tel:+31206263800\" for \"020 626 3800\"")
CASE(phone_service_tel, "regions/nl.json", SET, "channels[1].phones[0].tel", "\"tel:+319008844\"",
     "@/regions/nl.json: channels[1].phones[0].tel: \"tel:+319008844\" must be \"tel:09008844\" for \"0900 8844\"")
CASE(web_http, "regions/nl.json", SET, "channels[5].web", "\"http://www.fier.nl\"",
     "@/regions/nl.json: channels[5].web: \"http://www.fier.nl\" must start with https://")
CASE(web_garbage, "regions/utrecht.json", SET, "channels[1].web", "\"https://www.moviera.nl/<script>\"",
     "@/regions/utrecht.json: channels[1].web: \"https://www.moviera.nl/<script>\" is not a valid web address")
CASE(email_bad, "regions/utrecht.json", SET, "channels[1].email", "\"teamzm at moviera.nl\"",
     "@/regions/utrecht.json: channels[1].email: \"teamzm at moviera.nl\" is not a valid email address")
CASE(channel_unknown_role, "regions/groningen.json", SET, "channels[0].roles.burgemeester", "1",
     "@/regions/groningen.json: channels[0].roles: unknown role \"burgemeester\"")
CASE(channel_bad_rank, "regions/groningen.json", SET, "channels[0].roles.employee", "0",
     "@/regions/groningen.json: channels[0].roles.employee: must be a whole number from 1 to 99")
CASE(channel_unknown_form, "regions/nl.json", SET, "channels[2].forms", "[\"labor\"]",
     "@/regions/nl.json: channels[2].forms[0]: unknown form \"labor\"")
CASE(channel_anonymous_value, "regions/nl.json", SET, "channels[3].anonymous", "\"maybe\"",
     "@/regions/nl.json: channels[3].anonymous: must be \"yes\", \"no\" or \"possible\"")
CASE(channel_duplicate_id, "regions/kennemerland.json", SET, "channels[2].id", "\"hvo-querido-acm\"",
     "@/regions/kennemerland.json: channels[2].id: duplicate code \"hvo-querido-acm\" (also at channels[1].id)")
CASE(emergency_without_phone, "regions/nl.json", DEL, "channels[0].phones", NULL,
     "@/regions/nl.json: channels[0]: an emergency channel needs a phone number")
CASE(role_without_channel, "regions/nl.json", DEL, "channels[8].roles.employee", NULL,
     "@/regions/nl.json: channels[8].roles: empty; name at least one role")
CASE(role_not_covered, "regions/nl.json", DEL, "channels[1].roles.perpetrator", NULL,
     "@/regions/nl.json: channels: no channel for role \"perpetrator\" that fits every form; the wegwijzer would have nothing to offer")
CASE(org_unknown_region, "orgs/velsen.json", SET, "region", "\"haarlem\"",
     "@/orgs/velsen.json: region: unknown region \"haarlem\"")
CASE(org_duplicate_district, "orgs/velsen.json", APPEND, "districts", "\"IJmuiden\"",
     "@/orgs/velsen.json: districts[7]: duplicate district \"IJmuiden\"")
CASE(org_missing_name, "orgs/utrecht.json", DEL, "name", NULL,
     "@/orgs/utrecht.json: name: missing")
CASE(org_theme_not_colour, "orgs/velsen.json", SET, "theme", "{\"colour_primary\": \"red\", \"colour_accent\": \"#b45f06\"}",
     "@/orgs/velsen.json: theme.colour_primary: \"red\" is not a colour #rrggbb")
CASE(org_theme_half, "orgs/velsen.json", SET, "theme", "{\"colour_primary\": \"#0b5394\"}",
     "@/orgs/velsen.json: theme.colour_accent: missing")
CASE(channel_form_typo, "regions/nl.json", SET, "channels[7].forms", "[\"sexual\", \"unkown\"]",
     "@/regions/nl.json: channels[7].forms[1]: unknown form \"unkown\"")
CASE(region_inherits_unknown, "regions/groningen.json", SET, "inherits", "\"noord-holland\"",
     "@/regions/groningen.json: inherits: unknown region \"noord-holland\"")
CASE(region_inherits_circle, "regions/noord-nederland.json", SET, "inherits", "\"groningen\"",
     "@/regions/noord-nederland.json: inherits: \"groningen\" leads back here in a circle; the chain must end at nl")
CASE(region_inherits_self, "regions/utrecht.json", SET, "inherits", "\"utrecht\"",
     "@/regions/utrecht.json: inherits: \"utrecht\" is the region itself")
CASE(national_inherits, "regions/nl.json", SET, "inherits", "\"utrecht\"",
     "@/regions/nl.json: inherits: the national channels inherit from nothing")
CASE(channel_minor_rank, "regions/nl.json", SET, "channels[6].roles_minor.victim", "0",
     "@/regions/nl.json: channels[6].roles_minor.victim: must be a whole number from 1 to 99")
CASE(channel_minor_role, "regions/nl.json", SET, "channels[6].roles_minor.mayor", "1",
     "@/regions/nl.json: channels[6].roles_minor: unknown role \"mayor\"")
CASE(internal_with_phone, "regions/nl.json", SET, "channels[8].email", "\"af@example.nl\"",
     "@/regions/nl.json: channels[8]: an internal channel is reached through the organisation's contact; it has no phones, email or chat of its own")
CASE(channel_unreachable, "regions/noord-nederland.json", DEL, "channels[0].web", NULL,
     "@/regions/noord-nederland.json: channels[0]: no way to reach anyone: give phones, email or web (or \"internal\": true)")
CASE(org_contact_missing, "orgs/groningen.json", DEL, "contact", NULL,
     "@/orgs/groningen.json: contact: missing")
CASE(org_contact_empty, "orgs/velsen.json", DEL, "contact.phones", NULL,
     "@/orgs/velsen.json: contact: give phones or email: staff must be able to reach someone")
CASE(org_contact_phone, "orgs/velsen.json", SET, "contact.phones[0].display", "\"14 02555\"",
     "@/orgs/velsen.json: contact.phones[0].display: \"14 02555\" is not a Dutch phone number (10 digits from 0, a 0800 or 090x number, or a short number like 112)")
CASE(org_about_empty, "orgs/utrecht.json", SET, "about", "[]",
     "@/orgs/utrecht.json: about: empty list")
CASE(org_about_not_i18n, "orgs/velsen.json", SET, "about[0].text[0]", "\"Alleen Nederlands\"",
     "@/orgs/velsen.json: about[0].text[0]: must be an object")
CASE(org_channel_bad, "orgs/velsen.json", SET, "channels[0].anonymous", "\"maybe\"",
     "@/orgs/velsen.json: channels[0].anonymous: must be \"yes\", \"no\" or \"possible\"")
CASE(unsaid_missing_name, "en/wegwijzer.json", DEL, "unsaid.name", NULL,
     "@/en/wegwijzer.json: unsaid.name: missing")
CASE(when_form_missing, "nl/wegwijzer.json", DEL, "when_form.labour", NULL,
     "@/nl/wegwijzer.json: when_form.labour: missing")
CASE(young_advice_one_language, "en/roles.json", DEL, "roles[0].advice_young", NULL,
     "@/en/roles.json: roles[0]: advice_young \"no\" of victim is not in @/nl/roles.json")
/* clang-format on */

/* role_not_covered needs Veilig Thuis to stop serving perpetrators too;
 * its own setup does both edits. */
static void run_role_not_covered(void **state)
{
	(void)state;
	char *dir = make_copy(), *want = expand(case_role_not_covered.want, dir);
	struct buf err = BUF_INIT;
	struct content *c = NULL;
	struct bcase second = case_role_not_covered;
	second.path = "channels[6].roles.perpetrator";

	break_tree(dir, &case_role_not_covered);
	break_tree(dir, &second);
	assert_int_equal(content_load(dir, &c, &err), CONTENT_INVALID);
	assert_null(c);
	assert_string_equal(buf_str(&err), want);
	buf_free(&err);
	free(want);
	remove_tree(dir);
	free(dir);
}

/* --- The shipped tree ------------------------------------------------ */

static struct content *load_real(void)
{
	struct buf err = BUF_INIT;
	struct content *c = NULL;
	int rc = content_load("content", &c, &err);
	if (rc)
		print_error("%s\n", buf_str(&err));
	assert_int_equal(rc, 0);
	assert_string_equal(buf_str(&err), "");
	assert_non_null(c);
	buf_free(&err);
	return c;
}

static const json_t *find(const json_t *arr, const char *key, const char *value)
{
	json_t *x;
	size_t i;
	json_array_foreach(arr, i, x)
	{
		const char *s = json_string_value(json_object_get(x, key));
		if (s && !strcmp(s, value))
			return x;
	}
	return NULL;
}

static const char *str(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static void test_load_real(void **state)
{
	(void)state;
	content_free(load_real());
}

static void test_trailing_slash(void **state)
{
	(void)state;
	struct buf err = BUF_INIT;
	struct content *c = NULL;
	assert_int_equal(content_load("content//", &c, &err), 0);
	content_free(c);
	buf_free(&err);
}

static void test_forms(void **state)
{
	(void)state;
	struct content *c = load_real();
	assert_int_equal(json_array_size(content_forms(c, "nl")), 4);
	assert_string_equal(str(content_form(c, "nl", "labour"), "name"), "Arbeidsuitbuiting");
	assert_string_equal(str(content_form(c, "en", "labour"), "name"), "Labour exploitation");
	/* Anything but "en" is Dutch. */
	assert_string_equal(str(content_form(c, "de", "labour"), "name"), "Arbeidsuitbuiting");
	assert_string_equal(str(content_form(c, NULL, "sexual"), "name"), "Seksuele uitbuiting");
	assert_null(content_form(c, "nl", "unknown"));
	assert_null(content_form(c, "nl", NULL));
	assert_true(content_is_form(c, "organ_removal"));
	assert_false(content_is_form(c, "smuggling"));
	assert_false(content_is_form(c, NULL));
	content_free(c);
}

static void test_signals(void **state)
{
	(void)state;
	struct content *c = load_real();
	const json_t *nl = content_signals(c, "nl"), *en = content_signals(c, "en");
	assert_true(json_array_size(nl) >= 30);
	assert_int_equal(json_array_size(nl), json_array_size(en));
	const json_t *s = find(nl, "code", "labour.low_pay");
	assert_non_null(s);
	assert_string_equal(str(s, "form"), "labour");
	assert_string_equal(str(s, "group"), "Arbeidsuitbuiting");
	assert_int_equal(json_object_size(s), 4);
	s = find(en, "code", "youth.several_phones");
	assert_non_null(s);
	assert_string_equal(str(s, "form"), "youth");
	assert_string_equal(str(s, "group"), "Signals in young people");
	assert_string_equal(str(find(nl, "code", "general.tattoo"), "form"), "general");
	assert_non_null(find(nl, "code", "organ_removal.scars"));
	assert_non_null(find(nl, "code", "criminal.money_mule"));
	assert_non_null(find(nl, "code", "labour.no_id_or_bank"));
	assert_true(content_is_signal(c, "sexual.loverboy"));
	assert_false(content_is_signal(c, "sexual"));
	/* Same codes in the same order in both languages. */
	for (size_t i = 0; i < json_array_size(nl); i++)
		assert_string_equal(str(json_array_get(nl, i), "code"),
		                    str(json_array_get(en, i), "code"));
	content_free(c);
}

static void test_roles_and_risks(void **state)
{
	(void)state;
	struct content *c = load_real();
	assert_int_equal(json_array_size(content_roles(c, "nl")), 6);
	assert_int_equal(json_array_size(content_risk_factors(c, "en")), 15);
	const json_t *pro = content_role(c, "en", "professional");
	assert_non_null(pro);
	assert_true(json_is_false(json_object_get(pro, "anonymous")));
	assert_non_null(strstr(str(pro, "anonymous_note"), "Meldcode"));
	assert_true(json_is_true(json_object_get(content_role(c, "nl", "bystander"), "anonymous")));
	assert_null(json_object_get(content_role(c, "nl", "bystander"), "anonymous_note"));
	assert_true(content_is_role(c, "employee"));
	assert_false(content_is_role(c, "unknown"));
	assert_null(content_role(c, "nl", "mayor"));
	content_free(c);
}

static void test_quiz_and_rules(void **state)
{
	(void)state;
	struct content *c = load_real();
	assert_true(json_array_size(content_quiz(c, "nl")) >= QUIZ_MIN_QUESTIONS);
	assert_int_equal(json_array_size(content_quiz(c, "nl")),
	                 json_array_size(content_quiz(c, "en")));
	assert_int_equal(json_array_size(content_rules(c)), 4);
	content_free(c);
}

/* No {"nl", "en"} object survives resolving, in any region or language. */
static void assert_resolved(const json_t *x)
{
	json_t *v;
	const char *key;
	size_t i;
	if (json_is_object(x)) {
		assert_false(json_object_get(x, "nl") && json_object_get(x, "en"));
		json_object_foreach((json_t *)x, key, v)
		{
			assert_resolved(v);
		}
	} else if (json_is_array(x)) {
		json_array_foreach(x, i, v)
		{
			assert_resolved(v);
		}
	}
}

static void test_regions(void **state)
{
	(void)state;
	struct content *c = load_real();
	static const char *const ids[] = {"kennemerland", "groningen", "utrecht", "noord-nederland",
	                                  "nl"};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_true(content_is_region(c, ids[i]));
		assert_resolved(content_region(c, "nl", ids[i]));
		assert_resolved(content_region(c, "en", ids[i]));
		/* Every region inherits 112 and the national lines. */
		const json_t *ch = json_object_get(content_region(c, "en", ids[i]), "channels");
		assert_non_null(find(ch, "id", "112"));
		assert_non_null(find(ch, "id", "meld-misdaad-anoniem"));
		assert_non_null(find(ch, "id", "comensha"));
		assert_non_null(find(ch, "id", "arbeidsinspectie"));
	}
	assert_int_equal(json_object_size(content_regions(c, "nl")), 5);
	assert_null(content_region(c, "nl", "haarlem"));
	assert_null(content_region(c, "nl", NULL));

	const json_t *k = json_object_get(content_region(c, "nl", "kennemerland"), "channels");
	const json_t *pol = find(k, "id", "politie");
	assert_non_null(strstr(str(pol, "name"), "AVIM Kennemerland"));
	assert_string_equal(str(pol, "region"), "kennemerland");
	size_t police = 0;
	for (size_t i = 0; i < json_array_size(k); i++)
		police += !strcmp(str(json_array_get(k, i), "id"), "politie");
	assert_int_equal(police, 1);
	const json_t *acm = find(k, "id", "hvo-querido-acm");
	assert_non_null(acm);
	const json_t *ph = json_array_get(json_object_get(acm, "phones"), 1);
	assert_string_equal(str(ph, "tel"), "tel:+31610599458");
	assert_string_equal(str(ph, "label"), "Bij nood");
	assert_string_equal(str(find(k, "id", "112"), "region"), "nl");

	const json_t *u = json_object_get(content_region(c, "en", "utrecht"), "channels");
	assert_string_equal(str(find(u, "id", "veilig-thuis"), "name"),
	                    "Veilig Thuis Utrecht (Safe at Home)");
	assert_string_equal(str(find(u, "id", "veilig-thuis"), "email"),
	                    "veiligthuis@samen-veilig.nl");
	const json_t *g = json_object_get(content_region(c, "nl", "groningen"), "channels");
	assert_string_equal(str(find(g, "id", "veilig-thuis"), "region"), "nl");
	assert_null(find(g, "id", "hvo-querido-acm"));
	content_free(c);
}

static void test_orgs(void **state)
{
	(void)state;
	struct content *c = load_real();
	const json_t *v = content_org_profile(c, "velsen");
	assert_non_null(v);
	assert_string_equal(str(v, "name"), "Gemeente Velsen");
	assert_string_equal(str(v, "region"), "kennemerland");
	const json_t *d = json_object_get(v, "districts");
	assert_int_equal(json_array_size(d), 7);
	assert_string_equal(json_string_value(json_array_get(d, 0)), "IJmuiden");
	assert_string_equal(json_string_value(json_array_get(d, 6)), "Velserbroek");
	assert_null(content_org_profile(c, "haarlem"));
	assert_null(content_org_profile(c, NULL));
	content_free(c);
}

/* Regions compose: nl, then noord-nederland, then groningen, each file
 * replacing by id or adding; a region without its own care coordinator
 * keeps the national overview. */
static void test_region_composition(void **state)
{
	(void)state;
	struct content *c = load_real();
	const json_t *g = json_object_get(content_region(c, "nl", "groningen"), "channels");
	const json_t *nn = json_object_get(content_region(c, "nl", "noord-nederland"), "channels");
	const json_t *k = json_object_get(content_region(c, "en", "kennemerland"), "channels");
	/* From noord-nederland.json, inherited by groningen. */
	assert_string_equal(str(find(g, "id", "riec-noord-nederland"), "region"),
	                    "noord-nederland");
	assert_string_equal(str(find(nn, "id", "riec-noord-nederland"), "region"),
	                    "noord-nederland");
	assert_null(find(k, "id", "riec-noord-nederland"));
	/* Groningen's own care coordinator replaces the national overview in
	 * place; noord-nederland has none of its own. */
	const json_t *zg = find(g, "id", "zorgcoordinatie");
	assert_string_equal(str(zg, "region"), "groningen");
	assert_string_equal(str(zg, "email"), "mensenhandel@groningen.nl");
	assert_string_equal(str(find(nn, "id", "zorgcoordinatie"), "region"), "nl");
	assert_non_null(
	    strstr(str(find(nn, "id", "zorgcoordinatie"), "web"), "wegwijzermensenhandel"));
	assert_non_null(strstr(str(find(k, "id", "zorgcoordinatie"), "name"), "for Velsen"));
	assert_string_equal(str(find(g, "id", "112"), "region"), "nl");
	size_t zc = 0;
	for (size_t i = 0; i < json_array_size(g); i++)
		zc += !strcmp(str(json_array_get(g, i), "id"), "zorgcoordinatie");
	assert_int_equal(zc, 1);
	/* Meld een Vermoeden is no national channel; the inspectorate is
	 * anonymous; Helse Liefde only for sexual exploitation and "weet ik
	 * niet"; Veilig Thuis Utrecht has its own address. */
	const json_t *nl = json_object_get(content_region(c, "nl", "nl"), "channels");
	assert_null(find(nl, "id", "meld-een-vermoeden"));
	assert_string_equal(str(find(nl, "id", "arbeidsinspectie"), "anonymous"), "yes");
	const json_t *hl = json_object_get(find(nl, "id", "helse-liefde"), "forms");
	assert_int_equal(json_array_size(hl), 2);
	assert_string_equal(json_string_value(json_array_get(hl, 1)), "unknown");
	const json_t *u = json_object_get(content_region(c, "nl", "utrecht"), "channels");
	assert_string_equal(str(find(u, "id", "veilig-thuis"), "web"),
	                    "https://www.veiligthuisutrecht.nl");
	content_free(c);
}

/* The organisations' views: own channels, own "Wat wij doen", and the
 * aandachtsfunctionaris reached through the profile's contact. */
static void test_org_views(void **state)
{
	(void)state;
	struct content *c = load_real();
	const json_t *v = content_org_view(c, "nl", "velsen");
	const json_t *u = content_org_view(c, "en", "utrecht");
	assert_non_null(v);
	assert_non_null(u);
	assert_string_equal(str(v, "region"), "kennemerland");
	const json_t *vc = json_object_get(v, "channels");
	const json_t *mev = find(vc, "id", "meld-een-vermoeden");
	assert_string_equal(str(mev, "region"), "velsen");
	assert_string_equal(str(mev, "anonymous"), "possible");
	assert_null(find(json_object_get(u, "channels"), "id", "meld-een-vermoeden"));
	const json_t *af = find(vc, "id", "aandachtsfunctionaris");
	assert_string_equal(str(json_array_get(json_object_get(af, "phones"), 0), "display"),
	                    "14 0255");
	assert_non_null(str(af, "contact_note"));
	/* The region's own copy stays without a contact. */
	const json_t *raf =
	    find(json_object_get(content_region(c, "nl", "kennemerland"), "channels"), "id",
	         "aandachtsfunctionaris");
	assert_null(json_object_get(raf, "phones"));
	/* "Wat wij doen" resolved per language and different per
	 * organisation. */
	const json_t *va = json_object_get(v, "about"), *ua = json_object_get(u, "about");
	assert_true(json_array_size(va) > 0);
	assert_true(json_is_string(json_object_get(json_array_get(va, 0), "title")));
	assert_false(json_equal(va, ua));
	assert_null(content_org_view(c, "nl", "haarlem"));
	assert_null(content_org_view(NULL, "nl", "velsen"));
	content_free(c);
}

static bool rule_has(const struct content *c, const char *form, const char *sig)
{
	const json_t *r, *x;
	size_t i, k;
	json_array_foreach(content_rules(c), i, r)
	{
		if (strcmp(str(r, "form"), form))
			continue;
		json_array_foreach(json_object_get(r, "signals"), k, x)
		{
			if (!strcmp(json_string_value(x), sig))
				return true;
		}
	}
	return false;
}

/* Joined texts of a form's key (description, examples) in lang. */
static bool form_says(const struct content *c, const char *lang, const char *code, const char *key,
                      const char *what)
{
	const json_t *list = json_object_get(content_form(c, lang, code), key), *x;
	size_t i;
	json_array_foreach(list, i, x)
	{
		if (strstr(json_string_value(x), what))
			return true;
	}
	return false;
}

/* The corrections of issue 8 in the shipped content. */
static void test_issue8_content(void **state)
{
	(void)state;
	struct content *c = load_real();
	/* Rules: youth signals and falling school results point to sexual
	 * exploitation too; threats to labour; organ removal only on its own
	 * signals, never on papers or debts. */
	assert_true(rule_has(c, "sexual", "youth.school_dropout"));
	assert_true(rule_has(c, "sexual", "youth.behaviour_change"));
	assert_true(rule_has(c, "sexual", "general.school_results"));
	assert_true(rule_has(c, "labour", "general.threats"));
	assert_true(rule_has(c, "organ_removal", "organ_removal.scars"));
	assert_false(rule_has(c, "organ_removal", "general.illegal_stay"));
	assert_false(rule_has(c, "organ_removal", "general.debts"));
	assert_false(rule_has(c, "organ_removal", "general.travel_arranged"));
	/* No two signals of a language say the same thing twice. */
	for (int l = 0; l < 2; l++) {
		const json_t *sig = content_signals(c, l ? "en" : "nl");
		for (size_t i = 0; i < json_array_size(sig); i++)
			for (size_t k = i + 1; k < json_array_size(sig); k++) {
				const char *a = str(json_array_get(sig, i), "text");
				const char *b = str(json_array_get(sig, k), "text");
				if (!strncmp(a, b, 16))
					fail_msg("signals start alike: \"%s\" and \"%s\"", a, b);
			}
	}
	/* Forms. */
	assert_true(form_says(c, "nl", "sexual", "description", "slaapplek"));
	assert_true(form_says(c, "nl", "sexual", "description", "onder de 18"));
	assert_true(form_says(c, "nl", "sexual", "description", "pooierboy"));
	assert_true(form_says(c, "en", "sexual", "description", "pooierboy"));
	assert_true(form_says(c, "nl", "labour", "description", "haven"));
	assert_true(form_says(c, "nl", "labour", "examples", "schip"));
	assert_true(
	    form_says(c, "nl", "criminal", "description", "Bedelen is op zich niet strafbaar"));
	assert_true(form_says(c, "nl", "criminal", "description", "vervolgd"));
	/* Victims: a reflection period through the care coordinator; young
	 * people forced into crime are victims first, told only them. */
	const json_t *v = content_role(c, "nl", "victim");
	bool reflection = false;
	for (size_t i = 0; i < json_array_size(json_object_get(v, "advice")); i++)
		reflection |=
		    strstr(json_string_value(json_array_get(json_object_get(v, "advice"), i)),
		           "bedenktijd") != NULL;
	assert_true(reflection);
	assert_non_null(
	    strstr(json_string_value(json_array_get(json_object_get(v, "advice_young"), 1)),
	           "eerst gezien als slachtoffer"));
	/* The perpetrator without stigma; the professional's text says hotel
	 * and bank staff are bystanders; safety, not only one's own. */
	assert_string_not_equal(str(content_role(c, "nl", "perpetrator"), "name"), "Pleger");
	assert_non_null(strstr(str(content_role(c, "nl", "professional"), "who"), "hotel"));
	assert_non_null(strstr(str(content_role(c, "nl", "professional"), "anonymous_note"),
	                       "uit veiligheidsoverwegingen"));
	assert_null(strstr(str(content_role(c, "nl", "employee"), "anonymous_note"), "Meldcode"));
	/* "Twijfel je? Meld het toch." where the bystander is advised. */
	assert_non_null(
	    strstr(json_string_value(json_array_get(
	               json_object_get(content_role(c, "nl", "bystander"), "advice"), 0)),
	           "Twijfel je? Meld het toch."));
	content_free(c);
}

static void test_null_and_missing(void **state)
{
	(void)state;
	struct buf err = BUF_INIT;
	struct content *c = (struct content *)1;
	content_free(NULL);
	assert_null(content_forms(NULL, "nl"));
	assert_null(content_region(NULL, "nl", "nl"));
	assert_false(content_is_role(NULL, "victim"));
	assert_int_equal(content_load(NULL, &c, &err), -EINVAL);
	assert_null(c);
	assert_int_equal(content_load("tests/data/no-such-dir", &c, NULL), CONTENT_INVALID);
	assert_int_equal(content_load("tests/data/no-such-dir", &c, &err), CONTENT_INVALID);
	assert_string_equal(buf_str(&err), "tests/data/no-such-dir/nl/forms.json: file is missing");
	buf_free(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_real),
	    cmocka_unit_test(test_trailing_slash),
	    cmocka_unit_test(test_forms),
	    cmocka_unit_test(test_signals),
	    cmocka_unit_test(test_roles_and_risks),
	    cmocka_unit_test(test_region_composition),
	    cmocka_unit_test(test_org_views),
	    cmocka_unit_test(test_issue8_content),
	    cmocka_unit_test(test_quiz_and_rules),
	    cmocka_unit_test(test_regions),
	    cmocka_unit_test(test_orgs),
	    cmocka_unit_test(test_null_and_missing),
	    BROKEN(missing_file),
	    BROKEN(not_a_file),
	    BROKEN(oversized),
	    BROKEN(invalid_json),
	    BROKEN(invalid_utf8),
	    BROKEN(duplicate_key),
	    BROKEN(not_an_object),
	    BROKEN(missing_signal_code),
	    BROKEN(wrong_type),
	    BROKEN(wrong_type_list),
	    BROKEN(unknown_key),
	    BROKEN(unknown_top_key),
	    BROKEN(empty_text),
	    BROKEN(empty_list),
	    BROKEN(control_char),
	    BROKEN(c1_control_char),
	    BROKEN(newline_in_text),
	    BROKEN(bad_code),
	    BROKEN(duplicate_signal),
	    BROKEN(duplicate_form),
	    BROKEN(signal_unknown_form),
	    BROKEN(not_a_contract_form),
	    BROKEN(form_missing),
	    BROKEN(role_missing),
	    BROKEN(anonymous_note_missing),
	    BROKEN(anonymous_false_needs_note),
	    BROKEN(quiz_answer_not_option),
	    BROKEN(quiz_too_few),
	    BROKEN(quiz_one_option),
	    BROKEN(quiz_five_options),
	    BROKEN(en_missing_signal),
	    BROKEN(en_extra_code),
	    BROKEN(en_other_answer),
	    BROKEN(en_missing_question),
	    BROKEN(wegwijzer_missing_form),
	    BROKEN(rules_unknown_form),
	    BROKEN(rules_unknown_signal),
	    BROKEN(rules_form_missing),
	    BROKEN(region_missing_en),
	    BROKEN(region_text_not_i18n),
	    BROKEN(region_id_mismatch),
	    BROKEN(national_missing),
	    BROKEN(phone_display),
	    BROKEN(phone_not_dutch),
	    BROKEN(phone_tel),
	    BROKEN(phone_service_tel),
	    BROKEN(web_http),
	    BROKEN(web_garbage),
	    BROKEN(email_bad),
	    BROKEN(channel_unknown_role),
	    BROKEN(channel_bad_rank),
	    BROKEN(channel_unknown_form),
	    BROKEN(channel_anonymous_value),
	    BROKEN(channel_duplicate_id),
	    BROKEN(emergency_without_phone),
	    BROKEN(role_without_channel),
	    cmocka_unit_test(run_role_not_covered),
	    BROKEN(org_unknown_region),
	    BROKEN(org_duplicate_district),
	    BROKEN(org_missing_name),
	    BROKEN(org_theme_not_colour),
	    BROKEN(org_theme_half),
	    BROKEN(channel_form_typo),
	    BROKEN(region_inherits_unknown),
	    BROKEN(region_inherits_circle),
	    BROKEN(region_inherits_self),
	    BROKEN(national_inherits),
	    BROKEN(channel_minor_rank),
	    BROKEN(channel_minor_role),
	    BROKEN(internal_with_phone),
	    BROKEN(channel_unreachable),
	    BROKEN(org_contact_missing),
	    BROKEN(org_contact_empty),
	    BROKEN(org_contact_phone),
	    BROKEN(org_about_empty),
	    BROKEN(org_about_not_i18n),
	    BROKEN(org_channel_bad),
	    BROKEN(unsaid_missing_name),
	    BROKEN(when_form_missing),
	    BROKEN(young_advice_one_language),
	};
	return cmocka_run_group_tests_name("content", tests, NULL, NULL);
}
