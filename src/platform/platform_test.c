/* SPDX-License-Identifier: MIT */
/*
 * platform_test.c - the operating-system layer through its own interface:
 * the errno mapping, readiness sets and event counters, and the checks
 * that keep a peer's shared memory from faulting us.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "msl_test.h"
#include "platform.h"

static void
test_sys_err_maps_resources(void)
{
	MSL_CHECK_EQ(msl_sys_err(ENOMEM), MAILSLOT_E_NOMEM);
	MSL_CHECK_EQ(msl_sys_err(EMFILE), MAILSLOT_E_NOMEM);
	MSL_CHECK_EQ(msl_sys_err(EACCES), MAILSLOT_E_ACCESS);
}

static void *
other_thread_errno(void *arg)
{
	*(int *)arg = mailslot_sys_errno();
	return NULL;
}

/* The errno behind MAILSLOT_E_SYS is kept, per thread. */
static void
test_sys_errno_is_kept_per_thread(void)
{
	pthread_t th;
	int seen = -1;

	MSL_CHECK_EQ(msl_sys_err(EIO), MAILSLOT_E_SYS);
	MSL_CHECK_EQ(mailslot_sys_errno(), EIO);
	MSL_CHECK_EQ(msl_sys_err(ENOMEM), MAILSLOT_E_NOMEM);
	MSL_CHECK_EQ(mailslot_sys_errno(), EIO); /* only SYS replaces it */
	MSL_CHECK_EQ(pthread_create(&th, NULL, other_thread_errno, &seen), 0);
	pthread_join(th, NULL);
	MSL_CHECK_EQ(seen, 0);
}

static void
test_pollset_and_event(void)
{
	int set = msl_pollset_open(), ev = msl_event_open(), tag;
	msl_pollev out[4];

	MSL_CHECK(set >= 0 && ev >= 0);
	MSL_CHECK_EQ(msl_pollset_add(set, ev, MSL_POLL_IN | MSL_POLL_ONESHOT, &tag), 0);
	MSL_CHECK_EQ(msl_pollset_wait(set, out, 4, 0), 0);
	MSL_CHECK_EQ(msl_event_set(ev), 0);
	MSL_CHECK_EQ(msl_pollset_wait(set, out, 4, 1000), 1);
	MSL_CHECK(out[0].ptr == &tag && (out[0].events & MSL_POLL_IN));
	/* One-shot: silent until re-armed, though still signalled. */
	MSL_CHECK_EQ(msl_pollset_wait(set, out, 4, 0), 0);
	MSL_CHECK_EQ(msl_pollset_mod(set, ev, MSL_POLL_IN, &tag), 0);
	MSL_CHECK_EQ(msl_pollset_wait(set, out, 4, 0), 1);
	MSL_CHECK_EQ(msl_event_clear(ev), 0);
	MSL_CHECK_EQ(msl_pollset_wait(set, out, 4, 0), 0);
	close(ev);
	close(set);
}

/* Memory that a peer could shrink under us is never mapped. */
static void
test_peer_memory_must_be_sealed_and_long(void)
{
	const void *map;
	void *own;
	int fd = memfd_create("t", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	MSL_CHECK(fd >= 0);
	MSL_CHECK_EQ(msl_shm_map_peer(fd, 4096, &map), -1); /* empty, unsealed */
	MSL_CHECK_EQ(ftruncate(fd, 4096), 0);
	MSL_CHECK_EQ(msl_shm_map_peer(fd, 4096, &map), -1); /* long, unsealed */
	close(fd);

	fd = msl_shm_create("t", 4096, &own);
	MSL_CHECK(fd >= 0);
	MSL_CHECK_EQ(msl_shm_map_peer(fd, 8192, &map), -1); /* sealed, short */
	MSL_CHECK_EQ(msl_shm_map_peer(fd, 4096, &map), 0);
	memset(own, 7, 4096);
	MSL_CHECK_EQ(((const unsigned char *)map)[4095], 7);
	msl_shm_unmap(map, 4096);
	msl_shm_unmap(own, 4096);
	close(fd);
}

static void *
hold_and_exit(void *mem)
{
	msl_robust_hold(mem);
	return NULL; /* ends holding the mutex: the kernel marks it */
}

/* robust_check makes a robust mutex, lets the caller or a thread that ends
 * hold it, and checks whether it reads as alive. */
static void
robust_check(int by_dead_thread)
{
	void *mem;
	pthread_t th;
	int fd;

	if (!msl_robust_supported())
		return;
	fd = msl_shm_create("t", 4096, &mem);
	MSL_CHECK(fd >= 0);
	MSL_CHECK_EQ(msl_robust_init(mem), 0);
	MSL_CHECK(!msl_robust_alive(mem));
	if (by_dead_thread) {
		MSL_CHECK_EQ(pthread_create(&th, NULL, hold_and_exit, mem), 0);
		pthread_join(th, NULL);
		MSL_CHECK(!msl_robust_alive(mem));
		MSL_CHECK_EQ(msl_robust_hold(mem), -1); /* EOWNERDEAD is not a hold */
	} else {
		MSL_CHECK_EQ(msl_robust_hold(mem), 0);
		MSL_CHECK(msl_robust_alive(mem));
	}
	msl_shm_unmap(mem, 4096);
	close(fd);
}

static void
test_robust_owner_death_is_seen(void)
{
	robust_check(1);
}

static void
test_robust_held_is_alive(void)
{
	robust_check(0);
}

MSL_TEST_LIST(
	MSL_TEST(test_sys_err_maps_resources),
	MSL_TEST(test_sys_errno_is_kept_per_thread),
	MSL_TEST(test_pollset_and_event),
	MSL_TEST(test_peer_memory_must_be_sealed_and_long),
	MSL_TEST(test_robust_owner_death_is_seen),
	MSL_TEST(test_robust_held_is_alive))
