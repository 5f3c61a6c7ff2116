/* Host-target interface (HTIF) of Spike's front-end server, for the rvpack
 * bare-metal profile: console output and exit. No libc behind it.
 *
 * Output goes through the front-end's syscall proxy (device 0): one
 * write(fd, buf, len) per call, so a 4 KiB buffer costs one round trip
 * instead of one per character (the HTIF console device, 1, takes one byte
 * per round trip, and every round trip waits for the front end to poll). */
#ifndef RVPACK_BAREMETAL_HTIF_H_
#define RVPACK_BAREMETAL_HTIF_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit code of a program that took a trap (see rvpack_bm_on_trap). */
#define RVPACK_BM_TRAP_EXIT 125

/* Writes len bytes to the host's file descriptor fd (1: stdout, 2: stderr).
 * Returns the host's result (bytes written, or a negative errno). */
int64_t rvpack_htif_write(int fd, const void* buf, size_t len);

/* Ends the simulation: Spike exits with `code` (0..2^31). Never returns. */
void rvpack_htif_exit(int code) __attribute__((noreturn));

/* Buffered stdout: rvpack_out_* append to a 4 KiB buffer that is written when
 * full and by rvpack_out_flush(). */
void rvpack_out_char(char c);
void rvpack_out_str(const char* s);
void rvpack_out_u64(uint64_t v);  /* decimal */
void rvpack_out_i64(int64_t v);   /* decimal, with '-' */
void rvpack_out_hex32(uint32_t v); /* exactly 8 lowercase hex digits */
void rvpack_out_hex64(uint64_t v); /* 0x + 16 hex digits */
void rvpack_out_flush(void);

/* Called by crt0.S on any trap: prints
 *   "rvpack-trap mcause=0x... mepc=0x... mtval=0x..." to stdout,
 * flushes and exits with RVPACK_BM_TRAP_EXIT. */
void rvpack_bm_on_trap(uint64_t mcause, uint64_t mepc, uint64_t mtval) __attribute__((noreturn));

#ifdef __cplusplus
}
#endif

#endif /* RVPACK_BAREMETAL_HTIF_H_ */
