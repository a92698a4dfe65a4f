/*
 * Intel 8254x / 82574 Gigabit Ethernet: the registers and legacy descriptors netplant uses
 * (PCI/PCI-X Family of Gigabit Ethernet Controllers SDM rev 4.0 ("8254x SDM") chapters 3 and
 * 13; 82574 GbE Controller Family datasheet ("82574") chapters 7 and 10). Names as in the SDM.
 */
#ifndef DRIVERS_E1000_E1000_REGS_H
#define DRIVERS_E1000_E1000_REGS_H

#include <stddef.h>
#include <stdint.h>

#define E1000_VENDOR_INTEL      0x8086

/* Registers, offsets into BAR0 (8254x SDM 13.1, 82574 10.2). */
#define E1000_CTRL              0x0000  /* device control */
#define E1000_STATUS            0x0008  /* device status, ro */
#define E1000_EERD              0x0014  /* EEPROM read */
#define E1000_ICR               0x00C0  /* interrupt cause read, clears on read */
#define E1000_IMC               0x00D8  /* interrupt mask clear, wo */
#define E1000_RCTL              0x0100  /* receive control */
#define E1000_TCTL              0x0400  /* transmit control */
#define E1000_TIPG              0x0410  /* transmit inter-packet gap */
#define E1000_RDBAL             0x2800  /* receive descriptor base, low and high */
#define E1000_RDBAH             0x2804
#define E1000_RDLEN             0x2808  /* ring bytes, a multiple of 128 */
#define E1000_RDH               0x2810
#define E1000_RDT               0x2818
#define E1000_RDTR              0x2820  /* receive delay timer */
#define E1000_TDBAL             0x3800
#define E1000_TDBAH             0x3804
#define E1000_TDLEN             0x3808
#define E1000_TDH               0x3810
#define E1000_TDT               0x3818
#define E1000_RXCSUM            0x5000  /* receive checksum control */
#define E1000_MTA               0x5200  /* multicast table, 128 dwords */
#define E1000_MTA_WORDS         128
#define E1000_RAL0              0x5400  /* receive address 0, low and high */
#define E1000_RAH0              0x5404

#define E1000_CTRL_FD           (1u << 0)   /* full duplex */
#define E1000_CTRL_LRST         (1u << 3)   /* link reset (8254x) */
#define E1000_CTRL_ASDE         (1u << 5)   /* auto-speed detection */
#define E1000_CTRL_SLU          (1u << 6)   /* set link up */
#define E1000_CTRL_RST          (1u << 26)  /* device reset, self-clearing */
#define E1000_CTRL_PHY_RST      (1u << 31)

#define E1000_STATUS_LU         (1u << 1)   /* link up */

/* EERD: the bit layout differs between the 8254x (SDM 13.4.4) and the 82574 (10.2.2.6). */
#define E1000_EERD_START        (1u << 0)
#define E1000_EERD_DONE_8254X   (1u << 4)
#define E1000_EERD_ADDR_SHIFT_8254X 8
#define E1000_EERD_DONE_82574   (1u << 1)
#define E1000_EERD_ADDR_SHIFT_82574 2
#define E1000_EERD_DATA(v)      ((uint16_t)((v) >> 16))

#define E1000_RCTL_EN           (1u << 1)
#define E1000_RCTL_BAM          (1u << 15)  /* accept broadcast */
#define E1000_RCTL_BSIZE_2048   (0u << 16)
#define E1000_RCTL_SECRC        (1u << 26)  /* strip the Ethernet CRC */

#define E1000_TCTL_EN           (1u << 1)
#define E1000_TCTL_PSP          (1u << 3)   /* pad short packets */
#define E1000_TCTL_CT(n)        ((uint32_t)(n) << 4)    /* collision threshold */
#define E1000_TCTL_COLD(n)      ((uint32_t)(n) << 12)   /* collision distance */
/* IPGT 10, IPGR1 8, IPGR2 6 for copper (8254x SDM 13.4.34). */
#define E1000_TIPG_COPPER       (10u | 8u << 10 | 6u << 20)

#define E1000_RXCSUM_IPOFL      (1u << 8)   /* IPv4 header checksum offload */
#define E1000_RXCSUM_TUOFL      (1u << 9)   /* TCP/UDP checksum offload */

#define E1000_RAH_AV            (1u << 31)  /* address valid */

/* Legacy receive descriptor (8254x SDM 3.2.3). */
struct e1000_rx_desc {
    uint64_t addr;
    uint16_t length;
    uint16_t csum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "legacy rx descriptor");
_Static_assert(offsetof(struct e1000_rx_desc, status) == 12, "rx status");

#define E1000_RXD_STAT_DD       (1u << 0)   /* descriptor done */
#define E1000_RXD_STAT_EOP      (1u << 1)   /* end of packet */
#define E1000_RXD_STAT_IXSM     (1u << 2)   /* ignore checksum indications */
#define E1000_RXD_STAT_TCPCS    (1u << 5)   /* TCP/UDP checksum calculated */
#define E1000_RXD_STAT_IPCS     (1u << 6)   /* IPv4 checksum calculated */
#define E1000_RXD_ERR_FRAME     0x97u       /* CE, SE, SEQ, CXE, RXE: a bad frame */
#define E1000_RXD_ERR_TCPE      (1u << 5)
#define E1000_RXD_ERR_IPE       (1u << 6)

/* Legacy transmit descriptor (8254x SDM 3.3.3). */
struct e1000_tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "legacy tx descriptor");
_Static_assert(offsetof(struct e1000_tx_desc, cmd) == 11, "tx cmd");
_Static_assert(offsetof(struct e1000_tx_desc, status) == 12, "tx status");

#define E1000_TXD_CMD_EOP       (1u << 0)
#define E1000_TXD_CMD_IFCS      (1u << 1)   /* insert the Ethernet CRC */
#define E1000_TXD_CMD_RS        (1u << 3)   /* report status: DD written back */
#define E1000_TXD_STAT_DD       (1u << 0)

#define E1000_RING_ALIGN        128         /* RDLEN/TDLEN granularity: 8 descriptors */

#endif
