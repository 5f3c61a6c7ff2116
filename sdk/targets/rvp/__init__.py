"""The rvp kernel ISA (issue #13, in progress): int8 kernels on the P
extension 0.9.x (packed SIMD in the integer registers: SMAQA's four byte
products per 32-bit lane), run on xuantie-qemu. So far: the encoder of the
P instructions and its checks (encoding.py); the target row, its kernels and
its runner come next (docs/ROADMAP.md)."""
