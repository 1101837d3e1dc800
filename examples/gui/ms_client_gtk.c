/* SPDX-License-Identifier: MIT */
/*
 * ms_client_gtk.c - the classic mailslot client: the Send window.
 *
 *   ms_client_gtk [--at X,Y] [NAME]     (NAME: \\.\mailslot\MyMailslot,
 *                                        or \\Computer\mailslot\MyMailslot)
 *
 * Pressing Send makes the Win32 original's calls, in its order: CreateFile
 * on the mailslot name, up to 400 TCHARs from the text box into a zeroed
 * buffer, WriteFile, CloseHandle.  Failures show "Open mailslot failed."
 * or "Failed to send data!" in a message box.  The mailslot part uses
 * <mailslot/win32.h> alone; the rest is ordinary GTK.
 *
 * A remote name (\\Computer\..., \\Domain\... or \\*\...) sends a NetBIOS
 * datagram; the receiving host needs mailslotd.
 */
#include <mailslot/win32.h>

#include <gtk/gtk.h>

#include "demo_window.h"

/*
 * take_text copies the text box into buffer (cap TCHARs, zeroed) and
 * keeps the last one for the terminating NUL, as GetDlgItemText does.  It
 * cuts at a character boundary, so the receiver never gets half a UTF-8
 * character.
 */
static void take_text(demo_window *w, TCHAR *buffer, size_t cap)
{
	GtkTextBuffer *tb = gtk_text_view_get_buffer(GTK_TEXT_VIEW(w->text));
	GtkTextIter a, b;
	gtk_text_buffer_get_bounds(tb, &a, &b);
	gchar *text = gtk_text_buffer_get_text(tb, &a, &b, FALSE);
	size_t n = strlen(text);

	if (n > cap - 1) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buffer, text, n);
	g_free(text);
}

static void on_send(GtkButton *button, gpointer data)
{
	demo_window *w = data;
	HANDLE hFile;
	TCHAR buffer[400];
	DWORD bytesWritten;

	hFile = CreateFile(demo_window_name(w), GENERIC_WRITE, FILE_SHARE_READ, NULL,
	    OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	if (hFile == INVALID_HANDLE_VALUE) {
		demo_message_box(w, "Open mailslot failed.", GetLastError());
		return;
	}
	ZeroMemory(buffer, sizeof(buffer));
	take_text(w, buffer, sizeof(buffer) / sizeof(TCHAR));
	/* The terminating NUL travels too, so that a reader whose buffer is
	 * not zeroed still gets a C string. */
	if (!WriteFile(hFile, buffer, (DWORD)((strlen(buffer) + 1) * sizeof(TCHAR)), &bytesWritten,
	        NULL))
		demo_message_box(w, "Failed to send data!", GetLastError());
	CloseHandle(hFile);
}

int main(int argc, char **argv)
{
	demo_window w;

	demo_window_init(&w, &argc, &argv, "Mailslot Client", "Send", TRUE);
	g_signal_connect(w.button, "clicked", G_CALLBACK(on_send), &w);
	demo_window_report(&w);
	gtk_main();
	return 0;
}
