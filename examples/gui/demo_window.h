/* SPDX-License-Identifier: MIT */
/*
 * demo_window.h - the GTK part shared by the Receive and Send windows.
 *
 * Both windows of the classic demo look alike: a mailslot name field, a
 * text box and one button.  This file builds that window, shows message
 * boxes, and reports the window's state for tests, so that the two
 * programs hold nothing but their mailslot code and read like the Win32
 * original.
 */
#ifndef MAILSLOT_DEMO_WINDOW_H
#define MAILSLOT_DEMO_WINDOW_H

#include <gtk/gtk.h>

/* The name both windows start with, as in the original. */
#define DEMO_DEFAULT_NAME "\\\\.\\mailslot\\MyMailslot"

typedef struct demo_window {
	GtkWidget *window;
	GtkWidget *name;   /* GtkEntry: the mailslot name */
	GtkWidget *text;   /* GtkTextView: the message */
	GtkWidget *button; /* Receive or Send */
	GtkWidget *dialog; /* the message box on screen, or NULL */
	int state_fd;      /* where the state is reported, or -1 */
	gboolean mapped;   /* the window has been mapped on screen */
	gboolean dirty;    /* a change was reported but not yet painted */
} demo_window;

/*
 * demo_window_init calls gtk_init and builds the window.  Arguments:
 * [--at X,Y] [NAME]; NAME (default DEMO_DEFAULT_NAME) fills the name field,
 * --at places the window (for `make demo-gui` and the test, which show the
 * two side by side).  `editable` says whether the user types in the text
 * box.  The button's "clicked" handler is the caller's.  Exits with status
 * 2 on a bad argument.
 */
void demo_window_init(demo_window *w, int *argc, char ***argv, const char *title,
    const char *button, gboolean editable);

/* demo_window_name returns the name field's text, owned by the field. */
const char *demo_window_name(demo_window *w);

/*
 * demo_message_box shows a modal message box whose first line is `text`
 * (the original's words) and whose second gives the Win32 error code, and
 * returns at once: the user's OK closes it.
 */
void demo_message_box(demo_window *w, const char *text, unsigned long error);

/*
 * The test hook.  When $MAILSLOT_GUI_STATE names a file, the window appends
 * one line to it whenever what it shows changes: the button's label and
 * whether it is enabled, the text box's text, the message box's two lines,
 * and the screen position of the centre of the button, the text box and
 * the message box's OK button, so that a test can click them and wait for the
 * result instead of guessing how long to sleep.  Every value is read back
 * from the widgets themselves.  The line looks like
 *   mapped=1 drawn=0 label="Receive" sensitive=1 text="..." dialog=""
 *   detail="" name="..." button=X,Y textbox=X,Y ok=X,Y
 * with strings escaped as C strings.  A change is reported twice: at once
 * with drawn=0, and with drawn=1 once the window has been painted with it
 * and the X server has processed the drawing, so that a screenshot taken
 * then shows it.
 */
void demo_window_report(demo_window *w);

#endif
