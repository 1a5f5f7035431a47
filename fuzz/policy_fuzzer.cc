// ParsePolicy, ValidatePolicy, LintPolicy and FormatPolicy on arbitrary text.
// Invariants: every diagnostic has a location (line >= 1, column >= 1) in the
// file; FormatPolicy succeeds exactly when the file parses; its output
// parses to the same policy (PrintPolicy equal) and formatting it again
// changes nothing.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "parser/policy.h"

namespace warden {
namespace {

constexpr absl::string_view kFileName = "fuzz.warden";

void CheckDiagnostics(const std::vector<Diagnostic>& diagnostics) {
  for (const Diagnostic& d : diagnostics) {
    if (d.location.line < 1 || d.location.column < 1) {
      std::fprintf(stderr, "diagnostic without a location: %s\n",
                   d.ToString().c_str());
    }
    WARDEN_FUZZ_CHECK(d.location.line >= 1);
    WARDEN_FUZZ_CHECK(d.location.column >= 1);
    WARDEN_FUZZ_CHECK(d.location.file == kFileName);
    WARDEN_FUZZ_CHECK(!d.message.empty());
    WARDEN_FUZZ_CHECK(d.message.find('\n') == std::string::npos);
  }
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using warden::kFileName;
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  const warden::ParseOptions options;

  warden::PolicyParseResult parsed =
      warden::ParsePolicy(text, kFileName, options);
  warden::CheckDiagnostics(parsed.diagnostics);
  WARDEN_FUZZ_CHECK(parsed.diagnostics.size() <= options.max_diagnostics + 1);

  std::vector<warden::Diagnostic> extra;
  warden::ValidatePolicy(parsed.policy, &extra);
  warden::LintPolicy(parsed.policy, &extra);
  warden::CheckDiagnostics(extra);

  absl::StatusOr<std::string> formatted =
      warden::FormatPolicy(text, kFileName, options);
  WARDEN_FUZZ_CHECK(formatted.ok() == parsed.ok());
  if (!formatted.ok()) return 0;

  warden::PolicyParseResult reparsed =
      warden::ParsePolicy(*formatted, kFileName, options);
  WARDEN_FUZZ_CHECK(reparsed.ok());
  WARDEN_FUZZ_CHECK_EQ_STR(warden::PrintPolicy(reparsed.policy),
                           warden::PrintPolicy(parsed.policy));
  WARDEN_FUZZ_CHECK(reparsed.policy.rules.size() == parsed.policy.rules.size());

  absl::StatusOr<std::string> twice =
      warden::FormatPolicy(*formatted, kFileName, options);
  WARDEN_FUZZ_CHECK(twice.ok());
  WARDEN_FUZZ_CHECK_EQ_STR(*twice, *formatted);
  return 0;
}
