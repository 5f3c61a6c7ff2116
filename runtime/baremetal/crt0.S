/* rvpack bare-metal crt: the first instructions after Spike's boot ROM.
 *
 * M-mode, one hart: park the other harts, set the trap vector and sp, enable
 * the FPU (and the vector unit), zero .bss, call main(), hand its return
 * value to the HTIF exit (rvpack_htif_exit never returns).
 *
 * mstatus.VS (bits 10:9) is WARL: on a hart without V it is read-only zero
 * and the write is ignored, so setting it unconditionally is safe (checked on
 * Spike with --isa=rv64gc: no trap, mstatus.VS reads back 0). */

#define MSTATUS_VS 0x00000600
#define MSTATUS_FS 0x00006000

  .section .text.init, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  csrr t0, mhartid
  bnez t0, .Lpark

  la t0, rvpack_trap_entry
  csrw mtvec, t0
  la sp, __stack_top

  li t0, MSTATUS_FS | MSTATUS_VS
  csrs mstatus, t0
  csrwi fcsr, 0

  /* Zero .bss: both ends are 8-byte aligned (link.ld). */
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:
  li a0, 0   /* argc */
  li a1, 0   /* argv */
  call main
  tail rvpack_htif_exit
  .size _start, . - _start

.Lpark:
  wfi
  j .Lpark

/* Any trap is fatal in this profile (nothing enables interrupts): report the
 * cause and the faulting pc/value, then exit with RVPACK_BM_TRAP_EXIT. The
 * trap may come from a broken stack, so use a stack of its own. */
  .text
  .balign 4
  .globl rvpack_trap_entry
  .type rvpack_trap_entry, @function
rvpack_trap_entry:
  la sp, rvpack_trap_stack_top
  csrr a0, mcause
  csrr a1, mepc
  csrr a2, mtval
  call rvpack_bm_on_trap
1:
  j 1b
  .size rvpack_trap_entry, . - rvpack_trap_entry

  .bss
  .balign 16
rvpack_trap_stack:
  .space 4096
rvpack_trap_stack_top:
