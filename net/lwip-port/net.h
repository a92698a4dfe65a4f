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

/*
 * One turn of the main loop: frames in, sent frames reclaimed, link followed, lwIP timers
 * (DHCP renews at T1 and rebinds at T2 from here, RFC 2131 4.4.5), a line for each change of
 * the lease.
 */
void net_poll(void);

/*
 * Resolves name (or parses a literal address) within timeout_ms. Returns NP_EXIT_OK with *out
 * set, or after one error line that names the cause: NP_EXIT_DNS (no DNS server, it did not
 * answer, no such name), NP_EXIT_NOROUTE (no route to any DNS server), NP_EXIT_DHCP (the
 * lease was lost and no new one came within dhcp_timeout=).
 */
enum np_exit net_resolve(const char *name, ip_addr_t *out, uint32_t timeout_ms);

/*
 * Before connecting to ip: can a packet to it leave? It can when ip is on the NIC's network or
 * there is a gateway; lwIP would otherwise drop every SYN (ERR_RTE) until the connect timed
 * out. Waits first for a new lease when the last one was lost (up to dhcp_timeout=). Returns
 * NP_EXIT_OK, or after one error line NP_EXIT_NOROUTE or NP_EXIT_DHCP.
 */
enum np_exit net_route_check(const ip_addr_t *ip);

#endif
