/* tarpit: answers held back for a while, without a thread waiting.
 *
 * A source that is throttled (429) and keeps asking would otherwise get its
 * refusals as fast as the server can write them, and a few connections of
 * one guesser then take the CPU that reporters need. The server holds
 * every 429 for HTTP_THROTTLED_DELAY_MS: its connection is suspended (a
 * deferred answer, http.h) and one timer thread resumes it when its time
 * has come. With at most [server] max_connections_per_source connections,
 * a throttled source gets at most that many refusals a second.
 *
 * Owns the timer thread and the list of held answers; knows nothing of
 * libmicrohttpd (it calls req_resume()). */
#ifndef SIGNAAL_HTTP_TARPIT_H
#define SIGNAAL_HTTP_TARPIT_H

#include <stdint.h>

#include "http/http.h"

struct tarpit;

/* Starts the timer thread; *out owned by the caller (tarpit_stop). 0 or
 * -errno. */
int tarpit_start(struct tarpit **out);
/* Resumes h (req_resume) at deadline_ms (conns_now_ms() clock), or at once
 * after tarpit_flush() or when the list is full. Takes over h. */
void tarpit_hold(struct tarpit *t, struct req_defer *h, uint64_t deadline_ms);
/* Resumes every held answer now, and from then on every new one at once
 * (the server is stopping and waits for deferred answers). */
void tarpit_flush(struct tarpit *t);
/* Flushes, ends the thread and frees t. Accepts NULL. */
void tarpit_stop(struct tarpit *t);

#endif
