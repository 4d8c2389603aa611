/* content_fixture: the cmocka group setup shared by the unit tests that
 * need the real content/ tree (run with the source root as working
 * directory). *state is the loaded struct content. */
#ifndef SIGNAAL_TEST_CONTENT_FIXTURE_H
#define SIGNAAL_TEST_CONTENT_FIXTURE_H

#include "content/content.h"
#include "util/buf.h"

static int content_setup(void **state)
{
	struct buf err = BUF_INIT;
	struct content *c = NULL;
	int rc = content_load("content", &c, &err);
	if (rc)
		print_error("%s\n", buf_str(&err));
	buf_free(&err);
	*state = c;
	return rc ? -1 : 0;
}

static int content_teardown(void **state)
{
	content_free(*state);
	return 0;
}

#endif
