// ParseRole on arbitrary text in all three syntaxes. Invariants: a parsed
// role's canonical spelling parses back (same syntax) to the same value and
// spells the same bytes; the syntaxes nest (an ACL-entry role is a standalone
// role, a standalone role is a rule role, with the same value); an error is
// kInvalidArgument with a byte offset within the input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "parser/role.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

absl::StatusOr<Role> ParseAndCheck(absl::string_view text, RoleSyntax syntax) {
  absl::StatusOr<Role> role = ParseRole(text, syntax);
  if (!role.ok()) {
    WARDEN_FUZZ_CHECK(role.status().code() ==
                      absl::StatusCode::kInvalidArgument);
    const std::optional<size_t> offset = ErrorOffset(role.status());
    WARDEN_FUZZ_CHECK(offset.has_value());
    WARDEN_FUZZ_CHECK(*offset <= text.size());
    return role;
  }
  const std::string printed = role->ToString();
  absl::StatusOr<Role> again = ParseRole(printed, syntax);
  WARDEN_FUZZ_CHECK(again.ok());
  WARDEN_FUZZ_CHECK(*again == *role);
  WARDEN_FUZZ_CHECK_EQ_STR(again->ToString(), printed);
  if (role->attribute) {
    WARDEN_FUZZ_CHECK(syntax == RoleSyntax::kRule);
    WARDEN_FUZZ_CHECK(role->kind == RoleKind::kUser);
    WARDEN_FUZZ_CHECK(IsValidAttributeName(role->id));
  }
  return role;
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using warden::RoleSyntax;
  if (size > warden::fuzz_internal::kMaxStringBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<warden::Role> acl =
      warden::ParseAndCheck(text, RoleSyntax::kAclEntry);
  absl::StatusOr<warden::Role> standalone =
      warden::ParseAndCheck(text, RoleSyntax::kStandalone);
  absl::StatusOr<warden::Role> rule =
      warden::ParseAndCheck(text, RoleSyntax::kRule);
  if (acl.ok()) {
    WARDEN_FUZZ_CHECK(standalone.ok());
    WARDEN_FUZZ_CHECK(*standalone == *acl);
  }
  if (standalone.ok()) {
    WARDEN_FUZZ_CHECK(rule.ok());
    WARDEN_FUZZ_CHECK(*rule == *standalone);
  }
  return 0;
}
