# Host build: the pure kernel logic under ASan/UBSan with unit tests and fuzz targets, the
# kernel as an external project with the freestanding toolchain, and the QEMU boot tests.
include(CTest)
include(ExternalProject)

ExternalProject_Add(kernel
  SOURCE_DIR ${CMAKE_SOURCE_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/kernel
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/x86_64-netplant.cmake
             -DLWIP_DIR=${LWIP_DIR} -DNETTLE_DIR=${NETTLE_DIR} -DHTTP_PARSER_DIR=${HTTP_PARSER_DIR} -DMBEDTLS_DIR=${MBEDTLS_DIR}
             -DZLIB_DIR=${ZLIB_DIR} -DZSTD_DIR=${ZSTD_DIR} -DXZ_DIR=${XZ_DIR} -DBZIP2_DIR=${BZIP2_DIR}
             -DCMAKE_BUILD_TYPE=Release
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
set(NETPLANT_KERNEL_DIR ${CMAKE_BINARY_DIR}/kernel)

set(NP_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# The kernel folders' pure sources, compiled for the host. Their binary dirs live under host/:
# build/kernel belongs to the kernel's own build above.
add_subdirectory(kernel host/kernel)
add_subdirectory(drivers/pci host/drivers/pci)
add_subdirectory(drivers/virtio host/drivers/virtio)
add_subdirectory(drivers/nvme host/drivers/nvme)
add_subdirectory(drivers/e1000 host/drivers/e1000)
add_subdirectory(drivers/ahci host/drivers/ahci)
add_subdirectory(drivers/video host/drivers/video)
add_subdirectory(drivers/input host/drivers/input)
add_subdirectory(net/lwip-port host/net/lwip-port)
add_subdirectory(install host/install)
add_subdirectory(crypto host/crypto)
add_subdirectory(compress host/compress)
add_subdirectory(net/tls host/net/tls)
add_library(np_pure STATIC ${NP_KERNEL_PURE_SRCS} ${NP_PCI_PURE_SRCS} ${NP_VIRTIO_PURE_SRCS}
            ${NP_NVME_PURE_SRCS} ${NP_E1000_PURE_SRCS} ${NP_AHCI_PURE_SRCS} ${NP_VIDEO_PURE_SRCS}
            ${NP_INPUT_PURE_SRCS} ${NP_NET_PURE_SRCS} ${NP_INSTALL_PURE_SRCS} ${NP_TLS_PURE_SRCS})
target_include_directories(np_pure PUBLIC ${CMAKE_SOURCE_DIR})
target_compile_options(np_pure PUBLIC ${NETPLANT_WARNINGS} ${NP_SANITIZE} -g -O1)
target_link_options(np_pure PUBLIC ${NP_SANITIZE})

include(cmake/fuzz.cmake)
add_subdirectory(tests/unit)
add_subdirectory(tests/unit_drivers)
add_subdirectory(tests/fuzz)
add_subdirectory(tests/fuzz_drivers)
add_subdirectory(tests/unit_net)
add_subdirectory(tests/fuzz_net)
add_subdirectory(tests/unit_http)
add_subdirectory(tests/unit_crypto)
add_subdirectory(tests/fuzz_http)
add_subdirectory(tests/unit_install)
add_subdirectory(tests/fuzz_install)
add_subdirectory(tests/unit_tls)
add_subdirectory(tests/qemu)
