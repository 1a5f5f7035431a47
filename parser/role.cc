#include "parser/role.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "parser/role_internal.h"
#include "parser/syntax_error.h"
#include "parser/text_internal.h"

namespace warden {
namespace parser_internal {
namespace {

// PHP's empty() on a string: "" and "0" are empty.
bool PhpEmpty(absl::string_view s) { return s.empty() || s == "0"; }

constexpr absl::string_view kKeyDescription36 =
    "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, "
    "period, hyphen, and underscore. Can't start with a special char";
constexpr absl::string_view kKeyDescription81 =
    "Parameter must contain at most 81 chars. Valid chars are a-z, A-Z, 0-9, "
    "period, hyphen, and underscore. Can't start with a special char";
constexpr absl::string_view kLabelDescription =
    "Value must be a valid string between 1 and 36 chars containing only "
    "alphanumeric chars";

bool IsKey(absl::string_view s, size_t max_length) {
  if (s.empty() || s.size() > max_length) return false;
  if (!IsAsciiAlnum(s[0])) return false;
  for (char c : s) {
    if (!IsKeyChar(c)) return false;
  }
  return true;
}

// How many bytes of `text` form a key (id rule) prefix of at most
// `max_length` characters.
size_t ScanKey(absl::string_view text, size_t max_length) {
  size_t n = 0;
  while (n < text.size() && n < max_length) {
    char c = text[n];
    if (n == 0 ? !IsAsciiAlnum(c) : !IsKeyChar(c)) break;
    ++n;
  }
  return n;
}

size_t ScanLabel(absl::string_view text) {
  size_t n = 0;
  while (n < text.size() && n < 36 && IsAsciiAlnum(text[n])) ++n;
  return n;
}

// Scans `/verified` or `/unverified` at the start of `text` (which starts
// with '/').
size_t ScanVerifiedDimension(absl::string_view text, bool* complete) {
  absl::string_view rest = text.substr(1);
  size_t m = LongestPrefixAmong(rest, {"verified", "unverified"});
  absl::string_view dim = rest.substr(0, m);
  *complete = dim == "verified" || dim == "unverified";
  return 1 + m;
}

}  // namespace

std::optional<std::string> AppwriteSplitRole(absl::string_view full_role,
                                             AppwriteRoleParts* parts) {
  std::vector<absl::string_view> role_parts = absl::StrSplit(full_role, ':');
  bool has_identifier = role_parts.size() > 1;
  bool has_dimension = absl::StrContains(full_role, '/');
  *parts = AppwriteRoleParts();
  if (!has_identifier && !has_dimension) {
    parts->name = std::string(full_role);
    return std::nullopt;
  }
  if (has_identifier && !has_dimension) {
    parts->name = std::string(role_parts[0]);
    parts->identifier = std::string(role_parts[1]);
    return std::nullopt;
  }
  if (!has_identifier) {
    std::vector<absl::string_view> dim_parts = absl::StrSplit(full_role, '/');
    if (dim_parts.size() != 2) return "Only one dimension can be provided";
    if (PhpEmpty(dim_parts[1])) return "Dimension must not be empty";
    parts->name = std::string(dim_parts[0]);
    parts->dimension = std::string(dim_parts[1]);
    return std::nullopt;
  }
  std::vector<absl::string_view> dim_parts = absl::StrSplit(role_parts[1], '/');
  if (dim_parts.size() != 2) return "Only one dimension can be provided";
  if (PhpEmpty(dim_parts[1])) return "Dimension must not be empty";
  parts->name = std::string(role_parts[0]);
  parts->identifier = std::string(dim_parts[0]);
  parts->dimension = std::string(dim_parts[1]);
  return std::nullopt;
}

std::optional<std::string> AppwriteValidateRole(
    const AppwriteRoleParts& parts) {
  const std::string& name = parts.name;
  bool id_allowed;
  bool dim_allowed;
  bool verified_options = false;
  if (name == "any" || name == "guests") {
    id_allowed = false;
    dim_allowed = false;
  } else if (name == "users") {
    id_allowed = false;
    dim_allowed = true;
    verified_options = true;
  } else if (name == "user") {
    id_allowed = true;
    dim_allowed = true;
    verified_options = true;
  } else if (name == "team") {
    id_allowed = true;
    dim_allowed = true;
  } else if (name == "member" || name == "label") {
    id_allowed = true;
    dim_allowed = false;
  } else {
    return absl::StrCat(
        "Role \"", name,
        "\" is not allowed. Must be one of: any, guests, users, user, team, "
        "member, label.");
  }
  const std::string prefix = absl::StrCat("Role \"", name, "\"");
  // Every role that allows an id requires one.
  if (!id_allowed && !PhpEmpty(parts.identifier)) {
    return absl::StrCat(prefix, " can not have an ID value.");
  }
  if (id_allowed && PhpEmpty(parts.identifier)) {
    return absl::StrCat(prefix, " must have an ID value.");
  }
  if (id_allowed) {
    if (name == "label") {
      bool ok = !parts.identifier.empty() && parts.identifier.size() <= 36;
      for (char c : parts.identifier) ok = ok && IsAsciiAlnum(c);
      if (!ok) {
        return absl::StrCat(
            prefix, " identifier value is invalid: ", kLabelDescription);
      }
    } else if (!IsKey(parts.identifier, 36)) {
      return absl::StrCat(prefix,
                          " identifier value is invalid: ", kKeyDescription36);
    }
  }
  if (!dim_allowed && !PhpEmpty(parts.dimension)) {
    return absl::StrCat(prefix, " can not have a dimension value.");
  }
  if (dim_allowed && !PhpEmpty(parts.dimension)) {
    if (verified_options && parts.dimension != "verified" &&
        parts.dimension != "unverified") {
      return absl::StrCat(
          prefix,
          " dimension value is invalid. Must be one of: verified, unverified.");
    }
    if (!IsKey(parts.dimension, name == "team" ? 81 : 36)) {
      return absl::StrCat(
          prefix, " dimension value is invalid: ",
          name == "team" ? kKeyDescription81 : kKeyDescription36);
    }
  }
  return std::nullopt;
}

Role RoleFromAppwriteParts(const AppwriteRoleParts& parts) {
  Role role;
  const std::string& name = parts.name;
  if (name == "any") {
    role.kind = RoleKind::kAny;
  } else if (name == "guests") {
    role.kind = RoleKind::kGuests;
  } else if (name == "users") {
    role.kind = RoleKind::kUsers;
  } else if (name == "user") {
    role.kind = RoleKind::kUser;
  } else if (name == "team") {
    role.kind = RoleKind::kTeam;
  } else if (name == "member") {
    role.kind = RoleKind::kMember;
  } else {
    role.kind = RoleKind::kLabel;
  }
  if (!PhpEmpty(parts.identifier)) role.id = parts.identifier;
  if (!PhpEmpty(parts.dimension)) role.dimension = parts.dimension;
  return role;
}

size_t ScanAclRole(absl::string_view text, bool* complete) {
  *complete = false;
  size_t k = LongestPrefixAmong(
      text, {"any", "guests", "users", "user", "team", "member", "label"});
  absl::string_view name = text.substr(0, k);
  if (name == "any" || name == "guests") {
    *complete = true;
    return k;
  }
  if (name == "users") {
    if (k < text.size() && text[k] == '/') {
      return k + ScanVerifiedDimension(text.substr(k), complete);
    }
    *complete = true;
    return k;
  }
  if (name != "user" && name != "team" && name != "member" && name != "label") {
    return k;
  }
  size_t pos = k;
  if (pos >= text.size() || text[pos] != ':') return pos;
  ++pos;
  size_t id_length = name == "label" ? ScanLabel(text.substr(pos))
                                     : ScanKey(text.substr(pos), 36);
  absl::string_view id = text.substr(pos, id_length);
  pos += id_length;
  // Appwrite reads the id "0" as empty (PHP), so it never completes a role.
  if (id.empty() || id == "0") return pos;
  if (name == "member" || name == "label") {
    *complete = true;
    return pos;
  }
  if (pos < text.size() && text[pos] == '/') {
    if (name == "user") {
      return pos + ScanVerifiedDimension(text.substr(pos), complete);
    }
    size_t dim_length = ScanKey(text.substr(pos + 1), 81);
    absl::string_view dim = text.substr(pos + 1, dim_length);
    *complete = !dim.empty() && dim != "0";
    return pos + 1 + dim_length;
  }
  *complete = true;
  return pos;
}

}  // namespace parser_internal

namespace {

using parser_internal::IsAsciiAlnum;
using parser_internal::IsCustomRoleChar;
using parser_internal::IsKeyChar;
using parser_internal::IsSpace;
using parser_internal::LongestPrefixAmong;

// ---------------------------------------------------------------------------
// ACL-entry roles: Appwrite's messages, strict grammar.

absl::StatusOr<Role> ParseAclRole(absl::string_view text) {
  bool complete = false;
  // The first byte at which no valid role can continue (the end of `text`
  // when all of it is a prefix of a valid role).
  const size_t offset = parser_internal::ScanAclRole(text, &complete);
  if (text == "*") {
    return SyntaxError(
        "Wildcard role \"*\" has been replaced. Use \"any\" instead.", offset);
  }
  if (absl::StrContains(text, "role:")) {
    return SyntaxError(
        "Roles using the \"role:\" prefix have been replaced. Use \"users\", "
        "\"guests\", or \"any\" instead.",
        offset);
  }
  parser_internal::AppwriteRoleParts parts;
  if (std::optional<std::string> error =
          parser_internal::AppwriteSplitRole(text, &parts)) {
    return SyntaxError(*error, offset);
  }
  if (std::optional<std::string> error =
          parser_internal::AppwriteValidateRole(parts)) {
    return SyntaxError(*error, offset);
  }
  Role role = parser_internal::RoleFromAppwriteParts(parts);
  std::string canonical = role.ToString();
  if (canonical != text) {
    // Appwrite accepts this spelling only by accident (APPWRITE.md §1).
    return SyntaxError(absl::StrCat("role `", text,
                                    "` is not in canonical form (Appwrite "
                                    "would read it as `",
                                    canonical, "`)"),
                       offset);
  }
  return role;
}

// ---------------------------------------------------------------------------
// Rule and standalone roles: every spelling of LANGUAGE.md §1.

constexpr absl::string_view kIdRule =
    "ids are 1-36 characters of `A-Za-z0-9._-`, not starting with `.`, `-` or "
    "`_`";

// Offset of the first byte of `id` (of at most `max_length` bytes) that
// breaks the id rule, or nullopt when `id` is valid.
std::optional<size_t> KeyErrorOffset(absl::string_view id, size_t max_length) {
  if (id.empty()) return 0;
  for (size_t i = 0; i < id.size(); ++i) {
    if (i >= max_length) return i;
    if (i == 0 ? !IsAsciiAlnum(id[0]) : !IsKeyChar(id[i])) return i;
  }
  return std::nullopt;
}

absl::Status CheckId(absl::string_view what, absl::string_view id,
                     size_t base) {
  if (std::optional<size_t> bad = KeyErrorOffset(id, 36)) {
    if (id.empty()) {
      return SyntaxError(absl::StrCat("empty ", what), base);
    }
    return SyntaxError(absl::StrCat("invalid ", what, " `", id, "`: ", kIdRule),
                       base + *bad);
  }
  return absl::OkStatus();
}

absl::Status CheckLabel(absl::string_view label, size_t base) {
  if (label.empty()) return SyntaxError("empty label", base);
  for (size_t i = 0; i < label.size(); ++i) {
    if (i >= 36 || !IsAsciiAlnum(label[i])) {
      return SyntaxError(
          absl::StrCat("invalid label `", label,
                       "`: labels are 1-36 ASCII letters or digits"),
          base + i);
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTeamRole(absl::string_view team_role, size_t base) {
  if (std::optional<size_t> bad = KeyErrorOffset(team_role, 81)) {
    return SyntaxError(
        absl::StrCat("invalid team role `", team_role,
                     "`: team roles are 1-81 characters of `A-Za-z0-9._-`, "
                     "not starting with `.`, `-` or `_`"),
        base + *bad);
  }
  return absl::OkStatus();
}

absl::Status CheckVerified(absl::string_view role_name, absl::string_view dim,
                           size_t base) {
  if (dim == "verified" || dim == "unverified") return absl::OkStatus();
  size_t good = LongestPrefixAmong(dim, {"verified", "unverified"});
  return SyntaxError(
      absl::StrCat("invalid dimension `", dim, "` of `", role_name,
                   "`: expected `verified` or `unverified`"),
      base + good);
}

absl::StatusOr<Role> ParseAttribute(absl::string_view text, size_t base,
                                    RoleSyntax syntax) {
  // `text` starts with '$'.
  if (syntax != RoleSyntax::kRule) {
    return SyntaxError(
        "`$ATTR` roles are allowed only inside rules, not in a role on its own",
        base);
  }
  absl::string_view name = text.substr(1);
  if (name.empty()) {
    return SyntaxError("empty attribute name after `$`", base + 1);
  }
  if (!IsValidAttributeName(name)) {
    size_t bad = 0;
    while (bad < name.size() && bad < 64) {
      char c = name[bad];
      bool ok = bad == 0 ? (parser_internal::IsAsciiAlpha(c) || c == '_')
                         : (IsAsciiAlnum(c) || c == '_');
      if (!ok) break;
      ++bad;
    }
    return SyntaxError(
        absl::StrCat("invalid attribute name `", name,
                     "`: expected `$` then `[A-Za-z_][A-Za-z0-9_]{0,63}`"),
        base + 1 + bad);
  }
  Role role;
  role.kind = RoleKind::kUser;
  role.id = std::string(name);
  role.attribute = true;
  return role;
}

// `users[X]` with '[' at `open` (an offset into `text`); the whole of `text`
// is the role.
absl::StatusOr<Role> ParseUsersBracket(absl::string_view text, size_t open,
                                       RoleSyntax syntax) {
  size_t pos = open + 1;
  while (pos < text.size() && (IsKeyChar(text[pos]) || text[pos] == '$')) {
    ++pos;
  }
  if (pos >= text.size()) {
    return SyntaxError("missing `]` after `users[`", text.size());
  }
  if (text[pos] != ']') {
    return SyntaxError(
        absl::StrCat("unexpected character in `", text, "`: expected `]`"),
        pos);
  }
  if (pos + 1 != text.size()) {
    return SyntaxError(
        absl::StrCat("unexpected text after `]` in `", text, "`"), pos + 1);
  }
  absl::string_view inner = text.substr(open + 1, pos - open - 1);
  Role role;
  if (inner.empty()) {
    return SyntaxError(
        "empty `users[]`: expected `any`, `verified`, `unverified`, a user id "
        "or `$ATTR` inside the brackets",
        pos);
  }
  if (inner == "any") {
    role.kind = RoleKind::kUsers;
    return role;
  }
  if (inner == "verified" || inner == "unverified") {
    role.kind = RoleKind::kUsers;
    role.dimension = std::string(inner);
    return role;
  }
  if (inner[0] == '$') return ParseAttribute(inner, open + 1, syntax);
  absl::Status status = CheckId("user id", inner, open + 1);
  if (!status.ok()) return status;
  role.kind = RoleKind::kUser;
  role.id = std::string(inner);
  return role;
}

absl::string_view ReservedSuggestion(absl::string_view name) {
  if (name == "any" || name == "all") return "any";
  if (name == "guest" || name == "guests") return "guests";
  if (name == "user") return "user:ID";
  if (name == "users") return "users";
  if (name == "team") return "team:ID";
  if (name == "member") return "member:ID";
  return "label:NAME";
}

// `role:NAME` and its aliases; `text` is the whole role, starting "role:".
absl::StatusOr<Role> ParseRolePrefixed(absl::string_view text,
                                       RoleSyntax syntax) {
  constexpr size_t kBase = 5;
  absl::string_view name = text.substr(kBase);
  Role role;
  if (name == "all") return role;  // any
  if (name == "guest" || name == "guests") {
    role.kind = RoleKind::kGuests;
    return role;
  }
  if (name == "users" || name == "member") {
    role.kind = RoleKind::kUsers;
    return role;
  }
  if (absl::StartsWith(name, "users[")) {
    return ParseUsersBracket(text, kBase + 5, syntax);
  }
  if (name.empty()) {
    return SyntaxError("expected a role name after `role:`", text.size());
  }
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = i == 0 ? IsAsciiAlnum(c) : IsCustomRoleChar(c);
    if (!ok || i >= 36) {
      return SyntaxError(
          absl::StrCat("invalid custom role name `", name,
                       "`: expected 1-36 characters, a letter or digit first, "
                       "then letters, digits, `-` and `_`"),
          kBase + i);
    }
  }
  if (IsReservedRoleName(name)) {
    return SyntaxError(
        absl::StrCat("`role:", name, "` is reserved; write `",
                     ReservedSuggestion(name), "` for the built-in role"),
        text.size());
  }
  role.kind = RoleKind::kCustom;
  role.id = std::string(name);
  return role;
}

absl::StatusOr<Role> ParseCanonicalSpelling(absl::string_view text,
                                            RoleSyntax syntax) {
  size_t name_end = 0;
  while (name_end < text.size() && text[name_end] != ':' &&
         text[name_end] != '/') {
    ++name_end;
  }
  absl::string_view name = text.substr(0, name_end);
  Role role;
  if (name == "any") {
    role.kind = RoleKind::kAny;
  } else if (name == "guests") {
    role.kind = RoleKind::kGuests;
  } else if (name == "users") {
    role.kind = RoleKind::kUsers;
  } else if (name == "user") {
    role.kind = RoleKind::kUser;
  } else if (name == "team") {
    role.kind = RoleKind::kTeam;
  } else if (name == "member") {
    role.kind = RoleKind::kMember;
  } else if (name == "label") {
    role.kind = RoleKind::kLabel;
  } else {
    size_t good = LongestPrefixAmong(
        text, {"any", "guests", "users",
               "user:", "team:", "member:", "label:", "role:", "users["});
    return SyntaxError(
        absl::StrCat("unknown role `", text,
                     "`: expected `any`, `guests`, `users`, `user:ID`, "
                     "`team:ID`, `member:ID`, `label:NAME` or `role:NAME`"),
        good);
  }
  // Split the rest into `:ID` and `/DIM`.
  bool has_id = name_end < text.size() && text[name_end] == ':';
  size_t id_start = name_end + 1;
  size_t slash = text.find('/', name_end);
  absl::string_view id;
  if (has_id) {
    size_t id_end = slash == absl::string_view::npos ? text.size() : slash;
    id = text.substr(id_start, id_end - id_start);
  }
  bool has_dim = slash != absl::string_view::npos;
  absl::string_view dim;
  size_t dim_start = has_dim ? slash + 1 : text.size();
  if (has_dim) dim = text.substr(dim_start);

  const bool needs_id =
      role.kind == RoleKind::kUser || role.kind == RoleKind::kTeam ||
      role.kind == RoleKind::kMember || role.kind == RoleKind::kLabel;
  if (!needs_id && has_id) {
    absl::string_view hint =
        role.kind == RoleKind::kUsers ? "; write `user:ID` for one user" : "";
    return SyntaxError(absl::StrCat("role `", name, "` takes no id", hint),
                       name_end);
  }
  if (needs_id && !has_id) {
    return SyntaxError(
        absl::StrCat("role `", name, "` needs an id: write `", name, ":",
                     role.kind == RoleKind::kLabel ? "NAME" : "ID", "`"),
        name_end);
  }
  if (has_id) {
    if (id.empty()) {
      return SyntaxError(absl::StrCat("empty id after `", name, ":`"),
                         id_start);
    }
    if (role.kind == RoleKind::kUser && id[0] == '$') {
      absl::StatusOr<Role> attribute = ParseAttribute(id, id_start, syntax);
      if (!attribute.ok()) return attribute;
      if (has_dim) {
        return SyntaxError("`user:$ATTR` takes no dimension", slash);
      }
      return attribute;
    }
    absl::Status status;
    switch (role.kind) {
      case RoleKind::kLabel:
        status = CheckLabel(id, id_start);
        break;
      case RoleKind::kTeam:
        status = CheckId("team id", id, id_start);
        break;
      case RoleKind::kMember:
        status = CheckId("membership id", id, id_start);
        break;
      default:
        status = CheckId("user id", id, id_start);
        break;
    }
    if (!status.ok()) return status;
    role.id = std::string(id);
  }
  if (has_dim) {
    if (role.kind == RoleKind::kAny || role.kind == RoleKind::kGuests ||
        role.kind == RoleKind::kMember || role.kind == RoleKind::kLabel) {
      return SyntaxError(absl::StrCat("role `", name, "` takes no dimension"),
                         slash);
    }
    if (dim.empty()) {
      return SyntaxError("empty dimension after `/`", dim_start);
    }
    size_t second_slash = dim.find('/');
    if (second_slash != absl::string_view::npos) {
      return SyntaxError("a role has at most one dimension (a second `/`)",
                         dim_start + second_slash);
    }
    absl::Status status = role.kind == RoleKind::kTeam
                              ? CheckTeamRole(dim, dim_start)
                              : CheckVerified(name, dim, dim_start);
    if (!status.ok()) return status;
    role.dimension = std::string(dim);
  }
  return role;
}

absl::StatusOr<Role> ParseExtendedRole(absl::string_view text,
                                       RoleSyntax syntax) {
  if (text.empty()) return SyntaxError("expected a role", 0);
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsSpace(text[i])) {
      return SyntaxError("whitespace is not allowed in a role", i);
    }
  }
  if (text == "*") return Role();
  if (absl::StartsWith(text, "role:")) return ParseRolePrefixed(text, syntax);
  if (absl::StartsWith(text, "users[")) {
    return ParseUsersBracket(text, 5, syntax);
  }
  return ParseCanonicalSpelling(text, syntax);
}

}  // namespace

std::string Role::ToString() const {
  switch (kind) {
    case RoleKind::kAny:
      return "any";
    case RoleKind::kGuests:
      return "guests";
    case RoleKind::kUsers:
      return dimension.empty() ? std::string("users")
                               : absl::StrCat("users/", dimension);
    case RoleKind::kUser:
      if (attribute) return absl::StrCat("user:$", id);
      return dimension.empty() ? absl::StrCat("user:", id)
                               : absl::StrCat("user:", id, "/", dimension);
    case RoleKind::kTeam:
      return dimension.empty() ? absl::StrCat("team:", id)
                               : absl::StrCat("team:", id, "/", dimension);
    case RoleKind::kMember:
      return absl::StrCat("member:", id);
    case RoleKind::kLabel:
      return absl::StrCat("label:", id);
    case RoleKind::kCustom:
      return absl::StrCat("role:", id);
  }
  return "";
}

absl::StatusOr<Role> ParseRole(absl::string_view text, RoleSyntax syntax) {
  if (syntax == RoleSyntax::kAclEntry) return ParseAclRole(text);
  return ParseExtendedRole(text, syntax);
}

absl::string_view RoleKindName(RoleKind kind) {
  switch (kind) {
    case RoleKind::kAny:
      return "any";
    case RoleKind::kGuests:
      return "guests";
    case RoleKind::kUsers:
      return "users";
    case RoleKind::kUser:
      return "user";
    case RoleKind::kTeam:
      return "team";
    case RoleKind::kMember:
      return "member";
    case RoleKind::kLabel:
      return "label";
    case RoleKind::kCustom:
      return "role";
  }
  return "";
}

bool IsValidId(absl::string_view id) {
  return !KeyErrorOffset(id, 36).has_value();
}

bool IsValidLabel(absl::string_view label) {
  if (label.empty() || label.size() > 36) return false;
  for (char c : label) {
    if (!IsAsciiAlnum(c)) return false;
  }
  return true;
}

bool IsValidTeamRole(absl::string_view team_role) {
  return !KeyErrorOffset(team_role, 81).has_value();
}

bool IsValidCustomRoleName(absl::string_view name) {
  if (name.empty() || name.size() > 36) return false;
  if (!IsAsciiAlnum(name[0])) return false;
  for (char c : name) {
    if (!IsCustomRoleChar(c)) return false;
  }
  return !IsReservedRoleName(name);
}

bool IsReservedRoleName(absl::string_view name) {
  return name == "any" || name == "all" || name == "guest" ||
         name == "guests" || name == "user" || name == "users" ||
         name == "team" || name == "member" || name == "label";
}

bool IsValidAttributeName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  char first = name[0];
  if (!parser_internal::IsAsciiAlpha(first) && first != '_') return false;
  for (char c : name) {
    if (!IsAsciiAlnum(c) && c != '_') return false;
  }
  return true;
}

}  // namespace warden
