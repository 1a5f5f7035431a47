// ParseRule on arbitrary text. Invariants: a parsed rule has roles and a
// canonical printing that parses back to the same value (SameValue) and
// prints to the same bytes; tighter budgets (chosen from the input) only
// refuse more, never accept something else; an error is kInvalidArgument
// with a byte offset within the input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "parser/parse_options.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

absl::StatusOr<Rule> ParseAndCheck(absl::string_view text,
                                   const ParseOptions& options) {
  absl::StatusOr<Rule> rule = ParseRule(text, options);
  if (!rule.ok()) {
    WARDEN_FUZZ_CHECK(rule.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    const std::optional<size_t> offset = ErrorOffset(rule.status());
    WARDEN_FUZZ_CHECK(offset.has_value());
    WARDEN_FUZZ_CHECK(*offset <= text.size());
    return rule;
  }
  WARDEN_FUZZ_CHECK(!rule->roles.empty());
  WARDEN_FUZZ_CHECK(rule->roles.size() <= options.max_roles_per_rule);
  WARDEN_FUZZ_CHECK(rule->location.line == 0);
  const std::string printed = rule->ToString();
  absl::StatusOr<Rule> again = ParseRule(printed, options);
  WARDEN_FUZZ_CHECK(again.ok());
  WARDEN_FUZZ_CHECK(again->SameValue(*rule));
  WARDEN_FUZZ_CHECK(rule->SameValue(*again));
  WARDEN_FUZZ_CHECK_EQ_STR(again->ToString(), printed);
  return rule;
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > warden::fuzz_internal::kMaxStringBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const warden::ParseOptions defaults;
  absl::StatusOr<warden::Rule> rule = warden::ParseAndCheck(text, defaults);

  // Tight budgets, derived from the input so that runs are reproducible.
  warden::ParseOptions tight;
  tight.max_regex_bytes = 1 + size % 97;
  tight.max_roles_per_rule = 1 + size % 5;
  tight.regex_max_mem = int64_t{64} << 10;
  absl::StatusOr<warden::Rule> tight_rule = warden::ParseAndCheck(text, tight);
  if (tight_rule.ok()) {
    WARDEN_FUZZ_CHECK(rule.ok());
    WARDEN_FUZZ_CHECK(tight_rule->SameValue(*rule));
  }
  return 0;
}
