// Internals shared by role.cc and acl_entry.cc: an emulation of Appwrite 1.x's
// role parsing and validation (for its exact error messages) and a scanner of
// the strict ACL-entry role grammar (for error offsets).
#ifndef WARDEN_PARSER_ROLE_INTERNAL_H_
#define WARDEN_PARSER_ROLE_INTERNAL_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "parser/role.h"

namespace warden::parser_internal {

// A role split the way Appwrite splits it: NAME[:ID][/DIM].
struct AppwriteRoleParts {
  std::string name;
  std::string identifier;
  std::string dimension;
};

// Splits `full_role` as Appwrite's Role/Permission parser does. Returns
// Appwrite's error message if the split fails ("Only one dimension can be
// provided", "Dimension must not be empty"), else nullopt.
std::optional<std::string> AppwriteSplitRole(absl::string_view full_role,
                                             AppwriteRoleParts* parts);

// Appwrite's role validation (Roles::isValidRole). Returns its error message,
// or nullopt when Appwrite accepts the parts.
std::optional<std::string> AppwriteValidateRole(const AppwriteRoleParts& parts);

// The Role for parts that AppwriteValidateRole accepted.
Role RoleFromAppwriteParts(const AppwriteRoleParts& parts);

// Scans the longest prefix of `text` that can begin a valid role in the
// strict ACL-entry grammar (Appwrite's seven role names, canonical spelling,
// ids other than "0"). Returns its length; `*complete` tells whether that
// prefix is itself a whole valid role.
size_t ScanAclRole(absl::string_view text, bool* complete);

}  // namespace warden::parser_internal

#endif  // WARDEN_PARSER_ROLE_INTERNAL_H_
