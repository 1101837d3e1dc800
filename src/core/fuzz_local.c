/* SPDX-License-Identifier: MIT */
/*
 * fuzz_local.c - fuzz targets for the local wire formats (core.h), run
 * against a real server in this process:
 *
 *  - hello (MSL_FUZZ_TARGET_HELLO): the input is the first record a
 *    connection sends (byte 0, bit 0: a ring is attached; bit 1: a pipe,
 *    which is no ring).  The server must answer with a well-formed ack or
 *    close, at once.
 *  - frames (MSL_FUZZ_TARGET_FRAMES): a writer that shook hands honestly
 *    (byte 0, bit 0: as a relay, when root) puts the rest of the input in
 *    its ring (ring.h) as records and goes away; with bit 1 it then claims
 *    a tail past what the ring can hold.  Whatever is delivered must be
 *    whole and sane, and the connection must be freed.
 *
 * After each input an honest writer must still get a message through:
 * no input may wedge, crash or leak the server.  Linked with fuzz_replay.c
 * (the committed corpus, under CTest) or with libFuzzer (MAILSLOT_FUZZ).
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mailslot/mailslot.h>

#include "../platform/platform.h"
#include "core.h"
#include "local.h"
#include "msl_fuzz.h"
#include "ring.h"

#define FUZZ_QUOTA (1u << 20)
/* An input the ring holds at once (the rest would wait for a reader). */
#define FUZZ_MAX_RING 60000

static mailslot_server *fz_s;
static mailslot_name fz_name;
static char fz_hex[33];
static unsigned char fz_buf[FUZZ_QUOTA];

static void
fz_setup(void)
{
	char ns[64];
	mailslot_options o;

	if (fz_s != NULL)
		return;
	snprintf(ns, sizeof ns, "fuzz-%d", (int)getpid());
	setenv("MAILSLOT_NAMESPACE", ns, 1);
	mailslot_options_init(&o);
	o.quota_bytes = FUZZ_QUOTA;
	MSL_FUZZ_ASSERT(mailslot_create("fuzz", &o, &fz_s) == MAILSLOT_OK);
	MSL_FUZZ_ASSERT(mailslot_name_parse("fuzz", 1, &fz_name) == MAILSLOT_OK);
	msl_key_hash(fz_name.key, fz_hex);
}

/* fz_drain delivers everything queued and checks each message. */
static void
fz_drain(int relay)
{
	size_t n;
	mailslot_msginfo mi;
	mailslot_info in;

	while (mailslot_read_for(fz_s, fz_buf, sizeof fz_buf, &n, &mi, 0) == MAILSLOT_OK) {
		MSL_FUZZ_ASSERT(n <= FUZZ_QUOTA);
		MSL_FUZZ_ASSERT(mi.pid == getpid() && mi.uid == geteuid());
		MSL_FUZZ_ASSERT(mi.sent_ns <= msl_now_ns());
		MSL_FUZZ_ASSERT(relay || !mi.remote);
		if (mi.remote)
			MSL_FUZZ_ASSERT(memchr(mi.src_name, '\0', sizeof mi.src_name) != NULL);
	}
	MSL_FUZZ_ASSERT(mailslot_get_info(fz_s, &in) == MAILSLOT_OK);
	MSL_FUZZ_ASSERT(in.count == 0 && in.writers == 0);
}

/* fz_still_serves: an honest writer gets a message through. */
static void
fz_still_serves(void)
{
	mailslot_client *c;
	size_t n;

	MSL_FUZZ_ASSERT(mailslot_open("fuzz", &c) == MAILSLOT_OK);
	mailslot_err we = mailslot_write(c, "ok", 2);
	if (we != MAILSLOT_OK)
		fprintf(stderr, "write: %s\n", mailslot_error_name(we));
	MSL_FUZZ_ASSERT(we == MAILSLOT_OK);
	MSL_FUZZ_ASSERT(mailslot_read_for(fz_s, fz_buf, sizeof fz_buf, &n, NULL, 2000) ==
	    MAILSLOT_OK);
	MSL_FUZZ_ASSERT(n == 2 && memcmp(fz_buf, "ok", 2) == 0);
	mailslot_client_close(c);
	fz_drain(0);
}

#if defined(MSL_FUZZ_TARGET_HELLO)
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd, p[2] = { -1, -1 }, lfd[1];
	msl_ack_live al;
	msl_ring_w ring = { 0 };

	fz_setup();
	if (size == 0 || size > 4096)
		return 0;
	MSL_FUZZ_ASSERT(msl_connect_abstract(fz_hex, 0, &fd) == 0);
	if (data[0] & 1)
		MSL_FUZZ_ASSERT((p[0] = msl_ring_w_create(&ring, MSL_RING_CAP)) >= 0);
	else if (data[0] & 2)
		MSL_FUZZ_ASSERT(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0);
	MSL_FUZZ_ASSERT(msl_send_fds(fd, data + 1, size - 1, p, 1) == (ssize_t)(size - 1));
	/* An answer, or the end, within the hello deadline (2 s) and more. */
	MSL_FUZZ_ASSERT(msl_wait_fd(fd, POLLIN, 5000) > 0);
	ssize_t r = msl_recv_fds(fd, &al, sizeof al, lfd, 1, 0);
	if (r > 0) {
		MSL_FUZZ_ASSERT(r == (ssize_t)sizeof al.ack || r == (ssize_t)sizeof al);
		MSL_FUZZ_ASSERT(al.ack.magic == MSL_MAGIC && al.ack.status < MAILSLOT_ERR_COUNT_);
		MSL_FUZZ_ASSERT(al.ack.quota_bytes == FUZZ_QUOTA);
		if (lfd[0] >= 0)
			close(lfd[0]);
	}
	close(fd);
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
	msl_ring_w_destroy(&ring);
	/* The server notices the end when it next scans. */
	fz_drain(0);
	fz_still_serves();
	return 0;
}
#elif defined(MSL_FUZZ_TARGET_FRAMES)
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rfd, ctrl, lfd;
	msl_ack_live al;
	msl_ring_w ring;
	int relay;

	fz_setup();
	if (size == 0 || size > FUZZ_MAX_RING + 1)
		return 0;
	relay = (data[0] & 1) && geteuid() == 0;
	MSL_FUZZ_ASSERT((rfd = msl_ring_w_create(&ring, MSL_RING_CAP)) >= 0);
	MSL_FUZZ_ASSERT(msl_hello_call(fz_hex, fz_name.key, relay ? MSL_ROLE_RELAY : MSL_ROLE_WRITER,
	    rfd, &ctrl, &al, &lfd) == MAILSLOT_OK);
	if (lfd >= 0)
		close(lfd);
	if (size > 1) {
		msl_ring_w_put(&ring, 0, data + 1, size - 1);
		(void)msl_ring_w_publish(&ring, size - 1);
	}
	if (data[0] & 2) /* a tail no ring can have */
		(void)msl_ring_w_publish(&ring, ring.cap + 1);
	close(rfd);
	close(ctrl);
	msl_ring_w_destroy(&ring);
	fz_drain(relay);
	fz_still_serves();
	return 0;
}
#else
#error "define MSL_FUZZ_TARGET_HELLO or MSL_FUZZ_TARGET_FRAMES"
#endif
