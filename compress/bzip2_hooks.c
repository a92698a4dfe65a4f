/*
 * What libbz2's bzlib.c expects from its user when built with BZ_NO_STDIO: bz_internal_error,
 * called on a failed internal consistency check; and BZ2_compressBlock, which bzlib.c's
 * encoder entry points name although only the decoder (decompress.c) is built here.
 */
#include "bzlib_private.h"

#ifdef NETPLANT_KERNEL
#include "kernel/exit.h"
#define bz_die(code) panic("bzip2: internal error %d", code)
#else
#include <stdlib.h>
#define bz_die(code) ((void)(code), abort())
#endif

void bz_internal_error(int errcode)
{
    bz_die(errcode);
}

/* Never called: BZ2_bzCompressInit is not used, so no EState ever exists. */
void BZ2_compressBlock(EState *s, Bool is_last_block)
{
    (void)s, (void)is_last_block;
    bz_internal_error(-1);
}
