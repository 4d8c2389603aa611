/* inbox: an organisation's reports as staff list them (the inbox page
 * /staf/meldingen and GET /api/v1/reports of contract.md).
 *
 * Owns: the query (filters, page size, the opaque cursor) and its checks,
 * the triage deadline and "overdue" of each report, the suggested forms
 * taken from the stored suggestion, and the list as the contract's JSON.
 * It holds no personal data: the list never carries free text or sealed
 * fields. Who may call it (and for which organisation) is the route
 * policy's; the caller passes the principal's organisation. */
#ifndef SIGNAAL_DOMAIN_INBOX_H
#define SIGNAAL_DOMAIN_INBOX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct store;

/* The query as the staff API and the inbox page take it; NULL or "" for
 * any. */
struct inbox_query {
	const char *status;   /* report_statuses */
	const char *form;     /* report_forms */
	const char *district; /* a district name */
	const char *overdue;  /* "yes": only overdue reports */
	const char *limit;    /* "1".."1000" (INBOX_PAGE_MAX); NULL: INBOX_PAGE_DEFAULT */
	const char *after;    /* a cursor from an earlier page's "next" */
};

/* A query that was refused: the parameter, and why (a msgid for gettext:
 * Dutch, translated where it is shown). */
struct inbox_error {
	const char *field;
	const char *message;
};

/* Positive result: the query was refused (err says why). */
#define INBOX_BAD_QUERY 1

/* *out (caller owns) = {"reports": [...], "next": cursor or null} for org
 * on today ("YYYY-MM-DD", the organisation's local date). 0,
 * INBOX_BAD_QUERY, or a store error (-EBUSY: try again). */
int inbox_list(struct store *s, const char *org, const struct inbox_query *q, const char *today,
               json_t **out, struct inbox_error *err);

/* As inbox_list(), written at the end of out as JSON text (the same
 * bytes as json_dumps(JSON_COMPACT) of inbox_list()'s answer) without a
 * tree of jansson values. On an error out holds part of it: the caller
 * discards it. */
struct buf;
int inbox_list_write(struct store *s, const char *org, const struct inbox_query *q,
                     const char *today, struct buf *out, struct inbox_error *err);

/* One report as the list shows it (also the start of the report view):
 * caller owns; NULL when out of memory or its date is damaged. */
struct store_inbox_row;
json_t *inbox_item_json(const struct store_inbox_row *row, const char *today);

#endif
