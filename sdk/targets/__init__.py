from rvpack.sdk.targets.registry import TARGETS, Target, get_target

__all__ = ["TARGETS", "Target", "get_target"]
