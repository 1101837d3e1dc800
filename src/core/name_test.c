/* SPDX-License-Identifier: MIT */
/*
 * name_test.c - mailslot name parsing (pure code).
 */
#include <stdio.h>
#include <string.h>

#include <mailslot/mailslot.h>

#include "msl_test.h"

/* One parse and what it must give; a NULL field or a scope of -1 is not
 * checked for that case. */
struct name_case {
	const char *text;
	int allow_short;
	mailslot_err want;
	int scope;
	const char *path, *key, *host;
};

static void
check_cases(const struct name_case *c, size_t nc)
{
	for (size_t i = 0; i < nc; i++) {
		mailslot_name n;

		/* Named first so that a failing check says which case. */
		fprintf(stderr, "  case %s\n", c[i].text != NULL ? c[i].text : "(NULL)");
		MSL_CHECK_ERR(mailslot_name_parse(c[i].text, c[i].allow_short, &n), c[i].want);
		if (c[i].scope >= 0)
			MSL_CHECK_EQ(n.scope, c[i].scope);
		MSL_CHECK(c[i].path == NULL || strcmp(n.path, c[i].path) == 0);
		MSL_CHECK(c[i].key == NULL || strcmp(n.key, c[i].key) == 0);
		MSL_CHECK(c[i].host == NULL || strcmp(n.host, c[i].host) == 0);
	}
}

static void
test_local_forms(void)
{
	static const struct name_case c[] = {
		{ "\\\\.\\mailslot\\MyMailslot", 0, MAILSLOT_OK, MAILSLOT_SCOPE_LOCAL,
		    "MyMailslot", "mymailslot", NULL },
		{ "//./MailSlot/a/B/c", 0, MAILSLOT_OK, -1, "a\\B\\c", "a\\b\\c", NULL },
		{ "bare", 1, MAILSLOT_OK, -1, NULL, "bare", NULL },
		{ "Dir/Bare", 1, MAILSLOT_OK, -1, "Dir\\Bare", NULL, NULL },
	};

	check_cases(c, sizeof c / sizeof c[0]);
}

static void
test_remote_forms(void)
{
	static const struct name_case c[] = {
		{ "\\\\*\\mailslot\\news", 0, MAILSLOT_OK, MAILSLOT_SCOPE_PRIMARY, NULL, NULL, NULL },
		{ "\\\\HostB\\mailslot\\news", 0, MAILSLOT_OK, MAILSLOT_SCOPE_COMPUTER, NULL, NULL,
		    "HostB" },
		{ "//WORKGROUP/mailslot/x", 0, MAILSLOT_OK, -1, NULL, NULL, "WORKGROUP" },
	};

	check_cases(c, sizeof c / sizeof c[0]);
}

static void
test_bad_names(void)
{
	mailslot_name n;
	char big[400];
	static const struct name_case c[] = {
		{ NULL, 0, MAILSLOT_E_NULLNAME, -1, NULL, NULL, NULL },
		{ "blah", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "\\\\.\\pipe\\x", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "\\\\.\\mailslot\\", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "\\\\.\\mailslot\\a\\\\b", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "\\\\.\\mailslot\\a\\", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "\\\\.\\mailslotx", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "a/b", 0, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "/a", 1, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
		{ "", 1, MAILSLOT_E_BADNAME, -1, NULL, NULL, NULL },
	};

	check_cases(c, sizeof c / sizeof c[0]);
	strcpy(big, "\\\\.\\mailslot\\");
	memset(big + 13, 'n', 300);
	big[313] = '\0';
	MSL_CHECK_ERR(mailslot_name_parse(big, 0, &n), MAILSLOT_E_NAMELEN);
	big[13 + 255] = '\0';
	MSL_CHECK_ERR(mailslot_name_parse(big, 0, &n), MAILSLOT_OK);
}

MSL_TEST_LIST(
    MSL_TEST(test_local_forms),
    MSL_TEST(test_remote_forms),
    MSL_TEST(test_bad_names))
