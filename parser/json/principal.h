// Principals and requests as JSON (CLI.md "Inputs").
#ifndef WARDEN_PARSER_JSON_PRINCIPAL_H_
#define WARDEN_PARSER_JSON_PRINCIPAL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "parser/role.h"

namespace warden {

struct TeamMembership {
  std::string team;                // team id
  std::string membership;          // membership id
  std::vector<std::string> roles;  // team roles
  bool confirmed = true;
};

// What is known of a signed-in user (APPWRITE.md §3).
struct UserFacts {
  std::string id;
  bool verified = false;  // email or phone verified
  std::vector<TeamMembership> teams;
  std::vector<std::string> labels;
  std::vector<std::string> roles;  // custom RBAC role names
};

// An API key whose secret has already been verified elsewhere.
struct ApiKeyFacts {
  std::string id;  // may be empty
  // Normalised (`tables.*` -> `collections.*`, `rows.*` -> `documents.*`),
  // each `KINDS.read` or `KINDS.write`.
  std::vector<std::string> scopes;
};

enum class PrincipalKind : uint8_t {
  kGuest,    // {"guest": true}
  kUser,     // {"user": "u1", ...}
  kRoleSet,  // {"roleSet": [...]}: used as given
  kApiKey,   // {"apiKey": {"id": ..., "scopes": [...]}}: already verified
  kKey,      // {"key": "wdn_..."}: to verify against a key store
  kJwt,      // {"jwt": "eyJ..."}: to verify against JWKS / a secret
};

struct PrincipalSpec {
  PrincipalKind kind = PrincipalKind::kGuest;
  UserFacts user;              // kUser
  std::vector<Role> role_set;  // kRoleSet, canonical (parsed kStandalone)
  ApiKeyFacts api_key;         // kApiKey
  std::string credential;      // kKey, kJwt (never printed)
};

// Parses and validates a principal (ids, team roles, labels and custom role
// names per LANGUAGE.md §1; scopes per §7). kInvalidArgument, with a message
// naming the field, on anything else: unknown fields, wrong types, several
// kinds at once.
absl::StatusOr<PrincipalSpec> ParsePrincipalJson(absl::string_view json);

// `KINDS.read` / `KINDS.write` (KINDS a plural lower-case kind) or
// `execution.read` / `execution.write`; returns the normalised scope.
absl::StatusOr<std::string> NormalizeScope(absl::string_view scope);

// The scope an API key needs for `action` on a resource of type `type` (as
// ResourceType gives it): `documents.read`, `files.write`, `execution.write`
// for `execute` on a function, ...; empty when no scope can cover the action
// (custom actions other than `execute`). For "which scope is missing"
// messages (LANGUAGE.md §7).
std::string RequiredScope(absl::string_view type, absl::string_view action);

struct Attribute {
  std::string name;
  std::string value;
};

// One request of `warden eval`:
//   {"principal": {...}, "resource": "...", "action": "read",
//    "attributes": {"ownerId": "u1"}}
struct RequestSpec {
  PrincipalSpec principal;
  std::string resource;  // normalised
  std::string action;    // read/create/update/delete or custom; never write/*
  std::vector<Attribute> attributes;
};

absl::StatusOr<RequestSpec> ParseRequestJson(absl::string_view json);

// Parses `{"name": "value", ...}` (string values only).
absl::StatusOr<std::vector<Attribute>> ParseAttributesJson(
    absl::string_view json);

}  // namespace warden

#endif  // WARDEN_PARSER_JSON_PRINCIPAL_H_
