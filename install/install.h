/* The main job: stream url= onto the disk, verify it, and say so in one line. */
#ifndef INSTALL_INSTALL_H
#define INSTALL_INSTALL_H

#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"

enum np_exit install_run(const struct cmdline *cl, const struct boot_info *bi);

#endif
