/*
 * msl_test.h - the project's small test harness.
 *
 * A test file defines `static void test_x(void)` functions, lists them with
 * MSL_TEST_LIST, and gets a main() that runs each one (or only those named
 * on the command line) and ends with the line "N passed, N failed", which
 * CTest and CI read.  A failed check reports file:line and the expression
 * and aborts only the current test.
 */
#ifndef MSL_TEST_H
#define MSL_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct msl_test_case {
	const char *name;
	void (*fn)(void);
} msl_test_case;

extern jmp_buf msl_test_jmp_;
extern int msl_test_checks_;

#define MSL_CHECK(expr)                                                      \
	do {                                                                 \
		msl_test_checks_++;                                          \
		if (!(expr)) {                                               \
			fprintf(stderr, "  %s:%d: check failed: %s\n",       \
			    __FILE__, __LINE__, #expr);                      \
			longjmp(msl_test_jmp_, 1);                           \
		}                                                            \
	} while (0)

/* MSL_CHECK_EQ compares two integers and prints both on failure. */
#define MSL_CHECK_EQ(a, b)                                                   \
	do {                                                                 \
		long long msl_a_ = (long long)(a), msl_b_ = (long long)(b);  \
		msl_test_checks_++;                                          \
		if (msl_a_ != msl_b_) {                                      \
			fprintf(stderr,                                      \
			    "  %s:%d: %s == %s failed: %lld != %lld\n",      \
			    __FILE__, __LINE__, #a, #b, msl_a_, msl_b_);     \
			longjmp(msl_test_jmp_, 1);                           \
		}                                                            \
	} while (0)

#define MSL_TEST(fn) { #fn, fn }

/* MSL_TEST_LIST defines main(); its arguments are MSL_TEST(...) entries. */
#define MSL_TEST_LIST(...)                                                   \
	jmp_buf msl_test_jmp_;                                               \
	int msl_test_checks_;                                                \
	static const msl_test_case msl_cases_[] = { __VA_ARGS__ };           \
	int main(int argc, char **argv)                                      \
	{                                                                    \
		volatile int pass = 0, fail = 0;                                    \
		size_t n = sizeof msl_cases_ / sizeof msl_cases_[0];         \
		setvbuf(stdout, NULL, _IONBF, 0);                            \
		for (volatile size_t i = 0; i < n; i++) {                          \
			int want = argc < 2;                                 \
			for (int a = 1; a < argc; a++)                       \
				if (strcmp(argv[a], msl_cases_[i].name) == 0) \
					want = 1;                            \
			if (!want)                                           \
				continue;                                    \
			printf("%-40s ", msl_cases_[i].name);                \
			fflush(stdout);                                      \
			if (setjmp(msl_test_jmp_) == 0) {                    \
				msl_cases_[i].fn();                          \
				printf("ok\n");                              \
				pass++;                                      \
			} else {                                             \
				printf("FAILED\n");                          \
				fail++;                                      \
			}                                                    \
		}                                                            \
		printf("%d passed, %d failed\n", pass, fail);                \
		return fail ? 1 : 0;                                         \
	}

#endif /* MSL_TEST_H */
