/* SPDX-License-Identifier: MIT */
/*
 * glib_reader.c - the native API in a GLib main loop.
 *
 *   glib_reader NAME [COUNT]
 *
 * Creates the local mailslot NAME and prints each message as it arrives,
 * until COUNT messages have been read (default 0: until SIGINT or SIGTERM).
 *
 * mailslot_fd() becomes an ordinary GLib source with g_unix_fd_add(): the
 * main loop wakes when a message is queued and the callback reads with a
 * timeout of 0, so nothing ever blocks the loop.  A GTK program does the
 * same; its widgets stay responsive while it waits for mail, with no
 * reader thread (see examples/gui/ms_server_gtk.c).
 */
#include <mailslot/mailslot.h>

#include <glib.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct reader {
	mailslot_server *server;
	GMainLoop *loop;
	GByteArray *buf; /* grown on demand, messages can be large */
	unsigned long seen, count;
	guint source; /* the mailslot's source, 0 once removed */
	int rc;
} reader;

/*
 * on_readable reads every message queued now.  The descriptor may wake
 * without a message, so TIMEOUT on the first read is normal.  Returning
 * G_SOURCE_REMOVE would detach the mailslot from the loop.
 */
static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	reader *r = data;

	for (;;) {
		size_t len;
		mailslot_msginfo who;
		mailslot_err e = mailslot_read_for(r->server, r->buf->data, r->buf->len, &len, &who, 0);

		if (e == MAILSLOT_E_BUFSIZE) {
			/* The message stays queued: make room and read it again. */
			g_byte_array_set_size(r->buf, (guint)len);
			continue;
		}
		if (e == MAILSLOT_E_TIMEOUT)
			return G_SOURCE_CONTINUE;
		if (e != MAILSLOT_OK) {
			fprintf(stderr, "glib_reader: read: %s\n", mailslot_strerror(e));
			r->rc = 1;
			r->source = 0;
			g_main_loop_quit(r->loop);
			return G_SOURCE_REMOVE;
		}
		printf("message %lu: %zu bytes from pid %d: %.*s\n", ++r->seen, len,
		    (int)who.pid, (int)len, (const char *)r->buf->data);
		fflush(stdout);
		if (r->count != 0 && r->seen == r->count) {
			r->source = 0;
			g_main_loop_quit(r->loop);
			return G_SOURCE_REMOVE;
		}
	}
}

/* on_signal ends the loop from the loop itself, between two messages. */
static gboolean on_signal(gpointer data)
{
	reader *r = data;

	printf("stopped by a signal after %lu messages\n", r->seen);
	g_main_loop_quit(r->loop);
	return G_SOURCE_CONTINUE;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: glib_reader NAME [COUNT]\n");
		return 2;
	}
	reader r = { .count = argc > 2 ? strtoul(argv[2], NULL, 10) : 0 };

	mailslot_err e = mailslot_create(argv[1], NULL, &r.server);
	if (e != MAILSLOT_OK) {
		fprintf(stderr, "glib_reader: %s: %s\n", argv[1], mailslot_strerror(e));
		return 1;
	}
	r.loop = g_main_loop_new(NULL, FALSE);
	r.buf = g_byte_array_sized_new(64 * 1024);
	g_byte_array_set_size(r.buf, 64 * 1024);

	r.source = g_unix_fd_add(mailslot_fd(r.server), G_IO_IN, on_readable, &r);
	guint sigint = g_unix_signal_add(SIGINT, on_signal, &r);
	guint sigterm = g_unix_signal_add(SIGTERM, on_signal, &r);
	printf("ready %s\n", mailslot_server_name(r.server));
	fflush(stdout);

	g_main_loop_run(r.loop);

	/* Detach the descriptor before closing the mailslot that owns it. */
	if (r.source != 0)
		g_source_remove(r.source);
	g_source_remove(sigint);
	g_source_remove(sigterm);
	mailslot_close(r.server);
	g_byte_array_unref(r.buf);
	g_main_loop_unref(r.loop);
	return r.rc;
}
