#include "engine/decision.h"

namespace warden {

absl::string_view ReasonName(Reason reason) {
  switch (reason) {
    case Reason::kAllowedByRule:
      return "allowed_by_rule";
    case Reason::kAllowedByAcl:
      return "allowed_by_acl";
    case Reason::kAllowedByScope:
      return "allowed_by_scope";
    case Reason::kDeniedByRule:
      return "denied_by_rule";
    case Reason::kNoGrant:
      return "no_grant";
    case Reason::kRoleNotHeld:
      return "role_not_held";
    case Reason::kScopeMissing:
      return "scope_missing";
    case Reason::kKeyUnknown:
      return "key_unknown";
    case Reason::kKeyInvalid:
      return "key_invalid";
    case Reason::kKeyExpired:
      return "key_expired";
    case Reason::kKeyRevoked:
      return "key_revoked";
    case Reason::kTokenInvalid:
      return "token_invalid";
    case Reason::kInvalidRequest:
      return "invalid_request";
    case Reason::kEvaluationError:
      return "evaluation_error";
  }
  return "unknown";
}

}  // namespace warden
