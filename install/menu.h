/*
 * The menu for the person at the machine: choose an image from catalog= (or type a URL),
 * choose the disk, confirm by typing its name, then the very install url= runs
 * (install_run with url=, sha256= and disk= added to the command line). Keys come from the
 * PS/2 keyboard and the serial port alike; the menu shows on every console output.
 */
#ifndef INSTALL_MENU_H
#define INSTALL_MENU_H

#include <stdbool.h>

#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"

/*
 * Whether the menu runs: `menu` (or menu=on), or catalog=, or no url= on a machine with a
 * screen; never with menu=off. A bad menu= value is reported and counts as off.
 */
bool menu_wanted(const struct cmdline *cl, bool have_screen);

/* Runs the menu; returns the install's exit status, or NP_EXIT_CANCELLED when the user quits. */
enum np_exit menu_run(const struct cmdline *cl, const struct boot_info *bi);

#endif
