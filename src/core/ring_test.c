/* SPDX-License-Identifier: MIT */
/*
 * ring_test.c - the local transport's data channel and its costs: the
 * descriptors an idle mailslot holds, and (with the shared-memory rings)
 * the wake-up protocol between writers and a sleeping reader.
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"
#include "core.h"
#include "local.h"
#include "msl_test.h"
#include "ring.h"

#define fresh_namespace(tag) msl_test_namespace("ring", tag)

/* count_fds counts this process's open descriptors. */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n - 3; /* ".", ".." and the directory's own descriptor */
}

static int
wait_child(pid_t p)
{
	int st;
	while (waitpid(p, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * spawn_held forks a child that runs fn(arg) once released (release), so
 * that the fork happens before this process starts any thread: a fork
 * after them would be unsafe (and ThreadSanitizer says so).
 */
static pid_t
spawn_held(int (*fn)(const void *), const void *arg, int *go)
{
	int p[2];
	char b;

	if (pipe(p) != 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &b, 1) == 1 ? fn(arg) : 99);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static void
release(int go)
{
	MSL_CHECK_EQ(write(go, "g", 1), 1);
	close(go);
}

#define IDLE_N 200

/* idle_writer opens each idle mailslot, writes and closes. */
static int
idle_writer(const void *arg)
{
	char name[32];

	(void)arg;
	for (int i = 1; i < IDLE_N; i++) {
		mailslot_client *c;
		snprintf(name, sizeof name, "idle%d", i);
		if (mailslot_open(name, &c) != MAILSLOT_OK ||
		    mailslot_write(c, name, strlen(name)) != MAILSLOT_OK)
			return 1;
		mailslot_client_close(c);
	}
	return 0;
}

/*
 * An idle mailslot holds one descriptor, its listening socket, and so does
 * one whose writers wrote and left, once their connections are gone:
 * ten thousand fit under a limit of twenty thousand.
 */
static void
test_idle_mailslot_holds_one_descriptor(void)
{
	static mailslot_server *s[IDLE_N];
	char name[32];

	fresh_namespace("idle");
	int go;
	pid_t p = spawn_held(idle_writer, NULL, &go);
	MSL_CHECK(p > 0);
	/* The first one starts the process's intake thread and live page. */
	MSL_CHECK_ERR(mailslot_create("warm", NULL, &s[0]), MAILSLOT_OK);
	int fds0 = count_fds();
	for (int i = 1; i < IDLE_N; i++) {
		snprintf(name, sizeof name, "idle%d", i);
		MSL_CHECK_ERR(mailslot_create(name, NULL, &s[i]), MAILSLOT_OK);
	}
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	/* Another process opens each one, writes and closes, as a Windows
	 * client does. */
	release(go);
	fds0--; /* the release pipe is closed */
	MSL_CHECK_EQ(wait_child(p), 0);
	/* The intake thread ends each connection once it sees the writer
	 * gone; the messages stay queued without a descriptor. */
	for (int k = 0; k < 10000 && count_fds() - fds0 > IDLE_N - 1; k++)
		usleep(1000); /* at most 10 s */
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	for (int i = 1; i < IDLE_N; i++) {
		char buf[32];
		size_t n;
		snprintf(name, sizeof name, "idle%d", i);
		MSL_CHECK_ERR(mailslot_read_for(s[i], buf, sizeof buf, &n, NULL, 0), MAILSLOT_OK);
		MSL_CHECK(n == strlen(name) && memcmp(buf, name, n) == 0);
	}
	MSL_CHECK_EQ(count_fds() - fds0, IDLE_N - 1);
	for (int i = 0; i < IDLE_N; i++)
		mailslot_close(s[i]);
}

/*
 * The wake-up protocol (ring.h), aimed at lost wake-ups: a writer in
 * another process streams numbered messages through a ring that holds one
 * message, or sixteen, so it waits for room at almost every write, while
 * the reader sleeps whenever the queue is empty.  A lost doorbell leaves
 * the reader asleep until its read times out; a lost ROOM notice leaves
 * the writer waiting until its write fails.  Both fail the test, which
 * also bounds the time.  Messages arrive exactly once, in order.
 */
#define WAKE_MSGS 200000

typedef struct wake_job {
	const char *name;
	size_t msg;
	uint32_t count;
} wake_job;

static int
wake_writer(const void *arg)
{
	const wake_job *j = arg;
	const char *name = j->name;
	size_t msg = j->msg;
	uint32_t count = j->count;
	mailslot_name n;
	mailslot_client *c;
	unsigned char buf[4096];

	if (mailslot_name_parse(name, 1, &n) != MAILSLOT_OK ||
	    msl_client_open_ring(&n, MSL_ROLE_WRITER, MSL_RING_CAP_MIN, &c) != MAILSLOT_OK)
		return 1;
	memset(buf, 0x5a, sizeof buf);
	for (uint32_t i = 0; i < count; i++) {
		memcpy(buf, &i, sizeof i);
		mailslot_err e = mailslot_write(c, buf, msg);
		if (e != MAILSLOT_OK) {
			fprintf(stderr, "  write %u: %s\n", i, mailslot_error_name(e));
			return 2;
		}
	}
	mailslot_client_close(c);
	return 0;
}

static void
wake_case(const char *name, size_t msg, uint32_t count)
{
	mailslot_server *s;
	mailslot_options o;
	unsigned char buf[4096];
	size_t n;

	wake_job j = { name, msg, count };
	int go;
	pid_t p = spawn_held(wake_writer, &j, &go);
	MSL_CHECK(p > 0);
	mailslot_options_init(&o);
	MSL_CHECK_ERR(mailslot_create(name, &o, &s), MAILSLOT_OK);
	release(go);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t v;
		mailslot_err e = mailslot_read_for(s, buf, sizeof buf, &n, NULL, 5000);
		if (e != MAILSLOT_OK)
			fprintf(stderr, "  read %u of %u: %s\n", i, count, mailslot_error_name(e));
		MSL_CHECK_ERR(e, MAILSLOT_OK);
		MSL_CHECK_EQ(n, msg);
		memcpy(&v, buf, sizeof v);
		MSL_CHECK_EQ(v, i);
	}
	MSL_CHECK_EQ(wait_child(p), 0);
	mailslot_close(s);
}

static void
test_no_lost_wakeups_one_message_ring(void)
{
	fresh_namespace("wake1");
	/* A frame of more than half the ring: one at a time. */
	wake_case("wake1", MSL_RING_CAP_MIN - sizeof(msl_frame) - 100, WAKE_MSGS / 4);
}

static void
test_no_lost_wakeups_sixteen_message_ring(void)
{
	fresh_namespace("wake16");
	wake_case("wake16", MSL_RING_CAP_MIN / 16 - sizeof(msl_frame), WAKE_MSGS);
}

static void
test_no_lost_wakeups_tiny_messages(void)
{
	fresh_namespace("wake0");
	wake_case("wake0", sizeof(uint32_t), WAKE_MSGS * 2);
}

/* ring_hello shakes hands with `fd` as the ring, for the raw cases. */
static mailslot_err
ring_hello(const char *name, int fd, int *ctrl)
{
	mailslot_name n;
	char hex[33];
	msl_ack_live al;
	int lfd = -1;

	if (mailslot_name_parse(name, 1, &n) != MAILSLOT_OK)
		return MAILSLOT_E_INVAL;
	msl_key_hash(n.key, hex);
	mailslot_err e = msl_hello_call(hex, n.key, MSL_ROLE_WRITER, fd, ctrl, &al, &lfd);
	if (lfd >= 0)
		close(lfd);
	return e;
}

/*
 * A ring the server could be made to fault on is refused: not sealed
 * against shrinking (the writer could truncate it), too small, of a size
 * that is no power of two, sealed against the server's writes, or no
 * memfd at all.  The server goes on serving.
 */
static void
test_unsafe_rings_refused(void)
{
	mailslot_server *s;
	mailslot_client *c;
	int ctrl;
	char buf[8];
	size_t n;
	struct { size_t size; int seals; } bad[] = {
		{ MSL_RING_HDR + MSL_RING_CAP, F_SEAL_GROW },
		{ MSL_RING_HDR + MSL_RING_CAP, -1 },
		{ MSL_RING_HDR, F_SEAL_SHRINK | F_SEAL_GROW },
		{ MSL_RING_HDR + 5000, F_SEAL_SHRINK | F_SEAL_GROW },
		{ MSL_RING_HDR + MSL_RING_CAP, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE },
	};

	fresh_namespace("unsafe");
	MSL_CHECK_ERR(mailslot_create("unsafe", NULL, &s), MAILSLOT_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int fd = memfd_create("bad", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		MSL_CHECK(fd >= 0);
		MSL_CHECK_EQ(ftruncate(fd, (off_t)bad[i].size), 0);
		if (bad[i].seals >= 0)
			MSL_CHECK_EQ(fcntl(fd, F_ADD_SEALS, bad[i].seals), 0);
		MSL_CHECK_ERR(ring_hello("unsafe", fd, &ctrl), MAILSLOT_E_PROTO);
		close(fd);
	}
	int sp[2];
	MSL_CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	MSL_CHECK_ERR(ring_hello("unsafe", sp[0], &ctrl), MAILSLOT_E_PROTO);
	close(sp[0]);
	close(sp[1]);
	MSL_CHECK_ERR(mailslot_open("unsafe", &c), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_write(c, "still", 5), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 2000), MAILSLOT_OK);
	MSL_CHECK(n == 5 && memcmp(buf, "still", 5) == 0);
	mailslot_client_close(c);
	mailslot_close(s);
}

/*
 * A writer that scribbles over its own ring only damages its own
 * messages: one whose tail runs past what the ring can hold is ended
 * (what it published whole before is delivered), one that rewrites bytes
 * after publishing gets what the server copied, and one that rings
 * without saying so does not keep the reader spinning.  An honest writer
 * beside them gets every message through, in order.
 */
static void
test_hostile_ring_harms_only_itself(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_info in;
	msl_ring_w w;
	int ctrl;
	unsigned char buf[64];
	size_t n;

	fresh_namespace("scribble");
	MSL_CHECK_ERR(mailslot_create("scribble", NULL, &s), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_open("scribble", &c), MAILSLOT_OK);
	int fd = msl_ring_w_create(&w, MSL_RING_CAP_MIN);
	MSL_CHECK(fd >= 0);
	MSL_CHECK_ERR(ring_hello("scribble", fd, &ctrl), MAILSLOT_OK);
	close(fd);
	MSL_CHECK_ERR(mailslot_write(c, "a", 1), MAILSLOT_OK);
	unsigned char rec[sizeof(msl_frame) + 4];
	msl_frame f = { .len = 4, .ts = msl_now_ns() };
	memcpy(rec, &f, sizeof f);
	memcpy(rec + sizeof f, "evil", 4);
	msl_ring_w_put(&w, 0, rec, sizeof rec);
	(void)msl_ring_w_publish(&w, sizeof rec);
	MSL_CHECK_EQ(send(ctrl, "b", 1, 0), 1);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.count, 2);
	/* Rewritten after the server copied it: the copy is what counts. */
	memset(w.data, 0xff, sizeof rec);
	MSL_CHECK_ERR(mailslot_write(c, "b", 1), MAILSLOT_OK);
	/* A tail no ring can have ends that writer, and only it. */
	(void)msl_ring_w_publish(&w, w.cap + 1);
	/* Doorbells nobody announced: the reader must still sleep. */
	for (int i = 0; i < 50; i++)
		(void)send(ctrl, "b", 1, MSG_DONTWAIT);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.writers, 1);
	const char *want[] = { "a", "evil", "b" };
	for (int i = 0; i < 3; i++) {
		MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 2000), MAILSLOT_OK);
		MSL_CHECK(n == strlen(want[i]) && memcmp(buf, want[i], n) == 0);
	}
	MSL_CHECK_ERR(mailslot_write(c, "c", 1), MAILSLOT_OK);
	MSL_CHECK_ERR(mailslot_read_for(s, buf, sizeof buf, &n, NULL, 2000), MAILSLOT_OK);
	MSL_CHECK(n == 1 && buf[0] == 'c');
	close(ctrl);
	msl_ring_w_destroy(&w);
	mailslot_client_close(c);
	mailslot_close(s);
}

/*
 * A hostile server may write anything into a writer's ring, header
 * included (it maps it read-write): a nonsense head, a forged bell, junk
 * where the writers' lock would be.  Each write must still return within
 * its bound, with OK or FULL, and never fault.  The server is played by a
 * thread of this process that holds the name.
 */
typedef struct scribbler {
	int listen;
	int ok;
} scribbler;

static void *
scribble_server(void *arg)
{
	scribbler *z = arg;
	int fd, fds[2];
	msl_hello h;
	msl_ack_live al;
	msl_ring_r r;

	if (msl_wait_fd(z->listen, POLLIN, 5000) <= 0 || (fd = msl_accept(z->listen)) < 0)
		return NULL;
	if (msl_wait_fd(fd, POLLIN, 5000) <= 0 ||
	    msl_recv_fds(fd, &h, sizeof h, fds, 2, 0) != (ssize_t)sizeof h || fds[0] < 0 ||
	    msl_ring_r_adopt(fds[0], &r) != 0)
		return NULL;
	close(fds[0]);
	memset(r.h, 0xff, MSL_RING_HDR);
	memset(&al, 0, sizeof al);
	al.ack.magic = MSL_MAGIC;
	al.ack.status = MAILSLOT_OK;
	if (send(fd, &al.ack, sizeof al.ack, 0) == (ssize_t)sizeof al.ack)
		z->ok = 1;
	/* Keep scribbling while the writer writes, then go away. */
	for (int i = 0; i < 2000; i++) {
		memset(r.h, i & 1 ? 0xff : 0x00, MSL_RING_HDR);
		usleep(100);
	}
	close(fd);
	msl_ring_r_drop(&r);
	return NULL;
}

static void
test_hostile_server_cannot_hang_writer(void)
{
	scribbler z = { -1, 0 };
	mailslot_name n;
	mailslot_client *c;
	char hex[33], buf[1024];
	pthread_t t;

	fresh_namespace("scribbler");
	MSL_CHECK_ERR(mailslot_name_parse("victim", 1, &n), MAILSLOT_OK);
	msl_key_hash(n.key, hex);
	MSL_CHECK_EQ(msl_listen_abstract(hex, &z.listen), 0);
	MSL_CHECK_EQ(pthread_create(&t, NULL, scribble_server, &z), 0);
	MSL_CHECK_ERR(msl_client_open_role(&n, MSL_ROLE_WRITER, &c), MAILSLOT_OK);
	memset(buf, 'x', sizeof buf);
	int ok = 0, full = 0;
	for (int i = 0; i < 2000; i++) {
		mailslot_err e = msl_local_write(c, buf, sizeof buf, NULL, 20);
		MSL_CHECK(e == MAILSLOT_OK || e == MAILSLOT_E_FULL || e == MAILSLOT_E_GONE ||
		    e == MAILSLOT_E_TIMEOUT);
		ok += e == MAILSLOT_OK;
		full += e != MAILSLOT_OK;
	}
	printf("(%d written, %d refused) ", ok, full);
	pthread_join(t, NULL);
	MSL_CHECK(z.ok);
	mailslot_client_close(c);
	close(z.listen);
}

/*
 * Large frames (MSL_DIRECT_MIN and more) are delivered straight from the
 * writer's ring.  Two writers in other processes interleave 32-64 KiB
 * messages; every one arrives whole, once, in each writer's order; a
 * short buffer gets BUFSIZE and keeps the message; and the messages of a
 * writer killed with bodies still in its ring are all delivered.
 */
#define BIG_MSGS 300

static void
big_fill(unsigned char *m, uint32_t w, uint32_t i, size_t len)
{
	memcpy(m, &w, sizeof w);
	memcpy(m + 4, &i, sizeof i);
	for (size_t k = 8; k < len; k++)
		m[k] = (unsigned char)(k * 7 + i * 13 + w);
}

static size_t
big_len(uint32_t w, uint32_t i)
{
	return 32 * 1024 + (i * 977 + w * 131) % (32 * 1024);
}

static int
big_writer(const void *arg)
{
	uint32_t w = *(const uint32_t *)arg;
	static unsigned char m[64 * 1024];
	mailslot_client *c;

	if (mailslot_open("big", &c) != MAILSLOT_OK)
		return 1;
	for (uint32_t i = 0; i < BIG_MSGS; i++) {
		big_fill(m, w, i, big_len(w, i));
		mailslot_err e = mailslot_write(c, m, big_len(w, i));
		if (e != MAILSLOT_OK) {
			fprintf(stderr, "  writer %u, message %u: %s\n", w, i, mailslot_error_name(e));
			return 2;
		}
	}
	if (w == 2)
		raise(SIGKILL); /* its last bodies may still be in its ring */
	mailslot_client_close(c);
	return 0;
}

static void
test_large_frames_from_the_ring(void)
{
	static unsigned char got[64 * 1024], want[64 * 1024];
	static const uint32_t ids[3] = { 0, 1, 2 };
	mailslot_server *s;
	mailslot_info in;
	uint32_t next[3] = { 0, 0, 0 };
	int go[3];
	pid_t p[3];
	size_t n;

	fresh_namespace("big");
	for (int k = 0; k < 3; k++)
		MSL_CHECK((p[k] = spawn_held(big_writer, &ids[k], &go[k])) > 0);
	MSL_CHECK_ERR(mailslot_create("big", NULL, &s), MAILSLOT_OK);
	for (int k = 0; k < 3; k++)
		release(go[k]);
	/* Let the third one finish (and die) before anything is read. */
	MSL_CHECK_EQ(wait_child(p[2]), 128 + SIGKILL);
	for (uint32_t k = 0; k < 3 * BIG_MSGS; k++) {
		uint32_t w, i;
		if (k == 1) {
			MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
			MSL_CHECK(in.next_size >= 32 * 1024 && in.next_size < 64 * 1024);
			MSL_CHECK_ERR(mailslot_read_for(s, got, 100, &n, NULL, 0), MAILSLOT_E_BUFSIZE);
			MSL_CHECK_EQ(n, in.next_size);
		}
		MSL_CHECK_ERR(mailslot_read_for(s, got, sizeof got, &n, NULL, 5000), MAILSLOT_OK);
		memcpy(&w, got, sizeof w);
		memcpy(&i, got + 4, sizeof i);
		MSL_CHECK(w < 3);
		MSL_CHECK_EQ(i, next[w]);
		MSL_CHECK_EQ(n, big_len(w, i));
		big_fill(want, w, i, n);
		MSL_CHECK(memcmp(got, want, n) == 0);
		next[w]++;
	}
	MSL_CHECK_EQ(wait_child(p[0]), 0);
	MSL_CHECK_EQ(wait_child(p[1]), 0);
	MSL_CHECK_ERR(mailslot_get_info(s, &in), MAILSLOT_OK);
	MSL_CHECK_EQ(in.count, 0);
	MSL_CHECK_EQ(in.writers, 0);
	mailslot_close(s);
}

MSL_TEST_LIST(
    MSL_TEST(test_idle_mailslot_holds_one_descriptor),
    MSL_TEST(test_no_lost_wakeups_one_message_ring),
    MSL_TEST(test_no_lost_wakeups_sixteen_message_ring),
    MSL_TEST(test_no_lost_wakeups_tiny_messages),
    MSL_TEST(test_unsafe_rings_refused),
    MSL_TEST(test_hostile_ring_harms_only_itself),
    MSL_TEST(test_hostile_server_cannot_hang_writer),
    MSL_TEST(test_large_frames_from_the_ring))
