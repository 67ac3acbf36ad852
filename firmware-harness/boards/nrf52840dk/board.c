/* nRF52840-DK board support: nRF52840, Cortex-M4F at 64 MHz (fixed).
 * Reference: nRF52840 Product Specification v1.7 (PS), nRF52840 DK user
 * guide (VCP on P0.06 TX / P0.08 RX through the interface MCU).
 *
 * Clock: HFCLK switched to the 32 MHz crystal (CLOCK, PS 5.4.4:
 * TASKS_HFCLKSTART 0x000, EVENTS_HFCLKSTARTED 0x100) so the UART baud rate
 * is crystal-accurate; the CPU clock is 64 MHz either way.
 *
 * Console: UARTE0 (EasyDMA UART, PS 6.34) at 0x40002000, 115200 8N1, one-byte
 * DMA transfers from/to RAM buffers. Reception re-arms after each byte; the
 * UARTE's 6-byte RX FIFO holds bytes arriving meanwhile (PS 6.34.4), which
 * covers the request/response MLPerf protocol polled in a loop.
 *
 * Timestamp: P0.03 (Arduino A0 on the DK; our choice), idle high.
 * Timer: DWT_CYCCNT. */
#include "cortexm.h"
#include "hb_board.h"

#define CLOCK_BASE 0x40000000u
#define P0_BASE                                                                     \
  0x50000000u /* GPIO P0, PS 6.9.2: OUTSET 0x508, OUTCLR 0x50C, PIN_CNF[n] 0x700+4n \
               */
#define UARTE0_BASE 0x40002000u
#define UARTE(off) HB_REG32(UARTE0_BASE + (off))
/* UARTE0 registers (PS 6.34.10). */
#define TASKS_STARTRX 0x000u
#define TASKS_STARTTX 0x008u
#define EVENTS_ENDRX 0x110u
#define EVENTS_ENDTX 0x120u
#define ENABLE 0x500u /* 8 = UARTE */
#define PSEL_RTS 0x508u
#define PSEL_TXD 0x50Cu
#define PSEL_CTS 0x510u
#define PSEL_RXD 0x514u
#define BAUDRATE 0x524u /* 0x01D60000 = 115200 (UARTE table, not the UART one) */
#define RXD_PTR 0x534u
#define RXD_MAXCNT 0x538u
#define TXD_PTR 0x544u
#define TXD_MAXCNT 0x548u
#define CONFIG 0x56Cu

#define PIN_TX 6u
#define PIN_RX 8u
#define PIN_TS 3u
#define PSEL_DISCONNECTED 0xFFFFFFFFu

static const hb_board_info_t kInfo = {"nrf52840dk", "cortex-m4", 64000000u, 115200u, 0u};
static volatile uint8_t s_tx_byte, s_rx_byte; /* EasyDMA buffers: must be in RAM */
static uint8_t s_tx_busy;

const hb_board_info_t *hb_board_info(void) { return &kInfo; }

void hb_board_init(void) {
  HB_REG32(CLOCK_BASE + 0x100u) = 0;
  HB_REG32(CLOCK_BASE + 0x000u) = 1u;
  while (HB_REG32(CLOCK_BASE + 0x100u) == 0) {
  }

  /* TX output high, RX input with buffer connected (PIN_CNF: DIR bit 0,
   * INPUT bit 1 = 0 connects the buffer), as PS 6.34.2 asks. */
  HB_REG32(P0_BASE + 0x508u) = (1u << PIN_TX) | (1u << PIN_TS);
  HB_REG32(P0_BASE + 0x700u + 4u * PIN_TX) = 1u;
  HB_REG32(P0_BASE + 0x700u + 4u * PIN_RX) = 0u;
  HB_REG32(P0_BASE + 0x700u + 4u * PIN_TS) = 1u;

  UARTE(ENABLE) = 0;
  UARTE(PSEL_TXD) = PIN_TX;
  UARTE(PSEL_RXD) = PIN_RX;
  UARTE(PSEL_RTS) = PSEL_DISCONNECTED;
  UARTE(PSEL_CTS) = PSEL_DISCONNECTED;
  UARTE(BAUDRATE) = 0x01D60000u;
  UARTE(CONFIG) = 0; /* no flow control, no parity, one stop bit */
  UARTE(ENABLE) = 8u;
  UARTE(EVENTS_ENDRX) = 0;
  UARTE(RXD_PTR) = (uint32_t)(uintptr_t)&s_rx_byte;
  UARTE(RXD_MAXCNT) = 1u;
  UARTE(TASKS_STARTRX) = 1u;
  s_tx_busy = 0;
  hb_timer_init();
}

void hb_board_uart_flush(void) {
  if (!s_tx_busy) return;
  while (UARTE(EVENTS_ENDTX) == 0) {
  }
  UARTE(EVENTS_ENDTX) = 0;
  s_tx_busy = 0;
}

void hb_board_putc(uint8_t c) {
  hb_board_uart_flush(); /* the DMA buffer is ours again only after ENDTX */
  s_tx_byte = c;
  UARTE(TXD_PTR) = (uint32_t)(uintptr_t)&s_tx_byte;
  UARTE(TXD_MAXCNT) = 1u;
  UARTE(TASKS_STARTTX) = 1u;
  s_tx_busy = 1;
}

int hb_board_getc(void) {
  if (UARTE(EVENTS_ENDRX) == 0) return -1;
  UARTE(EVENTS_ENDRX) = 0;
  int c = s_rx_byte;
  UARTE(TASKS_STARTRX) = 1u;
  return c;
}

void hb_board_timestamp_pulse(void) {
  HB_REG32(P0_BASE + 0x50Cu) = 1u << PIN_TS;
  hb_spin(kInfo.cpu_hz / 1000000u + 1u);
  HB_REG32(P0_BASE + 0x508u) = 1u << PIN_TS;
}
