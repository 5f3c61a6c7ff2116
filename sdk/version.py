"""The rvpack version, recorded in every generated file and bundle manifest."""

from importlib.metadata import PackageNotFoundError, version

try:
    RVPACK_VERSION = version("rvpack")
except PackageNotFoundError:  # running from a source tree without installing
    RVPACK_VERSION = "0.0.0+source"
