/* workdays: see workdays.h. Dates become day numbers (days since
 * 0000-03-01, the usual civil-from-days arithmetic) so that adding and
 * weekdays are plain integer steps. */
#include "domain/workdays.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "limits.h"

static bool leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return days[m - 1] + (m == 2 && leap(y));
}

static bool parse(const char *s, long *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000L + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	return *y >= 1 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

void workdays_today(char out[WORKDAYS_DATE_BUF])
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	if (strftime(out, WORKDAYS_DATE_BUF, "%Y-%m-%d", &tm) != WORKDAYS_DATE_BUF - 1)
		memcpy(out, "1970-01-01", WORKDAYS_DATE_BUF);
}

bool workdays_date_valid(const char *s)
{
	long y;
	int m, d;
	return parse(s, &y, &m, &d);
}

/* Days since 0000-03-01 (H. Hinnant's days_from_civil, for y >= 0). */
static long to_days(long y, int m, int d)
{
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe;
}

static void from_days(long z, long *y, int *m, int *d)
{
	long era = z / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Monday .. 6 = Sunday. Day 0 (0000-03-01) was a Wednesday. */
static int weekday(long z)
{
	return (int)((z + 2) % 7);
}

static bool working(long z)
{
	return weekday(z) < 5;
}

static int format(long z, char out[WORKDAYS_DATE_BUF])
{
	long y;
	int m, d;
	from_days(z, &y, &m, &d);
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -EINVAL;
	/* "%04d-%02d-%02d" by hand: snprintf was most of a deadline's cost,
	 * and the inbox works out one for nearly every row. */
	int v = (int)y;
	for (int i = 3; i >= 0; i--, v /= 10)
		out[i] = (char)('0' + v % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
	return 0;
}

int workdays_add(const char *date, unsigned n, char out[WORKDAYS_DATE_BUF])
{
	long y;
	int m, d;
	if (!parse(date, &y, &m, &d) || n > WORKDAYS_MAX_ADD)
		return -EINVAL;
	long z = to_days(y, m, d);
	while (!working(z))
		z++;
	for (unsigned k = 0; k < n; k++)
		do
			z++;
		while (!working(z));
	return format(z, out);
}

int workdays_triage_due(const char *received_on, char out[WORKDAYS_DATE_BUF])
{
	return workdays_add(received_on, TRIAGE_WORKING_DAYS, out);
}

int workdays_overdue_cutoff(const char *today, char out[WORKDAYS_DATE_BUF])
{
	long y;
	int m, d;
	if (!parse(today, &y, &m, &d))
		return -EINVAL;
	/* The deadline never falls before the receipt and grows with it, so
	 * the latest receipt date with a deadline before today is found by
	 * stepping back from yesterday; within two weeks there always is one
	 * (TRIAGE_WORKING_DAYS working days span at most 9 days, with a
	 * weekend at either end). */
	long t = to_days(y, m, d);
	char due[WORKDAYS_DATE_BUF];
	for (long z = t - 1; z >= t - 7 - 2L * TRIAGE_WORKING_DAYS && z >= 0; z--) {
		char day[WORKDAYS_DATE_BUF];
		if (format(z, day) || workdays_triage_due(day, due))
			return -EINVAL;
		if (strcmp(due, today) < 0) {
			memcpy(out, day, WORKDAYS_DATE_BUF);
			return 0;
		}
	}
	return -EINVAL;
}
