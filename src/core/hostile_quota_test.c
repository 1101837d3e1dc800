/* SPDX-License-Identifier: MIT */
/*
 * hostile_quota_test.c - writers that try to jump the queue or take the
 * memory: a forged time, a message above the quota, partial frames, a
 * flood against the per-user share.
 */
#include "hostile_testlib.h"

/* ---- 6. a forged time must not jump the queue ---- */

/*
 * An honest write returns; the server drains (get_info scans every pipe);
 * then a raw writer sends a frame stamped 0.  FIFO holds: the honest
 * message comes first, and the forged one shows a send time no earlier
 * than the server's own observation.  Once with two writers (every scan
 * reads every pipe), once with idle ones too (scans ask the readiness set).
 */
static void
case_forged_time_cannot_jump_queue(void)
{
	for (int idle = 0; idle <= 3; idle += 3) {
		mailslot_server *s;
		mailslot_client *c, *extra[3];
		mailslot_info in;
		mailslot_msginfo a, b;
		raw_writer h;

		fresh_namespace(idle ? "forged-many" : "forged");
		MSL_CHECK_EQ(mailslot_create("fifo", NULL, &s), MAILSLOT_OK);
		MSL_CHECK_EQ(raw_open("fifo", MSL_ROLE_WRITER, -1, &h), MAILSLOT_OK);
		for (int i = 0; i < idle; i++)
			MSL_CHECK_EQ(mailslot_open("fifo", &extra[i]), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_open("fifo", &c), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_write(c, "honest", 6), MAILSLOT_OK);
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		MSL_CHECK_EQ(in.count, 1);
		MSL_CHECK_EQ(raw_frame(&h, 0, "forged", 6), 0);
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		MSL_CHECK_EQ(in.count, 2); /* both queued: the merge decides */
		MSL_CHECK(read_is(s, "honest", 1000, &a));
		MSL_CHECK(read_is(s, "forged", 1000, &b));
		MSL_CHECK(b.sent_ns >= a.sent_ns);
		/* A time in the future is the server's own reading time. */
		uint64_t before = msl_now_ns();
		MSL_CHECK_EQ(raw_frame(&h, UINT64_MAX, "future", 6), 0);
		MSL_CHECK(read_is(s, "future", 1000, &b));
		MSL_CHECK(b.sent_ns >= before && b.sent_ns <= msl_now_ns());
		for (int i = 0; i < idle; i++)
			mailslot_client_close(extra[i]);
		mailslot_client_close(c);
		raw_close(&h);
		mailslot_close(s);
	}
}

static void
test_forged_time_cannot_jump_queue(void)
{
	in_child(case_forged_time_cannot_jump_queue);
}

/* ---- 7. a message larger than the quota ---- */

/* It fails with FULL at once (it can never fit), and the handle works on. */
static void
case_message_above_quota_is_full(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	size_t big = 2u << 20;
	char *m = calloc(1, big);

	fresh_namespace("overquota");
	MSL_CHECK(m != NULL);
	mailslot_options_init(&o);
	o.quota_bytes = 1u << 20;
	MSL_CHECK_EQ(mailslot_create("q", &o, &s), MAILSLOT_OK);
	MSL_CHECK_EQ(mailslot_open("q", &c), MAILSLOT_OK);
	MSL_CHECK_EQ(mailslot_write(c, m, big), MAILSLOT_E_FULL);
	MSL_CHECK_EQ(mailslot_write(c, "small", 5), MAILSLOT_OK);
	MSL_CHECK(read_is(s, "small", 1000, NULL));
	/* Exactly the quota fits. */
	MSL_CHECK_EQ(mailslot_write(c, m, o.quota_bytes), MAILSLOT_OK);
	size_t n;
	MSL_CHECK_EQ(mailslot_read_for(s, m, big, &n, NULL, 5000), MAILSLOT_OK);
	MSL_CHECK_EQ(n, o.quota_bytes);
	mailslot_client_close(c);
	mailslot_close(s);
	free(m);
}

static void
test_message_above_quota_is_full(void)
{
	in_child(case_message_above_quota_is_full);
}

/* ---- 4. partial frames must not bypass the quota ---- */

#define PARKERS 16
#define PARK_FRAME (3u << 20)
#define PARK_QUOTA (4u << 20)

/*
 * PARKERS writers each start a frame of PARK_FRAME bytes and never finish
 * it, feeding the server all it will read.  What the server took in (sent
 * minus what is still in the pipes) must stay within the quota plus one
 * pipe per writer.  Once they are gone, an honest writer gets in again.
 */
static void
case_partial_frames_within_quota(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	mailslot_info in;
	raw_writer w[PARKERS];
	size_t sent[PARKERS];
	static char chunk[65536];

	fresh_namespace("partial");
	mailslot_options_init(&o);
	o.quota_bytes = PARK_QUOTA;
	MSL_CHECK_EQ(mailslot_create("q", &o, &s), MAILSLOT_OK);
	for (int i = 0; i < PARKERS; i++) {
		msl_frame f = { .len = PARK_FRAME, .ts = msl_now_ns() };
		MSL_CHECK_EQ(raw_open("q", MSL_ROLE_WRITER, -1, &w[i]), MAILSLOT_OK);
		MSL_CHECK_EQ(raw_write(&w[i], &f, sizeof f), (ssize_t)sizeof f);
		sent[i] = 0;
	}
	/* Until the server takes no more: every round, fill each pipe, then
	 * let the server drain. */
	for (int progress = 1, round = 0; progress && round < 1000; round++) {
		progress = 0;
		for (int i = 0; i < PARKERS; i++) {
			for (;;) {
				size_t n = PARK_FRAME - 1 - sent[i]; /* never the last byte */
				ssize_t r = raw_write(&w[i], chunk, n < sizeof chunk ? n : sizeof chunk);
				if (r <= 0)
					break;
				sent[i] += (size_t)r;
				progress = 1;
			}
		}
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
	}
	uint64_t taken = 0;
	for (int i = 0; i < PARKERS; i++) {
		size_t pending = msl_ring_w_pending(&w[i].ring);
		taken += sent[i] - pending;
	}
	printf("(%d parked frames: the server holds %llu KiB, quota %u KiB) ", PARKERS,
	    (unsigned long long)(taken >> 10), PARK_QUOTA >> 10);
	MSL_CHECK(taken <= PARK_QUOTA + PARKERS * (uint64_t)w[0].ring.cap);
	for (int i = 0; i < PARKERS; i++)
		raw_close(&w[i]);
	/* Their partial frames are dropped with them: room again. */
	MSL_CHECK_EQ(mailslot_open("q", &c), MAILSLOT_OK);
	mailslot_err e = MAILSLOT_E_FULL;
	for (int i = 0; i < 1000 && e == MAILSLOT_E_FULL; i++) {
		MSL_CHECK_EQ(mailslot_get_info(s, &in), MAILSLOT_OK);
		e = mailslot_write(c, "after", 5);
	}
	MSL_CHECK_EQ(e, MAILSLOT_OK);
	MSL_CHECK(read_is(s, "after", 1000, NULL));
	mailslot_client_close(c);
	mailslot_close(s);
}

static void
test_partial_frames_within_quota(void)
{
	in_child(case_partial_frames_within_quota);
}

/* ---- 8. one flooding writer cannot hold the whole quota ---- */

#define SHARE_QUOTA 1000u

/* nobody writes until FULL, reports how many went in, and stays. */
static int
attacker_flood(void)
{
	mailslot_client *c;
	uint32_t n = 0;

	if (become_nobody() != 0 || mailslot_open("shared", &c) != MAILSLOT_OK)
		return 1;
	while (n < 10000000 && mailslot_write(c, "flood", 5) == MAILSLOT_OK)
		n++;
	if (write(att_ready[1], &n, sizeof n) != sizeof n)
		return 2;
	int rc = hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 3;
	mailslot_client_close(c);
	return rc;
}

/*
 * The users with writers share the quota: with two, each may hold half.
 * nobody floods a mailslot of SHARE_QUOTA messages; root's writer must
 * still get its half in, and the reader gets every accepted message.
 */
static int
victim_share(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_options o;
	uint32_t flood = 0, mine = 0;
	int rc = 0;

	fresh_namespace("share");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 1;
	mailslot_options_init(&o);
	o.quota_messages = SHARE_QUOTA;
	if (mailslot_create("shared", &o, &s) != MAILSLOT_OK || mailslot_open("shared", &c) != MAILSLOT_OK)
		return 2;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_flood());
	if (msl_wait_fd(att_ready[0], POLLIN, VICTIM_DEADLINE_MS) <= 0 ||
	    read(att_ready[0], &flood, sizeof flood) != sizeof flood)
		return attacker_end(a, 3);
	mailslot_err e = MAILSLOT_OK;
	while (mine < SHARE_QUOTA / 2 && (e = mailslot_write(c, "mine", 4)) == MAILSLOT_OK)
		mine++;
	printf("(nobody flooded %u, root still wrote %u of a %u-message quota) ", flood, mine,
	    SHARE_QUOTA);
	if (mine < SHARE_QUOTA / 2)
		rc = 4; /* starved */
	/* Everything accepted is delivered. */
	uint32_t got = 0;
	char buf[8];
	size_t n;
	while (rc == 0 && got < flood + mine &&
	    mailslot_read_for(s, buf, sizeof buf, &n, NULL, 2000) == MAILSLOT_OK)
		got++;
	if (rc == 0 && got != flood + mine)
		rc = 5;
	mailslot_client_close(c);
	rc = attacker_end(a, rc);
	mailslot_close(s);
	return rc;
}

static void
test_flooder_gets_a_fair_share(void)
{
	run_as_root_victim(victim_share);
}

MSL_TEST_LIST(
    MSL_TEST(test_forged_time_cannot_jump_queue),
    MSL_TEST(test_message_above_quota_is_full),
    MSL_TEST(test_partial_frames_within_quota),
    MSL_TEST(test_flooder_gets_a_fair_share))
