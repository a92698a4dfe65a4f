#include "kernel/netdev.h"

#include "kernel/errno.h"
#include "kernel/printf.h"

#define NETDEV_MAX 8

static struct netdev *devs[NETDEV_MAX];
static unsigned n_devs;

int netdev_register(struct netdev *d)
{
    if (n_devs == NETDEV_MAX)
        return -NP_ENOSPC;
    devs[n_devs++] = d;
    return 0;
}

unsigned netdev_count(void) { return n_devs; }
struct netdev *netdev_get(unsigned i) { return i < n_devs ? devs[i] : 0; }

void netdev_mac_format(const uint8_t mac[6], char *buf, unsigned size)
{
    np_snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
