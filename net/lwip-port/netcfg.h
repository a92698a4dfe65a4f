/* Parsing of the network keys on the command line (pure). */
#ifndef NET_NETCFG_H
#define NET_NETCFG_H

#include <stdint.h>

/* "10.0.2.15" -> {10,0,2,15}; strict: four decimal parts 0-255, nothing after. */
int netcfg_parse_ipv4(const char *s, uint8_t out[4]);
/* "10.0.2.15/24" -> address and prefix length (0-32); the prefix is required. */
int netcfg_parse_cidr(const char *s, uint8_t addr[4], unsigned *prefix);
/* "1.1.1.1" or "1.1.1.1,9.9.9.9": up to max addresses; returns how many or < 0. */
int netcfg_parse_ipv4_list(const char *s, uint8_t (*out)[4], unsigned max);
void netcfg_prefix_mask(unsigned prefix, uint8_t mask[4]);

#endif
