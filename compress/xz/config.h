/*
 * liblzma's config.h, written by hand for its decoder subset (compress/CMakeLists.txt lists
 * the files): .xz streams with LZMA2, the BCJ filters xz offers (x86, PowerPC, IA-64, ARM,
 * ARM-Thumb, ARM64, SPARC) and delta before it; checks CRC32, CRC64 and SHA-256; no encoders,
 * no threads, no CLMUL (the kernel runs without SSE state). The filters keep no more than a
 * few bytes of state each: the memory a stream needs is still its dictionary's.
 */
#define HAVE_DECODERS 1
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
#define HAVE_DECODER_X86 1
#define HAVE_DECODER_POWERPC 1
#define HAVE_DECODER_IA64 1
#define HAVE_DECODER_ARM 1
#define HAVE_DECODER_ARMTHUMB 1
#define HAVE_DECODER_ARM64 1
#define HAVE_DECODER_SPARC 1
#define HAVE_DECODER_DELTA 1
#define HAVE_CHECK_CRC32 1
#define HAVE_CHECK_CRC64 1
#define HAVE_CHECK_SHA256 1
#define HAVE_INTERNAL_SHA256 1

#define HAVE_STDBOOL_H 1
#define HAVE__BOOL 1
#define HAVE_STDINT_H 1
#define SIZEOF_SIZE_T 8
#define HAVE___BUILTIN_BSWAPXX 1
#define HAVE___BUILTIN_ASSUME_ALIGNED 1
#define TUKLIB_FAST_UNALIGNED_ACCESS 1
#define TUKLIB_SYMBOL_PREFIX lzma_
#define HAVE_VISIBILITY 0
