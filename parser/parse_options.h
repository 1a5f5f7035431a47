// Budgets for parsing untrusted text. Every limit is a field with a safe
// default; exceeding one is an error that names the limit.
#ifndef WARDEN_PARSER_PARSE_OPTIONS_H_
#define WARDEN_PARSER_PARSE_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace warden {

struct ParseOptions {
  // Longest `~"…"` pattern, in bytes, as written.
  // Default: 1024 (1 KiB, LANGUAGE.md §4). REQUIRES: > 0.
  size_t max_regex_bytes = 1024;

  // RE2 memory budget per pattern (RE2::Options::max_mem); a pattern that
  // does not fit is an error.
  // Default: 1 MiB. REQUIRES: >= 64 KiB.
  int64_t regex_max_mem = int64_t{1} << 20;

  // Largest policy file accepted, in bytes.
  // Default: 16 MiB. REQUIRES: > 0.
  size_t max_policy_bytes = size_t{16} << 20;

  // Most roles in one rule's role list (before de-duplication).
  // Default: 1000. REQUIRES: > 0.
  size_t max_roles_per_rule = 1000;

  // Most parent roles in one role declaration (`role NAME: P1, P2, ...`),
  // before de-duplication.
  // Default: 1000. REQUIRES: > 0.
  size_t max_parents_per_declaration = 1000;

  // Most diagnostics reported for one file; the rest are counted and summed
  // up in one final diagnostic.
  // Default: 1000. REQUIRES: > 0.
  size_t max_diagnostics = 1000;
};

}  // namespace warden

#endif  // WARDEN_PARSER_PARSE_OPTIONS_H_
