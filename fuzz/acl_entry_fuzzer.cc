// ParseAclEntry on arbitrary text, in both scopes. Invariants: a parsed entry
// prints canonically, the printing parses back to the same value and prints
// to the same bytes; a leaf entry is a container entry; a container entry
// other than `create` is a leaf entry; an error is kInvalidArgument with a
// byte offset within the input.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "parser/acl_entry.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

void CheckError(const absl::Status& status, size_t size) {
  WARDEN_FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  WARDEN_FUZZ_CHECK(!status.message().empty());
  const std::optional<size_t> offset = ErrorOffset(status);
  WARDEN_FUZZ_CHECK(offset.has_value());
  WARDEN_FUZZ_CHECK(*offset <= size);
}

absl::StatusOr<AclEntry> ParseAndCheck(absl::string_view text, AclScope scope) {
  absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
  if (!entry.ok()) {
    CheckError(entry.status(), text.size());
    return entry;
  }
  const std::string printed = entry->ToString();
  absl::StatusOr<AclEntry> again = ParseAclEntry(printed, scope);
  WARDEN_FUZZ_CHECK(again.ok());
  WARDEN_FUZZ_CHECK(*again == *entry);
  WARDEN_FUZZ_CHECK_EQ_STR(again->ToString(), printed);
  if (scope == AclScope::kLeaf) {
    WARDEN_FUZZ_CHECK(entry->action != AclAction::kCreate);
  }
  return entry;
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > warden::fuzz_internal::kMaxStringBytes) return -1;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<warden::AclEntry> container =
      warden::ParseAndCheck(text, warden::AclScope::kContainer);
  absl::StatusOr<warden::AclEntry> leaf =
      warden::ParseAndCheck(text, warden::AclScope::kLeaf);
  if (leaf.ok()) {
    WARDEN_FUZZ_CHECK(container.ok());
    WARDEN_FUZZ_CHECK(*container == *leaf);
  }
  if (container.ok() && container->action != warden::AclAction::kCreate) {
    WARDEN_FUZZ_CHECK(leaf.ok());
  }
  return 0;
}
