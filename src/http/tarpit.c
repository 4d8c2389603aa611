/* tarpit: answers held back for a while. See tarpit.h.
 *
 * A plain array scanned for the earliest deadline: it holds at most one
 * entry per suspended connection, and the thread wakes only when one is
 * due (or a new one may be earlier). */
#include "http/tarpit.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "http/conns.h"
#include "limits.h"

struct held {
	struct req_defer *h;
	uint64_t due_ms;
};

struct tarpit {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool flushing; /* stopping: resume everything at once */
	bool done;     /* the thread ends */
	struct held list[HTTP_TARPIT_MAX];
	size_t n;
};

/* Takes the due entries out of the list into out; returns how many. With
 * the lock held. */
static size_t take_due(struct tarpit *t, uint64_t now, struct req_defer **out)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n;) {
		if (t->flushing || t->list[i].due_ms <= now) {
			out[k++] = t->list[i].h;
			t->list[i] = t->list[--t->n];
		} else {
			i++;
		}
	}
	return k;
}

static void *run(void *arg)
{
	struct tarpit *t = arg;
	static struct req_defer *due[HTTP_TARPIT_MAX];
	pthread_mutex_lock(&t->mu);
	while (!t->done || t->n) {
		uint64_t now = conns_now_ms();
		size_t k = take_due(t, now, due);
		if (k) {
			/* Resume outside the lock: req_resume takes the
			 * connection's own locks. */
			pthread_mutex_unlock(&t->mu);
			for (size_t i = 0; i < k; i++)
				req_resume(due[i]);
			pthread_mutex_lock(&t->mu);
			continue;
		}
		if (t->n == 0) {
			pthread_cond_wait(&t->cv, &t->mu);
			continue;
		}
		uint64_t next = t->list[0].due_ms;
		for (size_t i = 1; i < t->n; i++)
			if (t->list[i].due_ms < next)
				next = t->list[i].due_ms;
		/* The condition variable runs on CLOCK_MONOTONIC (tarpit_start). */
		struct timespec ts = {(time_t)(next / 1000u), (long)(next % 1000u) * 1000000L};
		pthread_cond_timedwait(&t->cv, &t->mu, &ts);
	}
	pthread_mutex_unlock(&t->mu);
	return NULL;
}

int tarpit_start(struct tarpit **out)
{
	struct tarpit *t = calloc(1, sizeof *t);
	if (!t)
		return -ENOMEM;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, &ca);
	pthread_condattr_destroy(&ca);
	int rc = pthread_create(&t->thread, NULL, run, t);
	if (rc) {
		pthread_cond_destroy(&t->cv);
		pthread_mutex_destroy(&t->mu);
		free(t);
		return -rc;
	}
	*out = t;
	return 0;
}

void tarpit_hold(struct tarpit *t, struct req_defer *h, uint64_t deadline_ms)
{
	pthread_mutex_lock(&t->mu);
	bool now = t->flushing || t->n == HTTP_TARPIT_MAX;
	if (!now) {
		t->list[t->n++] = (struct held){h, deadline_ms};
		pthread_cond_signal(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
	if (now)
		req_resume(h);
}

void tarpit_flush(struct tarpit *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->flushing = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
}

void tarpit_stop(struct tarpit *t)
{
	if (!t)
		return;
	pthread_mutex_lock(&t->mu);
	t->flushing = true;
	t->done = true;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->cv);
	pthread_mutex_destroy(&t->mu);
	free(t);
}
