# The freestanding kernel: one static library per folder, linked into netplant.elf.
set(CMAKE_ASM_NASM_OBJECT_FORMAT elf64)
enable_language(ASM_NASM)

# Flags every kernel library shares (the toolchain file carries the code-generation ones).
add_library(np_kernel_flags INTERFACE)
target_compile_options(np_kernel_flags INTERFACE
  $<$<COMPILE_LANGUAGE:C>:${NETPLANT_WARNINGS} -O2 -g>)
target_compile_definitions(np_kernel_flags INTERFACE NETPLANT_KERNEL=1
  NETPLANT_VERSION="${PROJECT_VERSION}")
target_include_directories(np_kernel_flags INTERFACE ${CMAKE_SOURCE_DIR} ${CMAKE_SOURCE_DIR}/kernel/include)

add_subdirectory(kernel)
add_subdirectory(arch/x86_64)
add_subdirectory(drivers/pci)
add_subdirectory(drivers/virtio)
add_subdirectory(drivers/nvme)
add_subdirectory(drivers/e1000)
add_subdirectory(drivers/ahci)
add_subdirectory(drivers/probe)
add_subdirectory(drivers/video)
add_subdirectory(drivers/input)
add_subdirectory(net/lwip-port)
add_subdirectory(net/http)
add_subdirectory(crypto)
add_subdirectory(compress)
add_subdirectory(net/tls)
add_subdirectory(install)

set(NP_LDS ${CMAKE_SOURCE_DIR}/arch/x86_64/kernel.ld)
add_executable(netplant.elf arch/x86_64/boot.asm)
set_target_properties(netplant.elf PROPERTIES LINK_DEPENDS ${NP_LDS} LINKER_LANGUAGE C)
# -Xlinker passes the map path whole: a build tree whose path has a space or comma links too.
target_link_options(netplant.elf PRIVATE -T "${NP_LDS}" -Xlinker "-Map=${CMAKE_BINARY_DIR}/netplant.map")
# Whole-archive: the entry code and exception stubs are only reached from assembly.
target_link_libraries(netplant.elf PRIVATE
  -Wl,--start-group np_install np_arch np_kernel np_probe np_pci np_virtio np_nvme np_e1000 np_ahci np_video
  np_input np_lwip np_http np_tls np_crypto np_compress np_zlib np_zstd np_lzma np_bz2 -Wl,--end-group -lgcc)

# PVH variant: QEMU's -kernel prefers a Multiboot1 header over the PVH note, so a second
# file with the Multiboot1 magic cleared lets microvm take the PVH path (and pass
# virtio_mmio.device= entries). It is otherwise the same bytes.
add_custom_command(OUTPUT netplant-pvh.elf
  COMMAND ${CMAKE_SOURCE_DIR}/tools/mkpvh $<TARGET_FILE:netplant.elf> ${CMAKE_BINARY_DIR}/netplant-pvh.elf
  DEPENDS netplant.elf ${CMAKE_SOURCE_DIR}/tools/mkpvh
  COMMENT "Making netplant-pvh.elf")

add_custom_command(OUTPUT netplant.iso
  COMMAND ${CMAKE_SOURCE_DIR}/tools/mkiso --kernel $<TARGET_FILE:netplant.elf>
          --out ${CMAKE_BINARY_DIR}/netplant.iso --timeout 0
  DEPENDS netplant.elf ${CMAKE_SOURCE_DIR}/tools/mkiso
  COMMENT "Making netplant.iso")
# The network boot tree (TFTP or HTTP): GRUB netboot images for BIOS and UEFI, grub.cfg, the
# kernel and netplant.ipxe. Its command line is empty; tools/mknetboot makes one with yours.
add_custom_command(OUTPUT netboot/netplant.ipxe
  COMMAND ${CMAKE_SOURCE_DIR}/tools/mknetboot --kernel $<TARGET_FILE:netplant.elf>
          --out ${CMAKE_BINARY_DIR}/netboot
  DEPENDS netplant.elf ${CMAKE_SOURCE_DIR}/tools/mknetboot
  COMMENT "Making the network boot tree")
add_custom_target(artifacts ALL DEPENDS netplant-pvh.elf netplant.iso netboot/netplant.ipxe)
