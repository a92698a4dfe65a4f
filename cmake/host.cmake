# Host build: unit tests under sanitizers, fuzz targets, the kernel as an external project,
# and the QEMU boot tests.
include(CTest)
include(ExternalProject)

ExternalProject_Add(kernel
  SOURCE_DIR ${CMAKE_SOURCE_DIR}
  BINARY_DIR ${CMAKE_BINARY_DIR}/kernel
  CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/x86_64-netplant.cmake
             -DLWIP_DIR=${LWIP_DIR} -DCMAKE_BUILD_TYPE=Release
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
set(NETPLANT_KERNEL_DIR ${CMAKE_BINARY_DIR}/kernel)
