/* SPDX-License-Identifier: MIT */
/*
 * demo_window.c - the window, message boxes and test hook of the GTK demo.
 */
#include "demo_window.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* widget_centre gives the screen position of the centre of `wd`, or 0,0
 * while it is not on screen. */
static void widget_centre(GtkWidget *wd, int *x, int *y)
{
	*x = *y = 0;
	if (wd == NULL || !gtk_widget_get_mapped(wd))
		return;
	GtkWidget *top = gtk_widget_get_toplevel(wd);
	GtkAllocation a;
	int wx, wy, ox, oy;
	gtk_widget_get_allocation(wd, &a);
	if (!gtk_widget_translate_coordinates(wd, top, a.width / 2, a.height / 2, &wx, &wy))
		return;
	gdk_window_get_origin(gtk_widget_get_window(top), &ox, &oy);
	*x = ox + wx;
	*y = oy + wy;
}

static void report(demo_window *w, gboolean drawn)
{
	if (w->state_fd < 0)
		return;
	GtkTextBuffer *tb = gtk_text_view_get_buffer(GTK_TEXT_VIEW(w->text));
	GtkTextIter a, b;
	gtk_text_buffer_get_bounds(tb, &a, &b);
	gchar *text = gtk_text_buffer_get_text(tb, &a, &b, FALSE);
	gchar *dialog = NULL, *detail = NULL;
	GtkWidget *ok = NULL;
	if (w->dialog != NULL) {
		g_object_get(w->dialog, "text", &dialog, "secondary-text", &detail, NULL);
		ok = gtk_dialog_get_widget_for_response(GTK_DIALOG(w->dialog), GTK_RESPONSE_OK);
	}
	gchar *e_label = g_strescape(gtk_button_get_label(GTK_BUTTON(w->button)), NULL);
	gchar *e_text = g_strescape(text, NULL);
	gchar *e_dialog = g_strescape(dialog != NULL ? dialog : "", NULL);
	gchar *e_detail = g_strescape(detail != NULL ? detail : "", NULL);
	gchar *e_name = g_strescape(demo_window_name(w), NULL);
	int bx, by, tx, ty, kx, ky;
	widget_centre(w->button, &bx, &by);
	widget_centre(w->text, &tx, &ty);
	widget_centre(ok, &kx, &ky);
	gchar *line = g_strdup_printf("mapped=%d drawn=%d label=\"%s\" sensitive=%d text=\"%s\" "
	                              "dialog=\"%s\" detail=\"%s\" name=\"%s\" "
	                              "button=%d,%d textbox=%d,%d ok=%d,%d\n",
	    w->mapped, drawn, e_label, gtk_widget_get_sensitive(w->button), e_text, e_dialog,
	    e_detail, e_name, bx, by, tx, ty, kx, ky);
	/* One write of the whole line to an O_APPEND file: a reader never
	 * sees half a line. */
	if (write(w->state_fd, line, strlen(line)) < 0)
		g_warning("test hook: %s", g_strerror(errno));
	g_free(line);
	g_free(e_name);
	g_free(e_detail);
	g_free(e_dialog);
	g_free(e_text);
	g_free(e_label);
	g_free(detail);
	g_free(dialog);
	g_free(text);
}

void demo_window_report(demo_window *w)
{
	w->dirty = TRUE;
	report(w, FALSE);
}

/*
 * after_paint runs after each frame of the window.  The first frame after
 * a change shows it; once XSync has returned, the X server has processed
 * every drawing request before it, so another client's screenshot holds
 * the new pixels.
 */
static void after_paint(GdkFrameClock *clock, gpointer data)
{
	demo_window *w = data;
	if (!w->dirty || w->state_fd < 0)
		return;
	w->dirty = FALSE;
	gdk_display_sync(gtk_widget_get_display(w->window));
	report(w, TRUE);
}

static gboolean on_map(GtkWidget *wd, GdkEvent *ev, gpointer data)
{
	demo_window *w = data;
	if (!w->mapped)
		g_signal_connect(gdk_window_get_frame_clock(gtk_widget_get_window(wd)), "after-paint",
		    G_CALLBACK(after_paint), w);
	w->mapped = TRUE;
	demo_window_report(w);
	return FALSE;
}

/* Signal handlers that only report: any change of what the window shows. */
static void report_notify(GObject *o, GParamSpec *p, gpointer w) { demo_window_report(w); }
static void report_changed(GtkTextBuffer *b, gpointer w) { demo_window_report(w); }
static gboolean report_event(GtkWidget *wd, GdkEvent *ev, gpointer w)
{
	demo_window_report(w);
	return FALSE;
}

/* on_term closes the window as its close button would, so that SIGTERM
 * ends the program through its normal cleanup. */
static gboolean on_term(gpointer data)
{
	demo_window *w = data;
	gtk_window_close(GTK_WINDOW(w->window));
	return G_SOURCE_CONTINUE;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--at X,Y] [MAILSLOT-NAME]\n", prog);
	exit(2);
}

void demo_window_init(demo_window *w, int *argc, char ***argv, const char *title,
    const char *button, gboolean editable)
{
	const char *name = DEMO_DEFAULT_NAME, *at = NULL;
	int x = 0, y = 0;

	gtk_init(argc, argv);
	for (int i = 1; i < *argc; i++) {
		const char *arg = (*argv)[i];
		if (strcmp(arg, "--at") == 0 && i + 1 < *argc)
			at = (*argv)[++i];
		else if (strncmp(arg, "--at=", 5) == 0)
			at = arg + 5;
		else if (arg[0] == '-' && arg[1] == '-')
			usage((*argv)[0]);
		else
			name = arg;
	}
	if (at != NULL && sscanf(at, "%d,%d", &x, &y) != 2)
		usage((*argv)[0]);

	memset(w, 0, sizeof *w);
	w->state_fd = -1;
	const char *state = getenv("MAILSLOT_GUI_STATE");
	if (state != NULL && *state != '\0') {
		w->state_fd = open(state, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (w->state_fd < 0)
			g_warning("test hook %s: %s", state, g_strerror(errno));
	}

	w->window = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	gtk_window_set_title(GTK_WINDOW(w->window), title);
	gtk_window_set_default_size(GTK_WINDOW(w->window), 330, 230);
	if (at != NULL)
		gtk_window_move(GTK_WINDOW(w->window), x, y);
	/* A header bar draws the title itself, so the window looks the same
	 * with any window manager, or none (as under Xvfb). */
	GtkWidget *bar = gtk_header_bar_new();
	gtk_header_bar_set_title(GTK_HEADER_BAR(bar), title);
	gtk_header_bar_set_show_close_button(GTK_HEADER_BAR(bar), TRUE);
	gtk_window_set_titlebar(GTK_WINDOW(w->window), bar);

	GtkWidget *box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 8);
	gtk_container_set_border_width(GTK_CONTAINER(box), 12);
	GtkWidget *row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 8);
	gtk_box_pack_start(GTK_BOX(row), gtk_label_new("Mailslot"), FALSE, FALSE, 0);
	w->name = gtk_entry_new();
	gtk_entry_set_text(GTK_ENTRY(w->name), name);
	gtk_box_pack_start(GTK_BOX(row), w->name, TRUE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), row, FALSE, FALSE, 0);

	w->text = gtk_text_view_new();
	gtk_text_view_set_wrap_mode(GTK_TEXT_VIEW(w->text), GTK_WRAP_WORD_CHAR);
	gtk_text_view_set_editable(GTK_TEXT_VIEW(w->text), editable);
	gtk_text_view_set_cursor_visible(GTK_TEXT_VIEW(w->text), editable);
	gtk_text_view_set_left_margin(GTK_TEXT_VIEW(w->text), 6);
	gtk_text_view_set_top_margin(GTK_TEXT_VIEW(w->text), 4);
	GtkWidget *scroll = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_shadow_type(GTK_SCROLLED_WINDOW(scroll), GTK_SHADOW_IN);
	gtk_container_add(GTK_CONTAINER(scroll), w->text);
	gtk_box_pack_start(GTK_BOX(box), scroll, TRUE, TRUE, 0);

	w->button = gtk_button_new_with_label(button);
	gtk_widget_set_halign(w->button, GTK_ALIGN_END);
	gtk_widget_set_size_request(w->button, 110, -1);
	gtk_box_pack_start(GTK_BOX(box), w->button, FALSE, FALSE, 0);
	gtk_container_add(GTK_CONTAINER(w->window), box);
	/* Start where the user acts: typing in Send, the button in Receive. */
	gtk_widget_grab_focus(editable ? w->text : w->button);

	g_signal_connect(w->window, "destroy", G_CALLBACK(gtk_main_quit), NULL);
	g_unix_signal_add(SIGTERM, on_term, w);
	g_signal_connect(w->window, "map-event", G_CALLBACK(on_map), w);
	g_signal_connect(w->window, "configure-event", G_CALLBACK(report_event), w);
	g_signal_connect(w->button, "notify::label", G_CALLBACK(report_notify), w);
	g_signal_connect(w->button, "notify::sensitive", G_CALLBACK(report_notify), w);
	g_signal_connect(gtk_text_view_get_buffer(GTK_TEXT_VIEW(w->text)), "changed",
	    G_CALLBACK(report_changed), w);
	gtk_widget_show_all(w->window);
}

const char *demo_window_name(demo_window *w)
{
	return gtk_entry_get_text(GTK_ENTRY(w->name));
}

static gboolean dialog_mapped(GtkWidget *d, GdkEvent *ev, gpointer data)
{
	demo_window *w = data;
	w->dialog = d;
	demo_window_report(w);
	return FALSE;
}

static void dialog_destroyed(GtkWidget *d, gpointer data)
{
	demo_window *w = data;
	if (w->dialog == d) {
		w->dialog = NULL;
		demo_window_report(w);
	}
}

void demo_message_box(demo_window *w, const char *text, unsigned long error)
{
	GtkWidget *d = gtk_message_dialog_new(GTK_WINDOW(w->window),
	    GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR, GTK_BUTTONS_OK,
	    "%s", text);
	gtk_message_dialog_format_secondary_text(GTK_MESSAGE_DIALOG(d), "GetLastError() = %lu", error);
	gtk_window_set_title(GTK_WINDOW(d), gtk_window_get_title(GTK_WINDOW(w->window)));
	g_signal_connect(d, "response", G_CALLBACK(gtk_widget_destroy), NULL);
	g_signal_connect(d, "map-event", G_CALLBACK(dialog_mapped), w);
	g_signal_connect(d, "destroy", G_CALLBACK(dialog_destroyed), w);
	gtk_widget_show(d);
}
