// Roles (LANGUAGE.md §1): parsing every accepted spelling, validation of ids,
// labels, team roles and custom role names, and the canonical spelling.
#ifndef WARDEN_PARSER_ROLE_H_
#define WARDEN_PARSER_ROLE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace warden {

enum class RoleKind : uint8_t {
  kAny,     // any
  kGuests,  // guests
  kUsers,   // users, users/verified, users/unverified
  kUser,    // user:ID, user:ID/verified, user:ID/unverified, user:$ATTR
  kTeam,    // team:ID, team:ID/ROLE
  kMember,  // member:ID
  kLabel,   // label:NAME
  kCustom,  // role:NAME (RBAC role declared in policy files)
};

// A role in canonical form. Value type; thread-compatible.
struct Role {
  RoleKind kind = RoleKind::kAny;
  // User, team or member id; label name; custom role name; or, when
  // `attribute` is true, the attribute name (without the `$`).
  std::string id;
  // "verified" / "unverified" for users and user, the team role for team,
  // empty when absent.
  std::string dimension;
  // True for `user:$ATTR` (rules only): the user whose id is the value of
  // attribute `id` of the resource being checked.
  bool attribute = false;

  // The canonical spelling: `any`, `users/verified`, `user:u1`,
  // `team:t1/owner`, `role:editor`, `user:$ownerId`, ...
  std::string ToString() const;

  friend bool operator==(const Role&, const Role&) = default;
};

// Where a role is being read; decides which spellings are accepted.
enum class RoleSyntax : uint8_t {
  // Inside an ACL entry: only Appwrite 1.x's seven canonical role names.
  kAclEntry,
  // Inside a rule: every spelling of LANGUAGE.md §1, `$ATTR` roles included.
  kRule,
  // A role on its own (CLI `role` form, principal roleSet entries): every
  // spelling except `$ATTR` roles.
  kStandalone,
};

// Parses `text` as one role. On failure returns kInvalidArgument with a
// one-line message and a byte offset (see syntax_error.h) relative to the
// start of `text`. For kAclEntry the messages are Appwrite 1.x's own wording
// (APPWRITE.md §1, validation steps 7-10).
absl::StatusOr<Role> ParseRole(absl::string_view text, RoleSyntax syntax);

// The role name as Appwrite's role grammar names it: "any", "guests",
// "users", "user", "team", "member", "label", and "role" for custom roles.
absl::string_view RoleKindName(RoleKind kind);

// Character rules of LANGUAGE.md §1.
// User, team and membership ids: 1-36 of [A-Za-z0-9._-], not starting with
// '.', '-' or '_'.
bool IsValidId(absl::string_view id);
// Labels: 1-36 ASCII letters or digits.
bool IsValidLabel(absl::string_view label);
// Team roles: the id rule, up to 81 characters.
bool IsValidTeamRole(absl::string_view team_role);
// Custom role names: 1-36, a letter or digit first, then letters, digits,
// '-' and '_'; and not a reserved name (see IsReservedRoleName).
bool IsValidCustomRoleName(absl::string_view name);
// `any`, `all`, `guest`, `guests`, `user`, `users`, `team`, `member`, `label`.
bool IsReservedRoleName(absl::string_view name);
// Attribute names: [A-Za-z_][A-Za-z0-9_]{0,63}.
bool IsValidAttributeName(absl::string_view name);

}  // namespace warden

#endif  // WARDEN_PARSER_ROLE_H_
