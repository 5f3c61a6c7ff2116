"""The bundle on disk: layout, manifest, and opening an existing one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rvpack.sdk.bundle.manifest import Manifest
from rvpack.sdk.errors import BundleError


@dataclass
class Bundle:
    path: Path
    manifest: Manifest

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def runner(self) -> Path:
        return self.path / "bin" / f"{self.name}_run"

    @property
    def library(self) -> Path:
        return self.path / "lib" / f"lib{self.name}.a"

    @property
    def header(self) -> Path:
        return self.path / "include" / f"{self.name}.h"

    @staticmethod
    def open(path: Path) -> "Bundle":
        if not path.exists():
            raise BundleError(f"{path}: no such bundle", hint="build one with `rvpack build MODEL -o DIR`")
        if not path.is_dir():
            raise BundleError(f"{path}: a bundle is a directory (got a file)",
                              hint="pass the directory `rvpack build` wrote")
        bundle = Bundle(path, Manifest.load(path / "manifest.json"))
        for f in (bundle.runner, bundle.library, bundle.header):
            if not f.exists():
                raise BundleError(f"{path}: incomplete bundle, {f.relative_to(path)} is missing",
                                  hint="rebuild it with `rvpack build ... --force`")
        return bundle
