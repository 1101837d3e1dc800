/* SPDX-License-Identifier: MIT */
/*
 * ms_server_gtk.c - the classic mailslot server: the Receive window.
 *
 *   ms_server_gtk [--at X,Y] [NAME]     (NAME: \\.\mailslot\MyMailslot)
 *
 * Pressing Receive makes the Win32 original's calls, in its order:
 * CreateMailslot(name, 0, MAILSLOT_WAIT_FOREVER, NULL); the button greys
 * out and reads "Reading..."; ReadFile into a zeroed 400-TCHAR buffer;
 * the text goes into the box; CloseHandle; the button reads "Receive"
 * again.  Failures show "CreateMailslot error" or "ReadFile error" in a
 * message box.  The mailslot part uses <mailslot/win32.h> alone, so the
 * file doubles as a porting example; the rest is ordinary GTK.
 *
 * One thing differs: where the window waits.  The original calls ReadFile
 * in the button's handler, and its window freezes until a message comes.
 * Here the GTK main loop does the waiting: the handle's pollable
 * descriptor (mailslot_fd of MailslotServerOf, which <mailslot/win32.h>
 * provides for event loops) is a GLib source, and ReadFile runs once
 * GetMailslotInfo reports a message, so it returns at once.  That is
 * better than a reader thread, for two reasons:
 *  - GTK widgets belong to one thread.  A reader thread would have to hand
 *    every message and every error back to the main loop (g_idle_add) and
 *    keep the handle alive across that hand-off.
 *  - A thread blocked in ReadFile with MAILSLOT_WAIT_FOREVER cannot be
 *    stopped: closing a handle that another thread is using is undefined.
 *    Closing the window while it reads would leave that thread stuck.
 *    Here it removes the source and calls CloseHandle, nothing else.
 */
#include <mailslot/win32.h>

#include <glib-unix.h>
#include <gtk/gtk.h>

#include "demo_window.h"

typedef struct server {
	demo_window w;
	HANDLE hMailslot; /* INVALID_HANDLE_VALUE unless Reading... */
	guint source;     /* the wait for a message, 0 when none */
} server;

/* done_reading closes the mailslot and gives the button back. */
static void done_reading(server *s)
{
	CloseHandle(s->hMailslot);
	s->hMailslot = INVALID_HANDLE_VALUE;
	s->source = 0;
	gtk_button_set_label(GTK_BUTTON(s->w.button), "Receive");
	gtk_widget_set_sensitive(s->w.button, TRUE);
}

/* on_mail runs in the main loop when the mailslot's descriptor polls
 * readable, that is when a message is queued. */
static gboolean on_mail(gint fd, GIOCondition cond, gpointer data)
{
	server *s = data;
	TCHAR buffer[400];
	DWORD nextSize, bytesRead;

	/* The descriptor may wake with nothing queued: then wait on, since a
	 * ReadFile now would block the window until a message came.  If even
	 * the check fails, ReadFile is not tried at all, for the same reason. */
	BOOL queued = GetMailslotInfo(s->hMailslot, NULL, &nextSize, NULL, NULL);
	if (queued && nextSize == MAILSLOT_NO_MESSAGE)
		return G_SOURCE_CONTINUE;

	ZeroMemory(buffer, sizeof(buffer));
	if (!queued || !ReadFile(s->hMailslot, buffer, sizeof(buffer), &bytesRead, NULL)) {
		DWORD err = GetLastError();
		done_reading(s);
		demo_message_box(&s->w, "ReadFile error", err);
		return G_SOURCE_REMOVE;
	}
	/* The buffer holds at most 400 bytes and, from another program, not
	 * necessarily a terminating NUL nor valid UTF-8, which GTK needs. */
	gchar *text = g_utf8_make_valid(buffer, (gssize)strnlen(buffer, bytesRead));
	gtk_text_buffer_set_text(gtk_text_view_get_buffer(GTK_TEXT_VIEW(s->w.text)), text, -1);
	g_free(text);
	done_reading(s);
	return G_SOURCE_REMOVE;
}

static void on_receive(GtkButton *button, gpointer data)
{
	server *s = data;

	s->hMailslot = CreateMailslot(demo_window_name(&s->w),
	                              0,                      /* any message size */
	                              MAILSLOT_WAIT_FOREVER,  /* ReadFile blocks */
	                              NULL);
	if (s->hMailslot == INVALID_HANDLE_VALUE) {
		demo_message_box(&s->w, "CreateMailslot error", GetLastError());
		return;
	}
	gtk_widget_set_sensitive(s->w.button, FALSE);
	gtk_button_set_label(button, "Reading...");
	s->source = g_unix_fd_add(mailslot_fd(MailslotServerOf(s->hMailslot)), G_IO_IN, on_mail, s);
}

int main(int argc, char **argv)
{
	server s = { .hMailslot = INVALID_HANDLE_VALUE };

	demo_window_init(&s.w, &argc, &argv, "Mailslot Server", "Receive", FALSE);
	g_signal_connect(s.w.button, "clicked", G_CALLBACK(on_receive), &s);
	demo_window_report(&s.w);
	gtk_main();
	/* Closed while reading: stop waiting, then free the name. */
	if (s.source != 0)
		g_source_remove(s.source);
	if (s.hMailslot != INVALID_HANDLE_VALUE)
		CloseHandle(s.hMailslot);
	return 0;
}
