/* SPDX-License-Identifier: MIT */
/*
 * log.c - mailslotd's log: one line per event on stderr, as key=value
 * fields (event=, source=, mailslot=, reason=...) that grep and log
 * tools can pick apart.  Under systemd (JOURNAL_STREAM set) each line
 * starts with the sd-daemon(3) "<N>" priority prefix, so that the journal
 * keeps the levels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <arpa/inet.h>

#include "daemon.h"

void
msld_log(const struct msld *d, int level, const char *fmt, ...)
{
	static const int prio[] = {
		[MSL_LOG_ERROR] = LOG_ERR, [MSL_LOG_WARN] = LOG_WARNING,
		[MSL_LOG_INFO] = LOG_INFO, [MSL_LOG_DEBUG] = LOG_DEBUG,
	};
	va_list ap;

	if (level > d->conf.log_level)
		return;
	if (d->journal)
		fprintf(stderr, "<%d>", prio[level]);
	else
		fputs("mailslotd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
msld_ipstr(uint32_t ip, char buf[INET_ADDRSTRLEN])
{
	struct in_addr a = { .s_addr = ip };
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

const char *
msld_kv(const char *s, char *buf, size_t cap)
{
	/* Names come off the wire: a newline in one must not forge a log
	 * line, nor a space or quote split a field. */
	size_t o = 0;
	int quote = s[0] == '\0';

	for (const char *p = s; *p != '\0'; p++)
		quote |= *p == ' ' || *p == '"' || *p == '=' || (unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e;
	if (quote && o + 1 < cap)
		buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && o + 5 < cap; p++) {
		if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\')
			o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", *p);
		else
			buf[o++] = (char)*p;
	}
	if (quote && o + 1 < cap)
		buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
