/* Auto-generated file. Do not edit!
 *   Generator: python -m rvpack.sdk.targets.rvp.encoding (sdk/targets/rvp/encoding.py)
 *
 * The P extension 0.9.x instructions of rvpack's rvp kernels as inline
 * functions on 64-bit registers (RV64: 8 bytes, 4 halfwords or 2 words per
 * register), emitted with .insn r (no assembler here knows them):
 * funct7 | rs2 | rs1 | funct3 | rd | 1110111. */
#ifndef RVPACK_P_EXT_H_
#define RVPACK_P_EXT_H_

#include <stdint.h>

/* smaqa: rd.w[i] += sum of 4 signed x signed byte products of lane i (word 0xc8000077 with x0 operands) */
static inline int64_t rvpack_p_smaqa(int64_t rd, int64_t rs1, int64_t rs2) {
  __asm__(".insn r 0x77, 0, 0x64, %0, %1, %2" : "+r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* smaqa.su: rd.w[i] += sum of 4 signed (rs1) x unsigned (rs2) byte products (word 0xca000077 with x0 operands) */
static inline int64_t rvpack_p_smaqa_su(int64_t rd, int64_t rs1, int64_t rs2) {
  __asm__(".insn r 0x77, 0, 0x65, %0, %1, %2" : "+r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* umaqa: rd.w[i] += sum of 4 unsigned x unsigned byte products (word 0xcc000077 with x0 operands) */
static inline int64_t rvpack_p_umaqa(int64_t rd, int64_t rs1, int64_t rs2) {
  __asm__(".insn r 0x77, 0, 0x66, %0, %1, %2" : "+r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* add8: bytewise add, wrapping (word 0x48000077 with x0 operands) */
static inline int64_t rvpack_p_add8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x24, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* sub8: bytewise subtract, wrapping (word 0x4a000077 with x0 operands) */
static inline int64_t rvpack_p_sub8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x25, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* kadd8: bytewise signed add, saturating (word 0x18000077 with x0 operands) */
static inline int64_t rvpack_p_kadd8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0xc, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* ksub8: bytewise signed subtract, saturating (word 0x1a000077 with x0 operands) */
static inline int64_t rvpack_p_ksub8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0xd, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* smax8: bytewise signed maximum (word 0x8a000077 with x0 operands) */
static inline int64_t rvpack_p_smax8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x45, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* smin8: bytewise signed minimum (word 0x88000077 with x0 operands) */
static inline int64_t rvpack_p_smin8(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x44, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* kadd16: halfword signed add, saturating (word 0x10000077 with x0 operands) */
static inline int64_t rvpack_p_kadd16(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x8, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* smax16: halfword signed maximum (word 0x82000077 with x0 operands) */
static inline int64_t rvpack_p_smax16(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x41, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

/* smin16: halfword signed minimum (word 0x80000077 with x0 operands) */
static inline int64_t rvpack_p_smin16(int64_t rs1, int64_t rs2) {
  int64_t rd;
  __asm__(".insn r 0x77, 0, 0x40, %0, %1, %2" : "=r"(rd) : "r"(rs1), "r"(rs2));
  return rd;
}

#endif /* RVPACK_P_EXT_H_ */
