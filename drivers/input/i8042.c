/*
 * The i8042 PS/2 controller, polled (i8042.h). Ports and commands: IBM PC/AT Technical
 * Reference, "Keyboard Controller"; the command byte is read with 0x20 and written with 0x60.
 */
#include "drivers/input/i8042.h"

#include <stddef.h>

#include "arch/x86_64/cpu.h"
#include "drivers/input/ps2kbd.h"
#include "kernel/errno.h"
#include "kernel/input.h"

#define I8042_DATA      0x60
#define I8042_STATUS    0x64    /* read */
#define I8042_CMD       0x64    /* write */
#define ST_OBF          0x01    /* a byte waits in the output buffer */
#define ST_IBF          0x02    /* the controller has not taken the last byte written */
#define ST_AUX          0x20    /* the waiting byte is the mouse's */
#define CMD_READ_CFG    0x20
#define CMD_WRITE_CFG   0x60
#define CFG_IRQ_KBD     0x01
#define CFG_IRQ_AUX     0x02
#define CFG_TRANSLATE   0x40
#define SPIN            100000  /* a controller that stops answering must not hang the menu */
#define FLUSH_MAX       64      /* bytes left over from the firmware */

static struct ps2kbd kbd;

static bool wait_status(uint8_t mask, bool set)
{
    for (unsigned i = 0; i < SPIN; i++) {
        if (((inb(I8042_STATUS) & mask) != 0) == set)
            return true;
        cpu_relax();
    }
    return false;
}

static int config_rewrite(void)
{
    if (!wait_status(ST_IBF, false))
        return -NP_ETIMEDOUT;
    outb(I8042_CMD, CMD_READ_CFG);
    if (!wait_status(ST_OBF, true))
        return -NP_ETIMEDOUT;
    uint8_t cfg = inb(I8042_DATA);
    cfg = (uint8_t)((cfg | CFG_TRANSLATE) & ~(CFG_IRQ_KBD | CFG_IRQ_AUX));
    outb(I8042_CMD, CMD_WRITE_CFG);
    if (!wait_status(ST_IBF, false))
        return -NP_ETIMEDOUT;
    outb(I8042_DATA, cfg);
    return 0;
}

static int kbd_poll(void *ctx, uint64_t now_us)
{
    (void)ctx, (void)now_us;
    /* Drain what is waiting; mouse bytes are dropped. */
    for (unsigned i = 0; i < FLUSH_MAX; i++) {
        uint8_t st = inb(I8042_STATUS);
        if (!(st & ST_OBF))
            return KEY_NONE;
        uint8_t b = inb(I8042_DATA);
        if (st & ST_AUX)
            continue;
        int k = ps2kbd_feed(&kbd, b);
        if (k != KEY_NONE)
            return k;
    }
    return KEY_NONE;
}

static const struct input_source kbd_source = { kbd_poll, NULL };

/* Drops what the controller holds for us (at most FLUSH_MAX bytes: a stuck OBF cannot hang us). */
static void flush_output(void)
{
    for (unsigned i = 0; i < FLUSH_MAX && (inb(I8042_STATUS) & ST_OBF); i++)
        (void)inb(I8042_DATA);
}

int i8042_init(void)
{
    /* Nothing decodes the port where there is no controller: it reads all ones. */
    if (inb(I8042_STATUS) == 0xFF)
        return -NP_ENODEV;
    flush_output();
    int err = config_rewrite();
    if (err)
        return err;
    flush_output();
    ps2kbd_init(&kbd);
    return input_register(&kbd_source);
}
