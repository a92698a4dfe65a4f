/* Network bring-up and the polled main loop around lwIP. */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>

#include "kernel/bootinfo.h"
#include "kernel/cmdline.h"
#include "kernel/exit.h"
#include "lwip/ip_addr.h"

/*
 * Picks the NIC (nic= or the first), waits for its link, then configures it: statically (ip=,
 * gw=, dns=), from the DHCP ACK the boot loader passed, or by DHCP within dhcp_timeout=
 * seconds. Returns NP_EXIT_OK or the exit status for what failed, after one error line.
 */
enum np_exit net_up(const struct cmdline *cl, const struct boot_info *bi);

/* The MAC of the NIC in use, once net_up has picked it; NULL before. */
const uint8_t *net_mac(void);

/* One turn of the main loop: frames in, sent frames reclaimed, link followed, lwIP timers. */
void net_poll(void);

/* Resolves name (or parses a literal address) within timeout_ms. */
int net_resolve(const char *name, ip_addr_t *out, uint32_t timeout_ms);

#endif
