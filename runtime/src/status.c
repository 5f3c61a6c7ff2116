/* Human-readable status names. */
#include "rvpack/rvpack.h"

const char* rvpack_status_string(rvpack_status_t status) {
  switch (status) {
    case RVPACK_OK:
      return "ok";
    case RVPACK_ERR_ARENA_TOO_SMALL:
      return "arena too small";
    case RVPACK_ERR_ARENA_MISALIGNED:
      return "arena misaligned";
    case RVPACK_ERR_NULL_ARGUMENT:
      return "null argument";
    case RVPACK_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    default:
      return "unknown status";
  }
}
