# Toolchain for the freestanding x86_64 kernel. The host's gcc targets x86_64 already;
# what makes it a cross build is the freestanding environment, not another compiler.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_NASM_COMPILER nasm)
# No libc to link a test program against: probe the compiler with a static library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(NETPLANT_KERNEL ON CACHE BOOL "Build the freestanding kernel" FORCE)

# -mgeneral-regs-only: no SSE/x87 state is saved on exceptions, so the kernel never uses it.
# -mno-red-zone: exception entry pushes below RSP on the same stack.
# -mcmodel=small with -fno-pic: the kernel is linked and identity-mapped below 2 GiB.
# Only the compiler's own headers (stdint.h, stddef.h, stdarg.h, limits.h...), never the
# host's libc headers: the kernel provides the few libc declarations it needs itself.
execute_process(COMMAND gcc -print-file-name=include OUTPUT_VARIABLE NP_GCC_INCLUDE
                OUTPUT_STRIP_TRAILING_WHITESPACE)
set(CMAKE_C_FLAGS_INIT
    "-nostdinc -isystem ${NP_GCC_INCLUDE} -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie -mno-red-zone \
-mgeneral-regs-only -mcmodel=small -fno-omit-frame-pointer -fno-asynchronous-unwind-tables")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,--no-warn-rwx-segments")
