/* roles: see roles.h. */
#include "auth/roles.h"

#include <errno.h>
#include <string.h>

static const char *const names[] = {"intake", "handler", "care", "analyst", "admin"};
#define NROLES (sizeof names / sizeof names[0])

const char *role_name(unsigned bit)
{
	for (unsigned i = 0; i < NROLES; i++)
		if (bit == 1u << i)
			return names[i];
	return NULL;
}

int roles_parse(const char *text, unsigned *out)
{
	*out = 0;
	if (!text || !*text)
		return -EINVAL;
	const char *p = text;
	for (;;) {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;
		for (unsigned i = 0; i < NROLES; i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				bit = 1u << i;
		if (!bit || (*out & bit)) {
			*out = 0;
			return -EINVAL;
		}
		*out |= bit;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

void roles_format(unsigned roles, char out[ROLES_TEXT_MAX])
{
	out[0] = '\0';
	for (unsigned i = 0; i < NROLES; i++) {
		if (!(roles & (1u << i)))
			continue;
		if (out[0])
			strcat(out, ",");
		strcat(out, names[i]);
	}
}
