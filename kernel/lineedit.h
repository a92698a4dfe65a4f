/*
 * A one-line editor for the menu (pure): insert, delete, cursor keys, Home/End, Ctrl-U, Enter
 * to accept, Esc to cancel; and the line drawn for a terminal of a given width, scrolled so
 * that the cursor stays in view.
 */
#ifndef KERNEL_LINEEDIT_H
#define KERNEL_LINEEDIT_H

#include <stddef.h>

#define LINEEDIT_MAX 1024

struct lineedit {
    char buf[LINEEDIT_MAX];     /* NUL-terminated */
    size_t len, cur, cap;       /* cap: at most cap - 1 characters */
};

enum lineedit_state { LINEEDIT_EDITING, LINEEDIT_DONE, LINEEDIT_CANCEL };

/* cap at most LINEEDIT_MAX (larger is cut to it). */
void lineedit_init(struct lineedit *e, size_t cap);

/* One key (kernel/keys.h); returns what the line is now. Keys it does not take are ignored. */
enum lineedit_state lineedit_key(struct lineedit *e, int key);

/*
 * The bytes that redraw the line on a terminal width columns wide: CR, the prompt, the part of
 * the text that fits with the cursor in it, erase to the end of the line, and the cursor moved
 * back to its place. Returns the length written (always NUL-terminated; cut at cap).
 */
size_t lineedit_render(const struct lineedit *e, const char *prompt, unsigned width, char *out, size_t cap);

#endif
