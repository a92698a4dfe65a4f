/*
 * liblzma's config.h, written by hand for its decoder subset (compress/CMakeLists.txt lists
 * the files): .xz streams with LZMA2, checks CRC32, CRC64 and SHA-256; no encoders, no BCJ or
 * delta filters, no threads, no CLMUL (the kernel runs without SSE state).
 */
#define HAVE_DECODERS 1
#define HAVE_DECODER_LZMA1 1
#define HAVE_DECODER_LZMA2 1
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
