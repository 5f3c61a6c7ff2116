"""Static arena planning.

Every intermediate tensor gets a fixed byte offset in one caller-owned arena,
decided here, offline; generated code uses the offsets as constants, so no
planner (and no allocator) runs on the device.

Algorithm: greedy placement (as TFLite Micro's offline planner). Buffers are
taken in some order, and each goes into a 64-byte-aligned gap that does not
overlap any already placed buffer whose lifetime intersects its own. A buffer
is live from the step that writes it to the last step that reads it,
inclusive, so a kernel's inputs and outputs never share memory. No single
order is best on every graph, so a few orders (largest first, longest-lived
first, earliest first) and two gap rules (first fit, best fit) are tried and
the smallest plan is kept; planning is cheap next to compiling.

The plan reports its peak next to a lower bound: the largest total size of
buffers live at any one step. No plan can be smaller than that.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIGNMENT = 64


def align_up(n: int, alignment: int = ALIGNMENT) -> int:
    return (n + alignment - 1) // alignment * alignment


@dataclass(frozen=True)
class Buffer:
    name: str
    size: int  # bytes (unaligned)
    first: int  # step that writes it
    last: int  # last step that reads it

    def overlaps_in_time(self, other: "Buffer") -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass
class ArenaPlan:
    offsets: dict[str, int]
    buffers: list[Buffer]
    peak_bytes: int
    lower_bound_bytes: int

    @property
    def ratio(self) -> float:
        return self.peak_bytes / self.lower_bound_bytes if self.lower_bound_bytes else 1.0


def lower_bound(buffers: list[Buffer]) -> int:
    """max over steps of the (aligned) bytes of all buffers live at that step."""
    if not buffers:
        return 0
    steps = range(min(b.first for b in buffers), max(b.last for b in buffers) + 1)
    return max(sum(align_up(b.size) for b in buffers if b.first <= s <= b.last) for s in steps)


_ORDERS = {
    "largest first": lambda b: (-align_up(b.size), b.first, b.name),
    "longest-lived first": lambda b: (-(b.last - b.first), -align_up(b.size), b.name),
    "earliest first": lambda b: (b.first, -align_up(b.size), b.name),
    "largest area first": lambda b: (-align_up(b.size) * (b.last - b.first + 1), b.name),
}


def _place(ordered: list[Buffer], best_fit: bool) -> dict[str, int]:
    placed: list[tuple[Buffer, int]] = []
    offsets: dict[str, int] = {}
    for buf in ordered:
        size = align_up(buf.size)
        busy = sorted((off, off + align_up(other.size)) for other, off in placed if other.overlaps_in_time(buf))
        candidates: list[tuple[int, int]] = []  # (gap size, offset)
        cursor = 0
        for start, end in busy:
            if cursor + size <= start:
                candidates.append((start - cursor, cursor))
                if not best_fit:
                    break
            cursor = max(cursor, end)
        offset = min(candidates)[1] if best_fit and candidates else (candidates[0][1] if candidates else cursor)
        placed.append((buf, offset))
        offsets[buf.name] = offset
    return offsets


def _peak(buffers: list[Buffer], offsets: dict[str, int]) -> int:
    return max((offsets[b.name] + align_up(b.size) for b in buffers), default=0)


def plan_arena(buffers: list[Buffer]) -> ArenaPlan:
    best: dict[str, int] | None = None
    for key in _ORDERS.values():
        ordered = sorted(buffers, key=key)
        for best_fit in (False, True):
            offsets = _place(ordered, best_fit)
            if best is None or _peak(buffers, offsets) < _peak(buffers, best):
                best = offsets
    offsets = best or {}
    return ArenaPlan(offsets, list(buffers), _peak(buffers, offsets), lower_bound(buffers))


def find_overlaps(plan: ArenaPlan) -> list[tuple[str, str]]:
    """Pairs of buffers that are live at the same time and share bytes (must be empty)."""
    conflicts = []
    bufs = plan.buffers
    for i, a in enumerate(bufs):
        a_start = plan.offsets[a.name]
        for b in bufs[i + 1:]:
            b_start = plan.offsets[b.name]
            if a.overlaps_in_time(b) and a_start < b_start + b.size and b_start < a_start + a.size:
                conflicts.append((a.name, b.name))
    return conflicts
