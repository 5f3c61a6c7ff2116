"""Targets: the registry (registry.py), the kernel-ISA plugin interface
(plugin.py), one package per kernel ISA (scalar/, rvv/) and the generator of
the Bazel platforms and toolchains (bazelgen.py)."""

from rvpack.sdk.targets.registry import Plugin, Registry, Target, get_target, kernel_isa_of, registry

__all__ = ["Plugin", "Registry", "Target", "get_target", "kernel_isa_of", "registry"]
