/* SPDX-License-Identifier: MIT */
/*
 * nametab.c - the names this node owns (names, issue 13): NAME<00> and
 * each "netbios aliases" name <00> as unique names, WORKGROUP<00> as a
 * group name ([MS-MAIL] §3.2.3), all in the configured "netbios scope",
 * each with its registration state.
 *
 * Pure code like rules.c: register.c drives the states, rules.c and
 * names.c read them.
 */
#include <string.h>

#include "daemon.h"

/* add puts one configured name into table t (at *n), keeping the state
 * the same name had in old. */
static void
add(const struct msld *d, struct msld_name *t, unsigned *n, const char *name, int group)
{
	struct msld_name e = { .group = group, .state = MSLD_NAME_REGISTERING };

	if (*n == MSLD_NAMES ||
	    msl_nbname_make(&e.nb, name, MSL_NBSUFFIX_WORKSTATION, d->conf.scope) != MSL_PE_OK)
		return;
	/* An alias equal to the name, or listed twice, is one name. */
	for (unsigned i = 0; i < *n; i++)
		if (msl_nbname_casecmp(&t[i].nb, &e.nb) == 0)
			return;
	for (unsigned i = 0; i < d->nnames; i++)
		if (msl_nbname_casecmp(&d->names[i].nb, &e.nb) == 0 && d->names[i].group == group)
			e = d->names[i];
	t[(*n)++] = e;
}

unsigned
msld_names_load(struct msld *d, struct msld_name gone[MSLD_NAMES])
{
	struct msld_name t[MSLD_NAMES];
	unsigned n = 0, ngone = 0;

	add(d, t, &n, d->conf.name, 0);
	for (unsigned i = 0; i < d->conf.naliases; i++)
		add(d, t, &n, d->conf.aliases[i], 0);
	add(d, t, &n, d->conf.workgroup, 1);
	for (unsigned i = 0; i < d->nnames; i++) {
		int kept = 0;
		for (unsigned j = 0; j < n; j++)
			kept |= msl_nbname_casecmp(&t[j].nb, &d->names[i].nb) == 0 &&
			    t[j].group == d->names[i].group;
		if (!kept)
			gone[ngone++] = d->names[i];
	}
	memcpy(d->names, t, sizeof t[0] * n);
	d->nnames = n;
	msld_names_count_held(d);
	return ngone;
}

struct msld_name *
msld_names_find(struct msld *d, const struct msl_nbname *n)
{
	for (unsigned i = 0; i < d->nnames; i++)
		if (msl_nbname_casecmp(&d->names[i].nb, n) == 0)
			return &d->names[i];
	return NULL;
}

int
msld_name_answers(const struct msld_name *e)
{
	return e->state == MSLD_NAME_REGISTERING || e->state == MSLD_NAME_HELD;
}

void
msld_names_count_held(struct msld *d)
{
	uint64_t held = 0;

	for (unsigned i = 0; i < d->nnames; i++)
		held += d->names[i].state == MSLD_NAME_HELD;
	d->stats.n[MSLD_C_names_held] = held;
}
