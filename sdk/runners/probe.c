/* rvpack board probe: what the kernel and the CPU offer a user program.
 * Part of rvpack (sdk/runners/probe.py builds it with zig cc, static). */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>

static sigjmp_buf trap;
static void on_sigill(int sig) { (void)sig; siglongjmp(trap, 1); }

int main(void) {
  unsigned long hwcap = getauxval(AT_HWCAP);
  printf("rvpack-probe hwcap %lx\n", hwcap);
  fflush(stdout);
  if (!(hwcap & (1UL << ('V' - 'A')))) {
    printf("rvpack-probe vector none\nrvpack-probe vlen 0\n");
    return 0;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigill;
  sigaction(SIGILL, &sa, 0);
  unsigned long vlenb = 0, vtype = 0;
  if (sigsetjmp(trap, 1) == 0) {
    __asm__ volatile("csrr %0, 0xc22" : "=r"(vlenb)); /* vlenb */
    printf("rvpack-probe vlen %lu\n", vlenb * 8);
  } else {
    printf("rvpack-probe vlen trap\n");
  }
  fflush(stdout);
  /* vsetvli t0, zero, e8, m1, ta, ma (vtype 0xc0): legal in RVV 1.0; in 0.7.1
   * (XTheadVector) bits 7..5 are vediv/reserved, so vtype.vill gets set. */
  if (sigsetjmp(trap, 1) == 0) {
    __asm__ volatile(".word 0x0c0072d7\n\tcsrr %0, 0xc21" : "=r"(vtype) : : "t0"); /* vsetvli; csrr vtype */
    printf("rvpack-probe vector %s\n", (long)vtype < 0 ? "0.7" : "1.0");
  } else {
    printf("rvpack-probe vector trap\n");
  }
  return 0;
}
