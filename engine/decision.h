// The outcome of a check. A decision is a value, not an error (STYLE.md
// convention 3): denials, including those caused by bad input, are
// Decisions; absl::Status is kept for infrastructure failures.
#ifndef WARDEN_ENGINE_DECISION_H_
#define WARDEN_ENGINE_DECISION_H_

#include <cstdint>
#include <type_traits>

#include "absl/strings/string_view.h"

namespace warden {

enum class Reason : uint8_t {
  kAllowedByRule = 0,  // a rule names a role the principal holds
  kAllowedByAcl,       // an ACL entry names a role the principal holds
  kAllowedByScope,     // an API key scope covers the action on the type
  kDeniedByRule,       // a deny rule names a role the principal holds
  kNoGrant,            // nothing grants this action on this resource
  kRoleNotHeld,        // grants exist, but none names a role held
  kScopeMissing,       // the API key has no scope covering the action
  kKeyUnknown,         // API key id not in the store
  kKeyInvalid,         // API key malformed, or its secret does not match
  kKeyExpired,         // API key past its expiry
  kKeyRevoked,         // API key revoked
  kTokenInvalid,       // JWT refused (signature, claims, ...)
  kInvalidRequest,     // malformed resource, action, attribute or principal
  kEvaluationError,    // the check could not be completed safely (e.g. the
                       // regex matcher ran out of memory): denied
};

// Stable snake_case names used in CLI output and logs: "allowed_by_rule", ...
absl::string_view ReasonName(Reason reason);

enum class GrantKind : uint8_t {
  kNone = 0,  // no single grant decided (default deny, invalid input)
  kRule,      // `index` is the rule's index in the compiled policy
  kAcl,       // `index` is the resource's index, `entry` the ACL entry's
              // position in that resource's list as written
  kScope,     // `index` is the position of the scope in the key's scopes
};

// Trivially copyable, 16 bytes; returned by value from Check().
struct Decision {
  bool allowed = false;  // default deny
  Reason reason = Reason::kNoGrant;
  GrantKind grant = GrantKind::kNone;
  uint32_t index = 0;
  uint32_t entry = 0;
  uint32_t reserved = 0;
};
static_assert(std::is_trivially_copyable_v<Decision>);

}  // namespace warden

#endif  // WARDEN_ENGINE_DECISION_H_
