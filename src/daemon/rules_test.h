/* SPDX-License-Identifier: MIT */
/*
 * rules_test.h - what the tests of mailslotd's receive rules share: the
 * daemon under test and one datagram with where it came from.  Each
 * test file is a program of its own, so the definitions here are static
 * and every file gets its own daemon.
 */
#ifndef RULES_TEST_H
#define RULES_TEST_H

#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "daemon.h"
#include "msl_test.h"

#define SEC 1000000000ull

/* The daemon under test: HOSTB in workgroup WG, no allow list, every
 * interface. */
static struct msld d;

/* Names a reload drops (msld_names_load). */
static struct msld_name gone[MSLD_NAMES];

/* setup makes d afresh and applies each "key = value" of sets (NULL
 * ends them; sets may be NULL). */
static inline void
setup(const char *const *sets)
{
	char err[256];

	memset(&d, 0, sizeof d);
	msl_netconf_defaults(&d.conf);
	MSL_CHECK(msl_netconf_assign(&d.conf, "netbios name = HOSTB", err, sizeof err) == 0);
	MSL_CHECK(msl_netconf_assign(&d.conf, "workgroup = WG", err, sizeof err) == 0);
	for (; sets && *sets; sets++)
		MSL_CHECK(msl_netconf_assign(&d.conf, *sets, err, sizeof err) == 0);
	MSL_CHECK_EQ(msld_names_load(&d, gone), 0);
}

/* One datagram on the wire and where it came from. */
struct pkt {
	uint8_t buf[MSL_MDGM_MAX];
	size_t len;
	uint32_t ip;
	uint16_t port;
	const char *ifname;
	uint64_t now;
};

#endif
