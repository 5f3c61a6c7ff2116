"""The bare-metal libm (runtime/baremetal/libm.c: tanhf, erff, powf) and the
compiler-rt math the bare-metal build links.

- On the host (libm.c compiled natively), millions of points against the
  host's double-precision functions: every result within 0.5 ulp + 2e-6 ulp
  (i.e. correctly rounded except within ~1e-6 ulp of a halfway case), and the
  C99 Annex F special cases of powf.
- On Spike (bare metal, built like the bare-metal toolchain builds) versus the
  Linux build under QEMU (musl + zig libc): expf and logf are the same
  compiler-rt code on both, so bit-identical; tanhf/erff/powf are different
  implementations: ours within the accuracy bound, and at most 2 ulp from
  Linux's (zig libc's tanhf is off by up to ~1.9 ulp, musl's erff by ~0.8).
"""

from __future__ import annotations

import ctypes
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rvpack.sdk.build.tools import zig_cache_dir, zig_env, zig_executable
from rvpack.sdk.resources import DATA_ROOT as REPO_ROOT

BAREMETAL = REPO_ROOT / "runtime" / "baremetal"
HERE = Path(__file__).resolve().parent

# Half an ulp plus the worst relative error of the double-precision evaluation
# (~3e-14, i.e. ~5e-7 float ulp), with margin.
ULP_BOUND = 0.5 + 2e-6

# The bare-metal toolchain's flags (toolchains/zig/cc_toolchain_config.bzl).
BAREMETAL_FLAGS = [
    "--target=riscv64-freestanding-none", "-mcpu=baseline_rv64", "-O2", "-std=c11",
    "-mcmodel=medany", "-ffreestanding", "-fno-math-errno", "-ffunction-sections", "-fdata-sections",
]


def zig_cc(args: list[str], cwd: Path) -> None:
    proc = subprocess.run([str(zig_executable()), "cc", *args], cwd=cwd, capture_output=True, text=True,
                          env=zig_env(), timeout=600)
    assert proc.returncode == 0, proc.stderr


def ulp_error(y: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """|y - ref| in units of the float spacing at ref (ref in double)."""
    ref = np.asarray(ref, np.float64)
    _, e = np.frexp(np.abs(ref))
    ulp = np.maximum(np.ldexp(1.0, e - 24), 2.0**-149)
    return np.abs(y.astype(np.float64) - ref) / ulp


def check_accuracy(name: str, y: np.ndarray, ref: np.ndarray) -> None:
    """Finite in-range references: within ULP_BOUND. Others (inf, NaN,
    overflow): exactly what rounding the reference gives."""
    y = np.asarray(y, np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        in_range = np.isfinite(ref) & (np.abs(ref) <= np.finfo(np.float32).max)
        err = ulp_error(y[in_range], ref[in_range])
        rounded = ref[~in_range].astype(np.float32)
    assert err.size and err.max() <= ULP_BOUND, f"{name}: max error {err.max():.9f} ulp"
    other = y[~in_range]
    same = (other == rounded) | (np.isnan(other) & np.isnan(rounded))
    assert same.all(), f"{name}: {other[~same][:5]} != {rounded[~same][:5]}"


def random_floats(rng: np.random.Generator, n: int) -> np.ndarray:
    """Floats from random bit patterns: every magnitude, NaN and inf included."""
    return rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32).view(np.float32)


def probe_points(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """x for the unary functions, (base, exponent) for powf: typical ranges,
    boundaries of the implementations, special values, random bit patterns."""
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1e-38, 2.0**-12, -(2.0**-12),
                        2.0**-13, 0.5, 0.49999997, 1.0, 3.99999976, 4.0, -4.0, 9.0, 10.0, -10.0, 88.72, -103.9,
                        3e38], np.float32)
    k = (n - special.size) // 4
    f32 = np.float32
    x = np.concatenate([
        special,
        rng.uniform(-12, 12, k).astype(f32), (rng.standard_normal(k) * 2).astype(f32),
        rng.uniform(-4.5, 4.5, k).astype(f32), random_floats(rng, n - special.size - 3 * k),
    ])  # fmt: skip
    values = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, np.inf, -np.inf, np.nan], np.float32)
    sb, se = (a.ravel() for a in np.meshgrid(values, values))
    k = (n - sb.size) // 4
    base = np.concatenate([
        sb, np.exp(rng.uniform(-20, 20, k)).astype(f32), rng.uniform(0, 4, k).astype(f32),
        rng.uniform(-10, 10, k).astype(f32), random_floats(rng, n - sb.size - 3 * k),
    ])  # fmt: skip
    exponent = np.concatenate([
        se, rng.uniform(-8, 8, k).astype(f32), rng.uniform(-40, 40, k).astype(f32),
        rng.integers(-30, 30, k).astype(f32), random_floats(rng, n - se.size - 3 * k),
    ])  # fmt: skip
    return x, base, exponent


def reference(x: np.ndarray, base: np.ndarray, exponent: np.ndarray) -> dict[str, np.ndarray]:
    with np.errstate(all="ignore"):  # signalling NaNs among the random bit patterns
        xd = x.astype(np.float64)
        return {
            "expf": np.exp(xd),
            "logf": np.log(np.abs(xd)),
            "tanhf": np.tanh(xd),
            "erff": np.array([math.erf(v) for v in xd.tolist()]),
            "powf": np.power(base.astype(np.float64), exponent.astype(np.float64)),
        }


# ---- host ------------------------------------------------------------------------------

WRAPPER_C = """
#include <stddef.h>
float tanhf(float); float erff(float); float powf(float, float);
void v_tanhf(const float* x, float* y, size_t n) { for (size_t i = 0; i < n; ++i) y[i] = tanhf(x[i]); }
void v_erff(const float* x, float* y, size_t n) { for (size_t i = 0; i < n; ++i) y[i] = erff(x[i]); }
void v_powf(const float* x, const float* e, float* y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = powf(x[i], e[i]);
}
"""


@pytest.fixture(scope="module")
def host_libm(tmp_path_factory):
    if sys.platform != "linux":
        pytest.skip("host test needs Linux")
    tmp = tmp_path_factory.mktemp("libm-host")
    (tmp / "wrap.c").write_text(WRAPPER_C)
    # -Bsymbolic: the wrappers call libm.c's functions, not the host libc's.
    zig_cc(["-O2", "-fPIC", "-shared", "-fno-builtin", "-Wl,-Bsymbolic", "-Wall", "-Wextra", "-Werror",
            str(BAREMETAL / "libm.c"), "wrap.c", "-o", "libm_test.so"], tmp)
    lib = ctypes.CDLL(str(tmp / "libm_test.so"))
    fp = ctypes.POINTER(ctypes.c_float)

    def unary(name):
        def call(x):
            x = np.ascontiguousarray(x, np.float32)
            y = np.empty_like(x)
            getattr(lib, name)(x.ctypes.data_as(fp), y.ctypes.data_as(fp), ctypes.c_size_t(x.size))
            return y
        return call

    def powf(x, e):
        x, e = np.ascontiguousarray(x, np.float32), np.ascontiguousarray(e, np.float32)
        y = np.empty_like(x)
        lib.v_powf(x.ctypes.data_as(fp), e.ctypes.data_as(fp), y.ctypes.data_as(fp), ctypes.c_size_t(x.size))
        return y

    return {"tanhf": unary("v_tanhf"), "erff": unary("v_erff"), "powf": powf}


def test_tables_are_generated_from_the_script():
    out = subprocess.run([sys.executable, str(BAREMETAL / "gen_libm_tables.py")], capture_output=True, text=True,
                         check=True).stdout
    assert out == (BAREMETAL / "libm_tables.h").read_text()


def test_accuracy_on_host(host_libm):
    rng = np.random.default_rng(20240601)
    x, base, exponent = probe_points(rng, 1_000_000)
    dense = np.linspace(-11, 11, 1_000_001, dtype=np.float32)  # every region of tanh/erf
    x = np.concatenate([x, dense])
    ref = reference(x, base, exponent)
    for name in ("tanhf", "erff"):
        check_accuracy(name, host_libm[name](x), ref[name])
    check_accuracy("powf", host_libm["powf"](base, exponent), ref["powf"])


def test_odd_and_symmetric(host_libm):
    x = np.linspace(0, 12, 200_001, dtype=np.float32)
    for name in ("tanhf", "erff"):
        f = host_libm[name]
        assert np.array_equal(f(-x), -f(x)), name
        assert np.all(np.abs(f(x)) <= 1.0)
        assert np.all(np.diff(f(x)) >= 0), f"{name} is not monotonic"
    # powf of exact powers of two with integer exponents is exact.
    e = np.arange(-149, 128, dtype=np.float32)
    assert np.array_equal(host_libm["powf"](np.full_like(e, 2.0), e), np.ldexp(np.float32(1), e.astype(int)))


def test_powf_special_cases(host_libm):
    """C99 Annex F.9.4.4, including signed zeros and infinities."""
    values = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, 2.5, -2.5, 1e30, -1e30,
                       np.inf, -np.inf, np.nan, 16777216.0, -16777217.0], np.float32)
    x, y = (a.ravel() for a in np.meshgrid(values, values))
    got = host_libm["powf"](x, y)
    with np.errstate(all="ignore"):
        want = np.power(x.astype(np.float64), y.astype(np.float64)).astype(np.float32)
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got[~nan].view(np.uint32), want[~nan].view(np.uint32))  # signs of 0 and inf too


# ---- Spike vs Linux ------------------------------------------------------------------------

def write_points(path: Path, x: np.ndarray, base: np.ndarray, exponent: np.ndarray) -> None:
    def literal(v: np.float32) -> str:
        if np.isnan(v):
            return "__builtin_nanf(\"\")"
        if np.isinf(v):
            return "__builtin_inff()" if v > 0 else "-__builtin_inff()"
        return float(v).hex() + "f"

    def array(name: str, a: np.ndarray) -> str:
        return f"static float {name}[PROBE_N] = {{\n" + ",\n".join(map(literal, a)) + "\n};\n"

    path.write_text(f"#define PROBE_N {x.size}\n" + array("probe_x", x) + array("probe_base", base)
                    + array("probe_exp", exponent))


def parse_probe(stdout: str) -> dict[str, np.ndarray]:
    results, lines, i = {}, stdout.splitlines(), 0
    while i < len(lines):
        parts = lines[i].split()
        i += 1
        if parts[:1] == ["fn"]:
            n, words = int(parts[2]), []
            while len(words) < n:
                words += [int(w, 16) for w in lines[i].split()]
                i += 1
            results[parts[1]] = np.array(words, np.uint32).view(np.float32)
    assert lines and lines[-1] == "end", stdout[-500:]
    return results


@pytest.fixture(scope="module")
def probe_results(tmp_path_factory):
    from rvpack.sdk.errors import ToolMissingError
    from rvpack.sdk.runners import spike

    try:
        spike_exe = spike.spike_executable()
    except ToolMissingError as e:
        pytest.skip(str(e))
    if shutil.which("qemu-riscv64-static") is None:
        pytest.skip("qemu-riscv64-static is not installed")
    tmp = tmp_path_factory.mktemp("libm-probe")
    x, base, exponent = probe_points(np.random.default_rng(7), 20_000)
    write_points(tmp / "libm_points.h", x, base, exponent)
    shutil.copy(HERE / "libm_probe.c", tmp / "libm_probe.c")

    # Bare metal: crt + HTIF + libm.c + compiler-rt (medany), as //runtime builds them.
    crt = tmp / "libcompiler_rt.a"
    env = {**os.environ, "RVPACK_ZIG_CACHE": str(zig_cache_dir())}
    subprocess.run([str(REPO_ROOT / "toolchains" / "zig" / "zig-compiler-rt"), str(zig_executable()),
                    "baseline_rv64", str(crt)], check=True, env=env, timeout=600, capture_output=True)
    zig_cc([*BAREMETAL_FLAGS, f"-I{BAREMETAL / 'include'}", f"-I{BAREMETAL}", f"-I{tmp}",
            str(BAREMETAL / "crt0.S"), str(BAREMETAL / "htif.c"), str(BAREMETAL / "libm.c"), "libm_probe.c",
            "-nostdlib", "-static", "-Wl,--gc-sections", "-T", str(BAREMETAL / "link.ld"), str(crt),
            "-o", "probe.elf"], tmp)  # fmt: skip
    zig_cc(["--target=riscv64-linux-musl", "-mcpu=baseline_rv64", "-O2", "-static", f"-I{tmp}",
            "libm_probe.c", "-o", "probe_linux"], tmp)  # fmt: skip

    bare = subprocess.run([str(spike_exe), "--isa=rv64gc", str(tmp / "probe.elf")], capture_output=True, text=True,
                          timeout=300)
    assert bare.returncode == 0, bare.stdout[-2000:] + bare.stderr[-2000:]
    linux = subprocess.run(["qemu-riscv64-static", "-cpu", "rv64", str(tmp / "probe_linux")], capture_output=True,
                           text=True, timeout=300, check=True)
    return parse_probe(bare.stdout), parse_probe(linux.stdout), reference(x, base, exponent)


def test_compiler_rt_math_is_bit_identical_to_linux(probe_results):
    bare, linux, _ = probe_results
    for name in ("expf", "logf"):
        assert np.array_equal(bare[name].view(np.uint32), linux[name].view(np.uint32)), name


def test_libm_on_spike_accurate_and_within_2ulp_of_linux(probe_results):
    bare, linux, ref = probe_results
    for name in ("tanhf", "erff", "powf"):
        check_accuracy(f"{name} (Spike)", bare[name], ref[name])
        b, m = bare[name], linux[name]
        both_nan = np.isnan(b) & np.isnan(m)
        assert np.array_equal(np.isnan(b), np.isnan(m)), name
        ib = b[~both_nan].view(np.int32).astype(np.int64)
        im = m[~both_nan].view(np.int32).astype(np.int64)
        # Distance in representable floats (same sign: difference of the bit patterns).
        same_sign = (ib >= 0) == (im >= 0)
        assert np.all(same_sign | (b[~both_nan] == m[~both_nan])), name
        assert np.abs(ib - im)[same_sign].max(initial=0) <= 2, name
