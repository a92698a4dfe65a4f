/* Polled 16550 UART on COM1 at 115200 8N1. */
#include "arch/x86_64/arch.h"
#include "arch/x86_64/cpu.h"

#define COM1        0x3F8
#define UART_THR    0       /* transmit holding (DLAB=0) */
#define UART_RBR    0       /* receive buffer (DLAB=0) */
#define UART_DLL    0       /* divisor low (DLAB=1) */
#define UART_IER    1
#define UART_DLM    1       /* divisor high (DLAB=1) */
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define UART_SCR    7
#define LSR_DR      0x01
#define LSR_THRE    0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define BAUD_DIV    1       /* 115200 = 1.8432 MHz / 16 / 1 */
#define TX_SPIN     100000  /* a missing or stuck UART must not hang the kernel */

static bool serial_present;

void serial_init(void)
{
    /* The scratch register reads back what was written only if a UART is there. */
    outb(COM1 + UART_SCR, 0x5A);
    if (inb(COM1 + UART_SCR) != 0x5A)
        return;
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, BAUD_DIV);
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0xC7);    /* enable and clear FIFOs, 14-byte threshold */
    outb(COM1 + UART_MCR, 0x03);    /* DTR, RTS; no loopback, no interrupts */
    serial_present = true;
}

static void serial_putc(char c)
{
    for (unsigned i = 0; i < TX_SPIN && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(COM1 + UART_THR, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
    if (!serial_present)
        return;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc(void)
{
    if (!serial_present || !(inb(COM1 + UART_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + UART_RBR);
}
