/* SPDX-License-Identifier: MIT */
/*
 * name_test.c - mailslot name parsing (pure code).
 */
#include <string.h>

#include <mailslot/mailslot.h>

#include "msl_test.h"

static void
test_local_forms(void)
{
	mailslot_name n;
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\mailslot\\MyMailslot", 0, &n), MAILSLOT_OK);
	MSL_CHECK_EQ(n.scope, MAILSLOT_SCOPE_LOCAL);
	MSL_CHECK(strcmp(n.path, "MyMailslot") == 0);
	MSL_CHECK(strcmp(n.key, "mymailslot") == 0);
	MSL_CHECK_ERR(mailslot_name_parse("//./MailSlot/a/B/c", 0, &n), MAILSLOT_OK);
	MSL_CHECK(strcmp(n.path, "a\\B\\c") == 0);
	MSL_CHECK(strcmp(n.key, "a\\b\\c") == 0);
	MSL_CHECK_ERR(mailslot_name_parse("bare", 1, &n), MAILSLOT_OK);
	MSL_CHECK(strcmp(n.key, "bare") == 0);
	MSL_CHECK_ERR(mailslot_name_parse("Dir/Bare", 1, &n), MAILSLOT_OK);
	MSL_CHECK(strcmp(n.path, "Dir\\Bare") == 0);
}

static void
test_remote_forms(void)
{
	mailslot_name n;
	MSL_CHECK_ERR(mailslot_name_parse("\\\\*\\mailslot\\news", 0, &n), MAILSLOT_OK);
	MSL_CHECK_EQ(n.scope, MAILSLOT_SCOPE_PRIMARY);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\HostB\\mailslot\\news", 0, &n), MAILSLOT_OK);
	MSL_CHECK_EQ(n.scope, MAILSLOT_SCOPE_COMPUTER);
	MSL_CHECK(strcmp(n.host, "HostB") == 0);
	MSL_CHECK_ERR(mailslot_name_parse("//WORKGROUP/mailslot/x", 0, &n), MAILSLOT_OK);
	MSL_CHECK(strcmp(n.host, "WORKGROUP") == 0);
}

static void
test_bad_names(void)
{
	mailslot_name n;
	char big[400];
	MSL_CHECK_ERR(mailslot_name_parse(NULL, 0, &n), MAILSLOT_E_NULLNAME);
	MSL_CHECK_ERR(mailslot_name_parse("blah", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\pipe\\x", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\mailslot\\", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\mailslot\\a\\\\b", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\mailslot\\a\\", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("\\\\.\\mailslotx", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("a/b", 0, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("/a", 1, &n), MAILSLOT_E_BADNAME);
	MSL_CHECK_ERR(mailslot_name_parse("", 1, &n), MAILSLOT_E_BADNAME);
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
