#include "parser/acl_entry.h"

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "parser/role.h"
#include "parser/role_internal.h"
#include "parser/syntax_error.h"
#include "parser/text_internal.h"

namespace warden {
namespace {

using parser_internal::LongestPrefixAmong;

// The first byte of `text` at which no valid entry (in the strict grammar,
// for `scope`) can continue; text.size() when `text` is a proper prefix of
// a valid entry, and npos when `text` is a valid entry.
size_t StrictErrorOffset(absl::string_view text, AclScope scope) {
  size_t k =
      scope == AclScope::kLeaf
          ? LongestPrefixAmong(text, {"read", "update", "delete", "write"})
          : LongestPrefixAmong(text,
                               {"read", "create", "update", "delete", "write"});
  absl::string_view action = text.substr(0, k);
  bool known = action == "read" || action == "update" || action == "delete" ||
               action == "write" ||
               (action == "create" && scope == AclScope::kContainer);
  if (!known) return k;
  size_t pos = k;
  for (char expected : {'(', '"'}) {
    if (pos >= text.size() || text[pos] != expected) return pos;
    ++pos;
  }
  bool complete = false;
  pos += parser_internal::ScanAclRole(text.substr(pos), &complete);
  if (!complete) return pos;
  for (char expected : {'"', ')'}) {
    if (pos >= text.size() || text[pos] != expected) return pos;
    ++pos;
  }
  if (pos != text.size()) return pos;
  return absl::string_view::npos;
}

std::optional<AclAction> ActionFromName(absl::string_view name) {
  if (name == "read") return AclAction::kRead;
  if (name == "create") return AclAction::kCreate;
  if (name == "update") return AclAction::kUpdate;
  if (name == "delete") return AclAction::kDelete;
  if (name == "write") return AclAction::kWrite;
  return std::nullopt;
}

// Why Appwrite's accidental leniency accepted `text` (APPWRITE.md §1
// "quirks"); `canonical` is what Appwrite would store.
std::string QuirkMessage(absl::string_view text, absl::string_view canonical) {
  size_t first_close = text.find("\")");
  if (first_close != absl::string_view::npos &&
      first_close + 2 != text.size()) {
    return absl::StrCat("unexpected text after the first `\")` in `", text,
                        "` (Appwrite would read it as `", canonical, "`)");
  }
  if (first_close == absl::string_view::npos) {
    return absl::StrCat("permission `", text,
                        "` does not end with `\")` (Appwrite would read it as "
                        "`",
                        canonical, "`)");
  }
  return absl::StrCat("permission `", text,
                      "` is not in canonical form (Appwrite would read it "
                      "as `",
                      canonical, "`)");
}

}  // namespace

absl::string_view AclActionName(AclAction action) {
  switch (action) {
    case AclAction::kRead:
      return "read";
    case AclAction::kCreate:
      return "create";
    case AclAction::kUpdate:
      return "update";
    case AclAction::kDelete:
      return "delete";
    case AclAction::kWrite:
      return "write";
  }
  return "";
}

std::string AclEntry::ToString() const {
  return absl::StrCat(AclActionName(action), "(\"", role.ToString(), "\")");
}

absl::StatusOr<AclEntry> ParseAclEntry(absl::string_view text, AclScope scope) {
  size_t offset = StrictErrorOffset(text, scope);
  if (offset == absl::string_view::npos) offset = text.size();

  // Appwrite's validation order (APPWRITE.md §1), first failing step wins.
  if (text == "*") {
    return SyntaxError(
        "Wildcard permission \"*\" has been replaced. Use \"any\" instead.",
        offset);
  }
  if (absl::StrContains(text, "role:")) {
    return SyntaxError(
        "Permissions using the \"role:\" prefix have been replaced. Use "
        "\"users\", \"guests\", or \"any\" instead.",
        offset);
  }
  const bool leaf = scope == AclScope::kLeaf;
  bool allowed_start =
      absl::StartsWith(text, "read") || absl::StartsWith(text, "update") ||
      absl::StartsWith(text, "delete") || absl::StartsWith(text, "write") ||
      (!leaf && absl::StartsWith(text, "create"));
  if (!allowed_start) {
    return SyntaxError(
        absl::StrCat("Permission \"", text,
                     "\" is not allowed. Must be one of: ",
                     leaf ? "read, update, delete, write"
                          : "create, read, update, delete, write",
                     "."),
        offset);
  }
  size_t open = text.find("(\"");
  if (open == absl::string_view::npos ||
      text.find("(\"", open + 2) != absl::string_view::npos) {
    return SyntaxError(
        absl::StrCat("Invalid permission string format: \"", text, "\"."),
        offset);
  }
  absl::string_view type = text.substr(0, open);
  std::optional<AclAction> action = ActionFromName(type);
  if (!action.has_value()) {
    return SyntaxError(absl::StrCat("Invalid permission type: \"", type, "\"."),
                       offset);
  }
  std::string full_role =
      absl::StrReplaceAll(text.substr(open + 2), {{"\")", ""}});
  parser_internal::AppwriteRoleParts parts;
  if (std::optional<std::string> error =
          parser_internal::AppwriteSplitRole(full_role, &parts)) {
    return SyntaxError(*error, offset);
  }
  if (std::optional<std::string> error =
          parser_internal::AppwriteValidateRole(parts)) {
    return SyntaxError(*error, offset);
  }
  AclEntry entry;
  entry.action = *action;
  entry.role = parser_internal::RoleFromAppwriteParts(parts);
  std::string canonical = entry.ToString();
  if (canonical != text)
    return SyntaxError(QuirkMessage(text, canonical), offset);
  return entry;
}

}  // namespace warden
