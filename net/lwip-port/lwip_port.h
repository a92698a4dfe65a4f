#ifndef NET_LWIP_PORT_H
#define NET_LWIP_PORT_H

void lwip_port_init(void);

#endif
