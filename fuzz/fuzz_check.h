// Shared helpers of the fuzz targets: an invariant check that aborts (so
// libFuzzer and the replay runner report it) and the input bounds.
#ifndef WARDEN_FUZZ_FUZZ_CHECK_H_
#define WARDEN_FUZZ_FUZZ_CHECK_H_

#include <cstddef>
#include <cstdio>
#include <cstdlib>

// Aborts with the failed condition and its place when `cond` is false. Never
// compiled out (unlike assert), so release replay builds check it too.
#define WARDEN_FUZZ_CHECK(cond)                                            \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, \
                   __LINE__, #cond);                                       \
      std::abort();                                                        \
    }                                                                      \
  } while (false)

// Like WARDEN_FUZZ_CHECK, printing two strings (e.g. expected and actual)
// before aborting.
#define WARDEN_FUZZ_CHECK_EQ_STR(a, b)                                   \
  do {                                                                   \
    if (!((a) == (b))) {                                                 \
      std::fprintf(stderr,                                               \
                   "%s:%d: fuzz invariant failed: %s == %s\n  lhs: %s\n" \
                   "  rhs: %s\n",                                        \
                   __FILE__, __LINE__, #a, #b, std::string(a).c_str(),   \
                   std::string(b).c_str());                              \
      std::abort();                                                      \
    }                                                                    \
  } while (false)

namespace warden::fuzz_internal {

// Largest whole input a target looks at.
inline constexpr size_t kMaxInputBytes = 64 * 1024;
// Largest single string (an ACL entry, a role, a rule).
inline constexpr size_t kMaxStringBytes = 4 * 1024;

}  // namespace warden::fuzz_internal

#endif  // WARDEN_FUZZ_FUZZ_CHECK_H_
