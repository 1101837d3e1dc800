/*
 * log.c - mailslotd's log: one line per event on stderr.  Under systemd
 * (JOURNAL_STREAM set) each line starts with the sd-daemon(3) "<N>"
 * priority prefix, so that the journal keeps the levels.
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
