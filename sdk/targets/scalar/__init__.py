"""The `scalar` kernel ISA: the portable C kernels of runtime/src, for any
target (rv64gc, the host). Nothing to add to the portable lowering."""

from __future__ import annotations

from rvpack.sdk.targets.plugin import KernelIsa

KERNEL_ISA = KernelIsa(name="scalar", description="portable C kernels (runtime/src)")
