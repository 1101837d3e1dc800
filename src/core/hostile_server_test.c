/* SPDX-License-Identifier: MIT */
/*
 * hostile_server_test.c - local servers that break the rules against
 * their writers: a live page that is a trap, a false claim of owner in
 * the listing.
 */
#include "hostile_testlib.h"

/* ---- 2. a hostile server must not crash its writers ---- */

/*
 * The raw server: it listens on the mailslot's name, takes one writer and
 * acks it with a "live page" that is a trap, then reads what the writer
 * sends.  Modes: an empty sealed memfd; an unsealed one that it truncates
 * after the ack; a sealed short one with a slot far past its end.
 */
enum { TRAP_EMPTY, TRAP_TRUNCATE, TRAP_SHORT, TRAP_COUNT };

static int
evil_server(const char *hex, int mode)
{
	int l, fd, fds[2], pipe_fd;
	msl_hello h;
	msl_ack_live al;

	if (msl_listen_abstract(hex, &l) != 0)
		return 1;
	say(att_ready[1], 'l');
	if (msl_wait_fd(l, POLLIN, 5000) <= 0 || (fd = msl_accept(l)) < 0)
		return 2;
	if (msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    msl_recv_fds(fd, &h, sizeof h, fds, 2, 0) != (ssize_t)sizeof h || fds[0] < 0)
		return 3;
	pipe_fd = fds[0];
	int mfd = memfd_create("trap", MFD_ALLOW_SEALING);
	if (mfd < 0)
		return 4;
	if (mode == TRAP_TRUNCATE && ftruncate(mfd, 1 << 20) != 0)
		return 5;
	if (mode == TRAP_SHORT && ftruncate(mfd, 4096) != 0)
		return 5;
	if (mode != TRAP_TRUNCATE && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
		return 6;
	memset(&al, 0, sizeof al);
	al.ack.magic = MSL_MAGIC;
	al.ack.status = MAILSLOT_OK;
	al.slot = mode == TRAP_SHORT ? 100000 : 0;
	al.gen = 1;
	if (msl_send_fds(fd, &al, sizeof al, &mfd, 1) != (ssize_t)sizeof al)
		return 7;
	if (mode == TRAP_TRUNCATE && ftruncate(mfd, 0) != 0)
		return 8;
	say(att_ready[1], 'a');
	/* The writer's two frames arrive whole, in its ring. */
	msl_ring_r ring;
	if (msl_ring_r_adopt(pipe_fd, &ring) != 0)
		return 9;
	for (int i = 0; i < 2; i++) {
		unsigned char buf[sizeof(msl_frame) + 2];
		size_t got = 0;
		for (int k = 0; k < 500 && got < sizeof buf; k++) {
			ssize_t r = msl_ring_r_read(&ring, buf + got, sizeof buf - got);
			got += r > 0 ? (size_t)r : 0;
			char bell[16];
			if (got < sizeof buf && msl_wait_fd(fd, POLLIN, 10) > 0)
				(void)recv(fd, bell, sizeof bell, MSG_DONTWAIT); /* its doorbell */
		}
		if (got != sizeof buf || memcmp(buf + sizeof(msl_frame), "hi", 2) != 0)
			return 9;
	}
	/* Then it goes away: the writer learns it by polling the control socket. */
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 10;
}

static int
victim_sigbus(void)
{
	mailslot_name n;
	char hex[33];

	fresh_namespace("sigbus");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0 || mailslot_name_parse("evil", 1, &n) != MAILSLOT_OK)
		return 1;
	msl_key_hash(n.key, hex);
	for (int mode = 0; mode < TRAP_COUNT; mode++) {
		mailslot_client *c;
		pid_t a = fork();
		if (a == 0)
			_exit(evil_server(hex, mode));
		if (hear(att_ready[0], 5000) != 'l')
			return attacker_end(a, 20 + mode);
		if (mailslot_open("evil", &c) != MAILSLOT_OK)
			return attacker_end(a, 23 + mode);
		if (hear(att_ready[0], 5000) != 'a')
			return attacker_end(a, 26 + mode);
		/* Were the trap mapped, the first write would die of SIGBUS. */
		if (mailslot_write(c, "hi", 2) != MAILSLOT_OK || mailslot_write(c, "hi", 2) != MAILSLOT_OK)
			return attacker_end(a, 30 + mode);
		int rc = attacker_end(a, 0);
		/* Without a live page the writer polls: it still sees the end. */
		if (rc == 0 && mailslot_write(c, "hi", 2) != MAILSLOT_E_GONE)
			rc = 40 + mode;
		mailslot_client_close(c);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static void
test_hostile_live_page_cannot_crash_writer(void)
{
	MSL_CHECK_EQ(run_bounded(victim_sigbus, VICTIM_DEADLINE_MS), 0);
}

/* ---- 9. mailslot_list shows the kernel's owner, not the server's claim ---- */

/* nobody serves one INFO hello on a name, claiming root and pid 1. */
static int
attacker_claims_root(const char *hex)
{
	int l, fd, fds[2];
	msl_hello h;
	msl_ack a;

	if (become_nobody() != 0 || msl_listen_abstract(hex, &l) != 0)
		return 1;
	say(att_ready[1], 'l');
	if (msl_wait_fd(l, POLLIN, 5000) <= 0 || (fd = msl_accept(l)) < 0 ||
	    msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    msl_recv_fds(fd, &h, sizeof h, fds, 2, 0) != (ssize_t)sizeof h)
		return 2;
	memset(&a, 0, sizeof a);
	a.magic = MSL_MAGIC;
	a.status = MAILSLOT_OK;
	a.pid = 1;
	a.uid = 0;
	strcpy(a.path, "claims-root");
	if (send(fd, &a, sizeof a, 0) != (ssize_t)sizeof a)
		return 3;
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 4;
}

typedef struct listed {
	pid_t pid;
	uid_t uid;
	int seen;
} listed;

static int
list_cb(const mailslot_entry *e, void *arg)
{
	listed *l = arg;
	if (strcmp(e->name, "\\\\.\\mailslot\\claims-root") == 0) {
		l->pid = e->pid;
		l->uid = e->uid;
		l->seen++;
	}
	return 0;
}

static int
victim_list(void)
{
	mailslot_name n;
	char hex[33];
	listed l = { 0, 0, 0 };

	fresh_namespace("list");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0 ||
	    mailslot_name_parse("claims-root", 1, &n) != MAILSLOT_OK)
		return 1;
	msl_key_hash(n.key, hex);
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_claims_root(hex));
	if (hear(att_ready[0], 5000) != 'l' || mailslot_list(list_cb, &l) != MAILSLOT_OK)
		return attacker_end(a, 2);
	if (l.seen != 1)
		return attacker_end(a, 3);
	if (l.pid != a || l.uid != getpwnam("nobody")->pw_uid)
		return attacker_end(a, 4); /* the claim was shown */
	return attacker_end(a, 0);
}

static void
test_list_shows_kernel_owner(void)
{
	run_as_root_victim(victim_list);
}

MSL_TEST_LIST(
    MSL_TEST(test_hostile_live_page_cannot_crash_writer),
    MSL_TEST(test_list_shows_kernel_owner))
