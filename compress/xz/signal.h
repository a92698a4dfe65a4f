/*
 * liblzma's single-threaded mythread.h includes <signal.h> for a sigmask helper that only its
 * threaded code calls; the decoder built here never does, so in the kernel this is all it
 * needs. The host has its own.
 */
#ifndef NETPLANT_XZ_SIGNAL_H
#define NETPLANT_XZ_SIGNAL_H
#ifdef NETPLANT_KERNEL
typedef unsigned long sigset_t;
static inline int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how, (void)set, (void)old;
    return 0;
}
#else
#include_next <signal.h>
#endif
#endif
