/* Brings lwIP up. The virtio-net netif binds here in the next step; for now this proves the
 * library builds and links into the kernel with our lwipopts.h. */
#include "net/lwip-port/lwip_port.h"

#include "kernel/console.h"
#include "lwip/init.h"

void lwip_port_init(void)
{
    lwip_init();
    log_info("net: lwIP %s initialised (raw API, NO_SYS)\n", LWIP_VERSION_STRING);
}
