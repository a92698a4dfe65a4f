/*
 * lwIP configuration for netplant: raw API, NO_SYS, one core polling one netif, tuned for a
 * single large TCP download: a large window with scaling, and enough segments and pool pbufs
 * to fill it.
 */
#ifndef NETPLANT_LWIPOPTS_H
#define NETPLANT_LWIPOPTS_H

#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0   /* nothing runs lwIP from an interrupt */
#define LWIP_SOCKET                 0
#define LWIP_NETCONN                0
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    1
#define LWIP_ETHERNET               1
#define LWIP_DHCP                   1
#define LWIP_DNS                    1
#define LWIP_UDP                    1
#define LWIP_TCP                    1
#define LWIP_ALTCP                  1   /* the HTTP client speaks altcp so TLS can slot in */
#define LWIP_ALTCP_TLS              1
#define LWIP_ALTCP_TLS_MBEDTLS      1   /* lwIP's altcp_tls over mbedTLS (net/tls) */
#define ALTCP_MBEDTLS_PLATFORM_ALLOC 0  /* mbedTLS allocates from its own arena (crypto/tls_platform.c) */
#define LWIP_NETIF_STATUS_CALLBACK  1
#define LWIP_NETIF_LINK_CALLBACK    1
#define LWIP_STATS                  0
#define LWIP_PROVIDE_ERRNO          1
#define LWIP_SUPPORT_CUSTOM_PBUF    1   /* receive frames in place, in the device's buffers */
#define LWIP_DHCP_DOES_ACD_CHECK    0   /* lwIP 2.2 (was DHCP_DOES_ARP_CHECK): saves ~1 s per lease */
#define LWIP_NETIF_HOSTNAME         1
#define DNS_MAX_SERVERS             2
#define LWIP_TCP_SACK_OUT           1   /* tell the sender what arrived out of order */
/*
 * DHCP lease timers in 1 s ticks, not lwIP's 60 s: a lease of a minute must be renewed at T1
 * and rebound at T2 (RFC 2131 4.4.5) before it ends. Needs patches/lwip/0002 (u32_t counters,
 * so leases of days are not clamped). Renewal and rebind requests are sent again after half
 * the time left, down to 5 s instead of the RFC's 60 s, so that a short lease gets more than
 * one try per phase.
 */
#define DHCP_COARSE_TIMER_SECS      1
#define DHCP_RETRANS_MIN_SECS       5
#define DHCP_TIMEOUT_SIZE_T         u32_t   /* lwIP 2.2: 1 s ticks of leases of days */

#define MEM_ALIGNMENT               8
#define MEM_SIZE                    (256 * 1024)
#define MEMP_NUM_PBUF               256
#define MEMP_NUM_TCP_PCB            8
#define MEMP_NUM_TCP_SEG            512
#define PBUF_POOL_SIZE              512
#define PBUF_POOL_BUFSIZE           1536

#define TCP_MSS                     1460
#define LWIP_WND_SCALE              1
#define TCP_RCV_SCALE               4
#define TCP_WND                     (512 * 1024)
#define TCP_SND_BUF                 (16 * TCP_MSS)
#define TCP_WND_UPDATE_THRESHOLD    (16 * TCP_MSS)
/* One cumulative ACK per burst of received frames, sent by netif_glue_poll (patches/lwip/0004). */
#define TCP_ACK_DELAY_ALWAYS        1
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)

#define LWIP_CHKSUM_ALGORITHM       3
/* Our sum, 8 bytes a step (net/lwip-port/inet_csum.c): every received segment is summed. */
unsigned short inet_sum16(const void *data, int len);
#define LWIP_CHKSUM                 inet_sum16
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1

#if !NO_SYS || LWIP_SOCKET || LWIP_NETCONN
#error "netplant's port is raw API with NO_SYS=1 only"
#endif
#if TCP_WND > 0xFFFF && !LWIP_WND_SCALE
#error "a window above 64 KiB needs window scaling"
#endif

#endif
