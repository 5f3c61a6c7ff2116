/* HTIF console output and exit for the rvpack bare-metal profile (see htif.h).
 *
 * Protocol (Spike's front-end server, riscv-isa-sim/fesvr): the target writes
 * a command to `tohost`; the front end polls it between batches of simulated
 * instructions, clears it, executes the command and posts the reply to
 * `fromhost`. A command is (device << 56) | (cmd << 48) | payload:
 *   device 0, cmd 0, payload odd:  exit with code payload >> 1
 *   device 0, cmd 0, payload even: syscall; payload = address of 8 uint64
 *     {number, arg0, arg1, ...}; the front end writes the result to word 0
 *     and replies 1 on fromhost.
 * Linux syscall numbers are used (write = 64). */
#include "htif.h"

#include <stddef.h>
#include <stdint.h>

/* Spike locates these two by symbol name; they must be 8-byte words in a
 * section of their own (link.ld aligns it to 64 bytes). */
volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(8)));

#define HTIF_SYS_WRITE 64

static volatile uint64_t htif_magic[8] __attribute__((aligned(64)));

static uint64_t htif_syscall(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2) {
  htif_magic[0] = number;
  htif_magic[1] = a0;
  htif_magic[2] = a1;
  htif_magic[3] = a2;
  __sync_synchronize();
  tohost = (uint64_t)(uintptr_t)htif_magic;
  while (fromhost == 0) {
  }
  fromhost = 0;
  __sync_synchronize();
  return htif_magic[0];
}

int64_t rvpack_htif_write(int fd, const void* buf, size_t len) {
  return (int64_t)htif_syscall(HTIF_SYS_WRITE, (uint64_t)fd, (uint64_t)(uintptr_t)buf, (uint64_t)len);
}

void rvpack_htif_exit(int code) {
  __sync_synchronize();
  tohost = ((uint64_t)(uint32_t)code << 1) | 1u;
  for (;;) {
  }
}

/* ---- buffered stdout ------------------------------------------------------ */

#define OUT_CAPACITY 4096

static char out_buf[OUT_CAPACITY];
static size_t out_len;

void rvpack_out_flush(void) {
  size_t done = 0;
  while (done < out_len) {
    int64_t n = rvpack_htif_write(1, out_buf + done, out_len - done);
    if (n <= 0) break; /* the host cannot take it: drop the rest */
    done += (size_t)n;
  }
  out_len = 0;
}

void rvpack_out_char(char c) {
  if (out_len == OUT_CAPACITY) rvpack_out_flush();
  out_buf[out_len++] = c;
}

void rvpack_out_str(const char* s) {
  while (*s != '\0') rvpack_out_char(*s++);
}

void rvpack_out_u64(uint64_t v) {
  char digits[20];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  while (n > 0) rvpack_out_char(digits[--n]);
}

void rvpack_out_i64(int64_t v) {
  if (v < 0) {
    rvpack_out_char('-');
    rvpack_out_u64(0u - (uint64_t)v);
  } else {
    rvpack_out_u64((uint64_t)v);
  }
}

static const char kHex[16] = {'0', '1', '2', '3', '4', '5', '6', '7',
                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

void rvpack_out_hex32(uint32_t v) {
  if (OUT_CAPACITY - out_len < 8) rvpack_out_flush();
  char* p = out_buf + out_len;
  for (int i = 7; i >= 0; --i) {
    p[i] = kHex[v & 15u];
    v >>= 4;
  }
  out_len += 8;
}

void rvpack_out_hex64(uint64_t v) {
  rvpack_out_str("0x");
  rvpack_out_hex32((uint32_t)(v >> 32));
  rvpack_out_hex32((uint32_t)v);
}

void rvpack_bm_on_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval) {
  rvpack_out_str("\nrvpack-trap mcause=");
  rvpack_out_hex64(mcause);
  rvpack_out_str(" mepc=");
  rvpack_out_hex64(mepc);
  rvpack_out_str(" mtval=");
  rvpack_out_hex64(mtval);
  rvpack_out_char('\n');
  rvpack_out_flush();
  rvpack_htif_exit(RVPACK_BM_TRAP_EXIT);
}
