/* workdays: dates counted in working days, for the triage deadline
 * ("within 5 working days of receipt", domain.md).
 *
 * Owns: the calendar arithmetic on "YYYY-MM-DD" dates (proleptic
 * Gregorian, no time zone: a date is the organisation's local date as the
 * intake keeps it). A working day is Monday to Friday; Dutch public
 * holidays are not counted yet (a later issue adds them here, so every
 * caller gets them at once). */
#ifndef SIGNAAL_DOMAIN_WORKDAYS_H
#define SIGNAAL_DOMAIN_WORKDAYS_H

#include <stdbool.h>

/* Bytes of a date with its NUL. */
#define WORKDAYS_DATE_BUF 11

/* out = today's date where the server runs (the local time zone, as
 * reports keep their date of receipt). */
void workdays_today(char out[WORKDAYS_DATE_BUF]);
/* True when s is a real date "YYYY-MM-DD" (year 1..9999). */
bool workdays_date_valid(const char *s);
/* out = the date n working days after date (n = 0: date itself when a
 * working day, else the next one). 0, or -EINVAL for a bad date or a
 * result past 9999-12-31. */
int workdays_add(const char *date, unsigned n, char out[WORKDAYS_DATE_BUF]);
/* The triage deadline of a report received on date:
 * TRIAGE_WORKING_DAYS working days later. 0 or -EINVAL. */
int workdays_triage_due(const char *received_on, char out[WORKDAYS_DATE_BUF]);
/* out = the latest receipt date whose triage deadline lies before today:
 * a report received on or before it and not yet triaged is overdue.
 * 0 or -EINVAL. */
int workdays_overdue_cutoff(const char *today, char out[WORKDAYS_DATE_BUF]);

#endif
