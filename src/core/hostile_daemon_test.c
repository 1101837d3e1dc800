/* SPDX-License-Identifier: MIT */
/*
 * hostile_daemon_test.c - local peers that pose as the daemon: one that
 * squats the relay's name and never answers a hello, one that squats the
 * daemon's outbox (this case runs the real mailslotd in a network
 * namespace of its own).
 */
#include "hostile_testlib.h"

/* ---- 3. a relay hello must not hang the server ---- */

/*
 * With no mailslotd running, nobody binds the daemon's control-socket
 * name and fills its backlog, then sends a RELAY hello to a root
 * mailslot restricted to its user.  The server must answer (ACCESS) at
 * once, and keep accepting root's writers; a new mailslot must work too.
 */
static int
attacker_squat_daemon(void)
{
	struct sockaddr_un sa;
	socklen_t sl;
	int l, k = 0;

	if (become_nobody() != 0 || msl_abstract_addr("daemon", &sa, &sl) != 0)
		return 1;
	if (hear(att_done[0], VICTIM_DEADLINE_MS) != 'g')
		return 2; /* the victim's mailslot exists */
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sl) != 0 || listen(l, 0) != 0)
		return 3;
	/* A backlog of 0 holds one connection; the next connect would wait. */
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return 4;
		if (connect(fd, (struct sockaddr *)&sa, sl) != 0) {
			if (errno != EAGAIN)
				return 5;
			close(fd);
			break;
		}
		k++;
	}
	mailslot_name n;
	mailslot_client *c;
	uint64_t t0 = now_ms();
	if (mailslot_name_parse("jobs", 1, &n) != MAILSLOT_OK)
		return 6;
	mailslot_err e = msl_client_open_role(&n, MSL_ROLE_RELAY, &c);
	say(att_ready[1], e == MAILSLOT_E_ACCESS ? 'a' : 'x');
	say(att_ready[1], (char)(now_ms() - t0 > 100 ? 100 : now_ms() - t0));
	(void)k;
	/* Hold the name until the victim has checked. */
	return hear(att_done[0], VICTIM_DEADLINE_MS) == 'd' ? 0 : 7;
}

static int
victim_relay(void)
{
	mailslot_server *s, *s2;
	mailslot_client *c, *c2;
	mailslot_options o;
	int rc = 0;

	fresh_namespace("relay");
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 1;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_squat_daemon());
	mailslot_options_init(&o);
	o.access = MAILSLOT_ACCESS_USER;
	if (mailslot_create("jobs", &o, &s) != MAILSLOT_OK)
		return 2;
	say(att_done[1], 'g');
	if (hear(att_ready[0], VICTIM_DEADLINE_MS) != 'a')
		rc = 3; /* the relay was not refused */
	else if (hear(att_ready[0], 1000) >= 100)
		rc = 4; /* ... at once */
	else if (mailslot_open("jobs", &c) != MAILSLOT_OK || mailslot_write(c, "root", 4) != MAILSLOT_OK ||
	    !read_is(s, "root", 2000, NULL))
		rc = 5;
	else if (mailslot_create("other", NULL, &s2) != MAILSLOT_OK ||
	    mailslot_open("other", &c2) != MAILSLOT_OK || mailslot_write(c2, "x", 1) != MAILSLOT_OK ||
	    !read_is(s2, "x", 2000, NULL))
		rc = 6;
	return attacker_end(a, rc);
}

static void
test_relay_check_cannot_hang(void)
{
	run_as_root_victim(victim_relay);
}

/* ---- 10. the daemon's outbox cannot be squatted ---- */

#ifdef MSL_MAILSLOTD
/* lo_up brings up the loopback interface of this network namespace. */
static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rc = -1;

	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* start_daemon runs mailslotd and waits until it says it is up. */
static pid_t
start_daemon(void)
{
	int p[2];
	char line[512], said[2048] = "";
	FILE *f;

	if (pipe(p) != 0)
		return -1;
	pid_t d = fork();
	if (d == 0) {
		dup2(p[1], 2);
		execl(MSL_MAILSLOTD, "mailslotd", "-c", "/dev/null", "-o", "port=13801",
		    "-o", "ns port=0", "-o", "user=nobody", "-o", "netbios name=VICTIM",
		    "-o", "workgroup=HOSTILE", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	/* Unbuffered: a line stdio had read ahead would wait on a poll of the
	 * descriptor that nothing else will make readable. */
	if (f != NULL)
		setvbuf(f, NULL, _IONBF, 0);
	while (f != NULL && msl_wait_fd(p[0], POLLIN, 5000) > 0 && fgets(line, sizeof line, f) != NULL) {
		if (strstr(line, "event=ready ") != NULL) { /* its readiness log line */
			fclose(f);
			return d; /* its later output goes nowhere: it logs little */
		}
		strncat(said, line, sizeof said - strlen(said) - 1);
	}
	fprintf(stderr, "  mailslotd did not start:\n%s", said);
	if (f != NULL)
		fclose(f);
	kill(d, SIGKILL);
	waitpid(d, NULL, 0);
	return -1;
}

/*
 * In a network namespace of its own: nobody creates the outbox's old
 * fixed name first.  mailslotd must start all the same, and a root
 * writer's remote message must travel through the real daemon (it
 * comes back to a local mailslot through the daemon's own port), not
 * into the squatter's mailslot.
 */
static int
attacker_outbox(void)
{
	mailslot_server *s;
	char buf[64];
	size_t n;

	if (become_nobody() != 0 ||
	    mailslot_create("\\\\.\\mailslot\\mailslotd\\outbox", NULL, &s) != MAILSLOT_OK)
		return 1;
	say(att_ready[1], 's');
	if (hear(att_done[0], VICTIM_DEADLINE_MS) != 'd')
		return 2;
	/* Nothing reached the squatter. */
	return mailslot_read_for(s, buf, sizeof buf, &n, NULL, 0) == MAILSLOT_E_TIMEOUT ? 0 : 3;
}

static int
victim_outbox(void)
{
	mailslot_server *s;
	mailslot_client *c;
	mailslot_msginfo mi;
	int rc = 0;

	fresh_namespace("outbox");
	if (unshare(CLONE_NEWNET) != 0 || lo_up() != 0)
		return 1;
	if (pipe(att_ready) != 0 || pipe(att_done) != 0)
		return 2;
	pid_t a = fork();
	if (a == 0)
		_exit(attacker_outbox());
	if (hear(att_ready[0], 5000) != 's')
		return attacker_end(a, 3);
	pid_t d = start_daemon();
	if (d < 0)
		return attacker_end(a, 4); /* the squatter kept it from starting */
	if (mailslot_create("x", NULL, &s) != MAILSLOT_OK)
		rc = 5;
	else if (mailslot_open("\\\\127.0.0.1\\mailslot\\x", &c) != MAILSLOT_OK ||
	    mailslot_write(c, "via daemon", 10) != MAILSLOT_OK)
		rc = 6;
	else if (!read_is(s, "via daemon", 3000, &mi) || !mi.remote || mi.src_port != 13801)
		rc = 7;
	kill(d, SIGTERM);
	waitpid(d, NULL, 0);
	return attacker_end(a, rc);
}

static void
test_outbox_cannot_be_squatted(void)
{
	run_as_root_victim(victim_outbox);
}
#endif

MSL_TEST_LIST(
    MSL_TEST(test_relay_check_cannot_hang)
#ifdef MSL_MAILSLOTD
    ,
    MSL_TEST(test_outbox_cannot_be_squatted)
#endif
    )
