/* SPDX-License-Identifier: MIT */
/*
 * msl_test.h - the project's small test harness.
 *
 * A test file defines `static void test_x(void)` functions, lists them with
 * MSL_TEST_LIST, and gets a main() that runs each one (or only those named
 * on the command line) and ends with the line "N passed, N failed", which
 * CTest and CI read.
 *
 * Every case runs in a process of its own, forked from main(), so nothing a
 * case does can reach the next one: not a failed check in the middle of a
 * sequence, not a crash, and not the state it leaves behind (environment,
 * descriptors, threads, mailslot handles, the library's intake thread).  A
 * case passes when its process returns from the test function.  A failed
 * check prints file:line and the expression and ends the case; a case that
 * dies by a signal is reported with the signal's name; a case still running
 * after MSL_TEST_TIMEOUT seconds (environment, default 120) is killed and
 * reported as timed out.  Each case is the leader of a process group, and
 * the group is killed when the case ends, so helper processes it forked
 * cannot outlive it.  AddressSanitizer and LeakSanitizer run in each case's
 * process and report when it exits.
 */
#ifndef MSL_TEST_H
#define MSL_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msl_check.h"

typedef struct msl_test_case {
	const char *name;
	void (*fn)(void);
} msl_test_case;

extern jmp_buf msl_test_jmp_;

/* The exit status of a case whose check failed (it already said why). */
#define MSL_TEST_CHECK_FAILED_ 99

#define MSL_CHECK(expr) MSL_CHECK_OR_(expr, "  ", "check failed", longjmp(msl_test_jmp_, 1))

/* MSL_CHECK_EQ compares two integers and prints both on failure. */
#define MSL_CHECK_EQ(a, b)                                                   \
	do {                                                                 \
		long long msl_a_ = (long long)(a), msl_b_ = (long long)(b);  \
		if (msl_a_ != msl_b_) {                                      \
			fprintf(stderr,                                      \
			    "  %s:%d: %s == %s failed: %lld != %lld\n",      \
			    __FILE__, __LINE__, #a, #b, msl_a_, msl_b_);     \
			longjmp(msl_test_jmp_, 1);                           \
		}                                                            \
	} while (0)

/*
 * MSL_CHECK_ERR compares two mailslot_err values and prints both by name
 * and sentence on failure ("MAILSLOT_E_TIMEOUT (no message arrived within
 * the timeout)"), which says more than two numbers.  It calls libmailslot,
 * so only files that include <mailslot/mailslot.h> and link the library
 * use it; the codec test, which links only the codec, never expands it.
 */
#define MSL_CHECK_ERR(a, b)                                                  \
	do {                                                                 \
		mailslot_err msl_a_ = (a), msl_b_ = (b);                     \
		if (msl_a_ != msl_b_) {                                      \
			fprintf(stderr,                                      \
			    "  %s:%d: %s == %s failed: %s (%s) != %s (%s)\n", \
			    __FILE__, __LINE__, #a, #b,                      \
			    mailslot_error_name(msl_a_),                     \
			    mailslot_strerror(msl_a_),                       \
			    mailslot_error_name(msl_b_),                     \
			    mailslot_strerror(msl_b_));                      \
			longjmp(msl_test_jmp_, 1);                           \
		}                                                            \
	} while (0)

/*
 * MSL_CHECK_W32ERR compares two Win32 error codes (GetLastError() values)
 * and prints both with their symbol ("121 (ERROR_SEM_TIMEOUT)"), found
 * through the library's error table; a code the table does not produce
 * prints as "?".  Like MSL_CHECK_ERR it needs libmailslot.
 */
#define MSL_W32_NAME_(code, out)                                             \
	for (int msl_e_ = 0; msl_e_ < MAILSLOT_ERR_COUNT_; msl_e_++)         \
		if (mailslot_win32_error((mailslot_err)msl_e_) == (code))    \
			(out) = mailslot_win32_error_name((mailslot_err)msl_e_)

#define MSL_CHECK_W32ERR(a, b)                                               \
	do {                                                                 \
		unsigned long msl_a_ = (a), msl_b_ = (b);                    \
		const char *msl_na_ = "?", *msl_nb_ = "?";                   \
		if (msl_a_ != msl_b_) {                                      \
			MSL_W32_NAME_(msl_a_, msl_na_);                      \
			MSL_W32_NAME_(msl_b_, msl_nb_);                      \
			fprintf(stderr,                                      \
			    "  %s:%d: %s == %s failed: %lu (%s) != %lu (%s)\n", \
			    __FILE__, __LINE__, #a, #b, msl_a_, msl_na_,     \
			    msl_b_, msl_nb_);                                \
			longjmp(msl_test_jmp_, 1);                           \
		}                                                            \
	} while (0)

#define MSL_TEST(fn) { #fn, fn }

/* The case running now, which the timeout handler kills (with its group). */
static volatile pid_t msl_test_child_;
static volatile sig_atomic_t msl_test_timed_out_;

static void
msl_test_on_alarm_(int sig)
{
	(void)sig;
	msl_test_timed_out_ = 1;
	kill(-msl_test_child_, SIGKILL);
}

/* msl_test_run_ runs one case in its own process and says whether it passed. */
static int
msl_test_run_(const msl_test_case *tc, unsigned timeout_s)
{
	int st;
	pid_t p = fork();
	if (p < 0) {
		printf("FAILED (fork: %s)\n", strerror(errno));
		return 0;
	}
	if (p == 0) {
		setpgid(0, 0);
		signal(SIGALRM, SIG_DFL);
		/* exit(), not _exit(): LeakSanitizer reports at exit. */
		if (setjmp(msl_test_jmp_) != 0)
			exit(MSL_TEST_CHECK_FAILED_);
		tc->fn();
		exit(0);
	}
	/* Both sides set the group, so that a kill finds it at once. */
	setpgid(p, p);
	msl_test_child_ = p;
	msl_test_timed_out_ = 0;
	alarm(timeout_s);
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR) {
			printf("FAILED (waitpid: %s)\n", strerror(errno));
			return 0;
		}
	alarm(0);
	kill(-p, SIGKILL);
	if (msl_test_timed_out_)
		printf("FAILED (timed out after %u s)\n", timeout_s);
	else if (WIFSIGNALED(st))
		printf("FAILED (killed by SIG%s: %s)\n", sigabbrev_np(WTERMSIG(st)),
		    strsignal(WTERMSIG(st)));
	else if (WEXITSTATUS(st) == MSL_TEST_CHECK_FAILED_)
		printf("FAILED\n");
	else if (WEXITSTATUS(st) != 0)
		printf("FAILED (exit status %d)\n", WEXITSTATUS(st));
	else
		printf("ok\n");
	return !msl_test_timed_out_ && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int
msl_test_main_(int argc, char **argv, const msl_test_case *cases, size_t n)
{
	int pass = 0, fail = 0;
	const char *t = getenv("MSL_TEST_TIMEOUT");
	unsigned timeout_s = t && atoi(t) > 0 ? (unsigned)atoi(t) : 120;
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = msl_test_on_alarm_;
	sigaction(SIGALRM, &sa, NULL);
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < n; i++) {
		int want = argc < 2;
		for (int a = 1; a < argc; a++)
			if (strcmp(argv[a], cases[i].name) == 0)
				want = 1;
		if (!want)
			continue;
		printf("%-40s ", cases[i].name);
		if (msl_test_run_(&cases[i], timeout_s))
			pass++;
		else
			fail++;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

/* MSL_TEST_LIST defines main(); its arguments are MSL_TEST(...) entries. */
#define MSL_TEST_LIST(...)                                                   \
	jmp_buf msl_test_jmp_;                                               \
	static const msl_test_case msl_cases_[] = { __VA_ARGS__ };           \
	int main(int argc, char **argv)                                      \
	{                                                                    \
		return msl_test_main_(argc, argv, msl_cases_,                \
		    sizeof msl_cases_ / sizeof msl_cases_[0]);               \
	}


/* msl_test_ms reads a clock (CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, ...)
 * in milliseconds. */
static inline unsigned long long
msl_test_ms(clockid_t clk)
{
	struct timespec t;
	clock_gettime(clk, &t);
	return (unsigned long long)t.tv_sec * 1000u + (unsigned long long)t.tv_nsec / 1000000u;
}

/*
 * msl_test_namespace gives the calling process a private mailslot
 * namespace, "SUITE-PID-TAG", so that suites and cases can run side by
 * side without seeing each other's mailslots.
 */
static inline void
msl_test_namespace(const char *suite, const char *tag)
{
	char ns[128];
	snprintf(ns, sizeof ns, "%s-%d-%s", suite, (int)getpid(), tag);
	setenv("MAILSLOT_NAMESPACE", ns, 1);
}

#endif /* MSL_TEST_H */
