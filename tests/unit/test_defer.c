/* Tests of deferred answers (http/defer.c) without a server: the request
 * and the thread that resumes it share one handle, and a connection is
 * resumed only when it is suspended and its request still there. A
 * resume of a connection whose client left would touch memory
 * libmicrohttpd freed; the HTTP tests cannot make that moment happen on
 * purpose (a suspended connection is not watched), so this test takes
 * libmicrohttpd's resume call over and counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "http/server_int.h"

/* Stands in for libmicrohttpd's: this program's definition is the one
 * the library's calls link to. */
static unsigned resumed;
static struct MHD_Connection *resumed_conn;
void MHD_resume_connection(struct MHD_Connection *connection)
{
	resumed++;
	resumed_conn = connection;
}

static char conn_storage; /* a connection's address, never read */
#define CONN ((struct MHD_Connection *)&conn_storage)

static unsigned dropped;
static void drop(void *data)
{
	(void)data;
	dropped++;
}

static int finish(struct req *req, struct resp *resp)
{
	(void)req;
	(void)resp;
	return 0;
}

struct fx {
	struct server srv;
	struct conn_ctx *c;
	struct req_defer *h;
};

/* A request that deferred its answer, as a handler leaves it. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	pthread_mutex_init(&f->srv.defer_lock, NULL);
	f->c = calloc(1, sizeof *f->c);
	if (!f->c)
		return -1;
	f->c->srv = &f->srv;
	f->c->req.conn = CONN;
	if (!req_defer(&f->c->req, finish, 16, &f->h))
		return -1;
	f->h->drop = drop;
	resumed = 0;
	resumed_conn = NULL;
	dropped = 0;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	pthread_mutex_destroy(&f->srv.defer_lock);
	free(f);
	return 0;
}

/* What server.c does when the handler returns: suspend if not done. */
static void suspend(struct fx *f)
{
	pthread_mutex_lock(&f->h->lock);
	assert_int_equal(f->h->state, DEFER_WAITING);
	f->h->state = DEFER_SUSPENDED;
	pthread_mutex_unlock(&f->h->lock);
}

static void suspended_request_is_resumed(void **state)
{
	struct fx *f = *state;
	assert_int_equal(f->srv.deferrals, 1);
	suspend(f);
	req_resume(f->h);
	assert_int_equal(resumed, 1);
	assert_ptr_equal(resumed_conn, CONN);
	/* Still alive for the request, which finishes and lets go last. */
	assert_int_equal(f->srv.deferrals, 1);
	req_ctx_free(f->c);
	assert_int_equal(f->srv.deferrals, 0);
	assert_int_equal(dropped, 1);
}

/* The client left while its report committed: libmicrohttpd completed
 * the request and freed the connection. The late resumer must not
 * resume it, and it frees the handle. */
static void request_gone_is_not_resumed(void **state)
{
	struct fx *f = *state;
	suspend(f);
	req_ctx_free(f->c);
	assert_int_equal(f->srv.deferrals, 1); /* the resumer holds it */
	req_resume(f->h);
	assert_int_equal(resumed, 0);
	assert_int_equal(f->srv.deferrals, 0);
	assert_int_equal(dropped, 1);
}

/* Done before the handler returned: nothing is suspended, so nothing is
 * resumed (server.c sees DONE and finishes at once). */
static void not_suspended_is_not_resumed(void **state)
{
	struct fx *f = *state;
	req_resume(f->h);
	assert_int_equal(resumed, 0);
	assert_int_equal(f->h->state, DEFER_DONE);
	req_ctx_free(f->c);
	assert_int_equal(f->srv.deferrals, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(suspended_request_is_resumed, setup, teardown),
	    cmocka_unit_test_setup_teardown(request_gone_is_not_resumed, setup, teardown),
	    cmocka_unit_test_setup_teardown(not_suspended_is_not_resumed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
