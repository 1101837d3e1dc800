/* SPDX-License-Identifier: MIT */
/*
 * relaytab_test.c - the relay table (relaytab.c) without root or
 * mailslots: its size follows the descriptor limit, keys are found
 * through the hash, the least recently used open handle is the one
 * evicted, opens in progress are never evicted, and released handles are
 * free again.
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "daemon.h"
#include "msl_test.h"

static struct msld d;

static void
setup(void)
{
	msld_relay_close_all(&d);
	memset(&d, 0, sizeof d);
	d.conf.log_level = MSL_LOG_ERROR;
	d.epfd = -1;
	MSL_CHECK_EQ(msld_relays_init(&d), 0);
}

/* open_key takes a handle for key and files it as open and just used. */
static struct msld_relay *
open_key(const char *key)
{
	struct msld_relay *r = msld_relay_take(&d, key);

	MSL_CHECK(r != NULL);
	if (r != NULL)
		msld_relay_to_lru(&d, r);
	return r;
}

static void
key_of(char *buf, size_t cap, int i)
{
	snprintf(buf, cap, "mailslot-%d", i);
}

/* fill starts afresh and opens mailslot-0 .. mailslot-<cap-1>, oldest
 * first; returns the capacity. */
static int
fill(void)
{
	char k[32];

	setup();
	for (int i = 0; i < d.relays.cap; i++) {
		key_of(k, sizeof k, i);
		open_key(k);
	}
	return d.relays.cap;
}

static void
test_capacity_follows_the_descriptor_limit(void)
{
	struct rlimit rl;

	setup();
	MSL_CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	/* The soft limit was raised to the hard one. */
	MSL_CHECK(rl.rlim_cur == rl.rlim_max);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)MSLD_RELAYS_MAX * MSLD_RELAY_FDS)
		MSL_CHECK_EQ((rlim_t)d.relays.cap,
		    (rl.rlim_cur - MSLD_FD_RESERVE) / MSLD_RELAY_FDS < MSLD_RELAYS_MIN ? MSLD_RELAYS_MIN
		    : (rl.rlim_cur - MSLD_FD_RESERVE) / MSLD_RELAY_FDS);
	MSL_CHECK(d.relays.cap >= MSLD_RELAYS_MIN && d.relays.cap <= MSLD_RELAYS_MAX);
}

static void
test_find_and_release(void)
{
	char k[32];
	int n;

	n = fill();
	for (int i = 0; i < n; i++) {
		key_of(k, sizeof k, i);
		struct msld_relay *r = msld_relay_find(&d, k);
		MSL_CHECK(r != NULL && strcmp(r->key, k) == 0);
	}
	MSL_CHECK(msld_relay_find(&d, "nobody") == NULL);
	msld_relay_release(&d, msld_relay_find(&d, "mailslot-7"));
	MSL_CHECK(msld_relay_find(&d, "mailslot-7") == NULL);
	MSL_CHECK(msld_relay_find(&d, "mailslot-8") != NULL);
	/* The freed handle is taken before anyone is evicted. */
	open_key("again");
	MSL_CHECK(msld_relay_find(&d, "mailslot-0") != NULL);
}

static void
test_least_recently_used_is_evicted(void)
{
	fill();
	/* mailslot-0 is used again: mailslot-1 is now the oldest. */
	msld_relay_to_lru(&d, msld_relay_find(&d, "mailslot-0"));
	open_key("newcomer");
	MSL_CHECK(msld_relay_find(&d, "mailslot-1") == NULL);
	MSL_CHECK(msld_relay_find(&d, "mailslot-0") != NULL);
	MSL_CHECK(msld_relay_find(&d, "newcomer") != NULL);
	open_key("second");
	MSL_CHECK(msld_relay_find(&d, "mailslot-2") == NULL);
}

static void
test_opening_handles_are_never_evicted(void)
{
	char k[32];
	int n;

	setup();
	n = d.relays.cap;
	/* Half the table opening, half open. */
	for (int i = 0; i < n; i++) {
		struct msld_relay *r;
		key_of(k, sizeof k, i);
		r = msld_relay_take(&d, k);
		MSL_CHECK(r != NULL);
		if (r == NULL)
			return;
		if (i % 2)
			msld_relay_to_opening(&d, r);
		else
			msld_relay_to_lru(&d, r);
	}
	MSL_CHECK_EQ(d.relays.nopening, n / 2);
	for (int i = 0; i < n / 2; i++) {
		key_of(k, sizeof k, n + i);
		open_key(k);
	}
	/* Every open one made room; every opening one is still there. */
	for (int i = 1; i < n; i += 2) {
		key_of(k, sizeof k, i);
		MSL_CHECK(msld_relay_find(&d, k) != NULL);
	}
	MSL_CHECK(msld_relay_take(&d, "no-room-left-but-opening") != NULL);
	/* Once only opening ones are left, a take finds no room. */
	for (int i = 0; i < n / 2; i++) {
		key_of(k, sizeof k, n + i);
		struct msld_relay *r = msld_relay_find(&d, k);
		if (r != NULL)
			msld_relay_to_opening(&d, r);
	}
	MSL_CHECK(msld_relay_take(&d, "none") == NULL);
}

MSL_TEST_LIST(
    MSL_TEST(test_capacity_follows_the_descriptor_limit),
    MSL_TEST(test_find_and_release),
    MSL_TEST(test_least_recently_used_is_evicted),
    MSL_TEST(test_opening_handles_are_never_evicted))
