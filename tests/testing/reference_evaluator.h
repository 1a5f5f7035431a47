// A deliberately simple evaluator of LANGUAGE.md §7, used as an independent
// oracle for the compiled engine (differential and conformance tests).
//
// It interprets the parsed model as written: no compilation, no interning, no
// indexes, no hashing. Every check walks the rules and the ACL lists in full.
// It has its own path validation and normalisation, its own canonical role
// spelling and its own character rules, so that a bug in the engine's or the
// parser's helpers does not hide behind the same helper here. It is slow on
// purpose and only meant for small inputs.
#ifndef WARDEN_TESTS_TESTING_REFERENCE_EVALUATOR_H_
#define WARDEN_TESTS_TESTING_REFERENCE_EVALUATOR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "engine/decision.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "parser/rule.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace warden::testing {

// The outcome of one reference check: the same two fields the engine's
// Decision carries that have a meaning independent of the bundle layout.
struct ReferenceDecision {
  bool allowed = false;
  Reason reason = Reason::kNoGrant;

  friend bool operator==(const ReferenceDecision&,
                         const ReferenceDecision&) = default;
};

// The deciding grant of a decision, as the engine reports it, in terms the
// reference can check (see ReferenceEvaluator::CheckGrant).
struct ReferenceGrant {
  GrantKind kind = GrantKind::kNone;
  std::string file;      // kRule: policy file ("" for rules from ACL data)
  int line = 0;          // kRule: 1-based line (0 when not from a file)
  std::string text;      // kRule: the rule's canonical text
  std::string resource;  // kAcl: the resource whose list holds the entry
  uint32_t entry = 0;    // kAcl: the entry's position in that list
  uint32_t scope = 0;    // kScope: the scope's position in the key's scopes
};

// "allowed_by_rule"-style name, independent of ReasonName().
std::string ReferenceReasonName(Reason reason);
std::string ToString(const ReferenceDecision& decision);

// The canonical spelling of a role (LANGUAGE.md §1): `any`, `guests`,
// `users[/DIM]`, `user:ID[/DIM]`, `user:$ATTR`, `team:ID[/ROLE]`,
// `member:ID`, `label:NAME`, `role:NAME`.
std::string CanonicalRoleString(const Role& role);

// The canonical printing of a rule (LANGUAGE.md §8), written again here.
std::string CanonicalRuleText(const Rule& rule);

// Character rules of LANGUAGE.md §1, written again here.
bool RefIsValidId(absl::string_view id);
bool RefIsValidLabel(absl::string_view label);
bool RefIsValidTeamRole(absl::string_view team_role);
bool RefIsValidCustomRoleName(absl::string_view name);
// `[a-z][a-z0-9_]{0,63}`.
bool RefIsLowerIdentifier(absl::string_view text);

// Validates a resource path (LANGUAGE.md §6) and normalises its kinds
// (`tables` -> `collections`, `rows` -> `documents`).
absl::StatusOr<std::string> RefNormalizePath(absl::string_view path);
// The type of a normalised path: its last kind minus one trailing `s`.
std::string RefResourceType(absl::string_view path);
// The path without its last pair; "" for a top-level resource.
std::string RefParentPath(absl::string_view path);
// `document` and `file`.
bool RefIsLeafType(absl::string_view type);
// A request action: a lower identifier other than `write`.
bool RefIsRequestAction(absl::string_view action);

// The roles a signed-in user holds (APPWRITE.md §3), with each custom role
// closed under the policy's `role NAME: PARENTS` declarations by a plain
// recursive walk. kInvalidArgument for facts that break LANGUAGE.md §1.
absl::StatusOr<std::vector<std::string>> ReferenceUserRoles(
    const Policy& policy, const UserFacts& user);

// The roles of a guest, user or role-set principal, sorted and unique.
// kInvalidArgument for invalid facts, a `$ATTR` role in a role set, and for
// API keys and unverified credentials (which have no role set).
absl::StatusOr<std::vector<std::string>> ReferencePrincipalRoles(
    const Policy& policy, const PrincipalSpec& principal);

// Validates an already-verified key's scopes (`KINDS.read`/`KINDS.write` with
// KINDS a plural lower identifier, or `execution.read`/`execution.write`).
absl::Status ReferenceValidateApiKey(const ApiKeyFacts& key);

class ReferenceEvaluator {
 public:
  // Keeps copies of both inputs. Rules are policy.rules followed by
  // acl.rules. Regex rules are compiled once here (with RE2's defaults) so
  // that a check does not recompile them; nothing else is precomputed.
  ReferenceEvaluator(Policy policy, AclData acl);
  ~ReferenceEvaluator();

  ReferenceEvaluator(const ReferenceEvaluator&) = delete;
  ReferenceEvaluator& operator=(const ReferenceEvaluator&) = delete;

  const Policy& policy() const { return policy_; }
  const AclData& acl() const { return acl_; }

  // The decision for any principal kind: an invalid principal (see
  // ReferencePrincipalRoles), or an unverified key / JWT, gives a deny with
  // kInvalidRequest.
  ReferenceDecision Decide(const PrincipalSpec& principal,
                           absl::string_view resource, absl::string_view action,
                           const std::vector<Attribute>& attributes = {}) const;

  // The decision for a principal holding exactly `roles` (canonical).
  ReferenceDecision DecideForRoles(
      const std::vector<std::string>& roles, absl::string_view resource,
      absl::string_view action,
      const std::vector<Attribute>& attributes = {}) const;

  // The decision for an API key (scopes only; rules and ACLs are ignored).
  ReferenceDecision DecideForApiKey(const ApiKeyFacts& key,
                                    absl::string_view resource,
                                    absl::string_view action) const;

  // Checks that `grant` may be the deciding grant of `decision`, the
  // reference's own decision for this check: its kind fits the reason, and
  // the rule, ACL entry or scope it names exists, applies to the resource and
  // action, and names a role the principal holds (for a rule: a deny rule
  // exactly when the decision is a deny). Any applicable grant is accepted,
  // since §7 does not rank grants of the same step. Returns "" when it fits,
  // else what is wrong.
  std::string CheckGrant(const PrincipalSpec& principal,
                         absl::string_view resource, absl::string_view action,
                         const std::vector<Attribute>& attributes,
                         const ReferenceDecision& decision,
                         const ReferenceGrant& grant) const;

 private:
  // The ACL lists step 3 of LANGUAGE.md §7 consults for `action` on `path`
  // (normalised), in order.
  std::vector<std::string> ConsultedAcls(const std::string& path,
                                         absl::string_view action) const;
  // Whether `entry`, in the list of `list_path`, covers `action` (`write`
  // expanded by the kind of resource that carries the list).
  bool EntryCovers(const AclEntry& entry, const std::string& list_path,
                   absl::string_view action) const;
  bool RuleMatches(size_t rule_index, const std::string& path,
                   absl::string_view action) const;
  bool RoleHeld(const Role& role, const std::vector<std::string>& roles,
                const std::vector<Attribute>& attributes) const;
  bool SecurityFlagOn(const std::string& container) const;
  const ResourceAcl* FindAcl(const std::string& path) const;

  Policy policy_;
  AclData acl_;
  std::vector<const Rule*> rules_;  // policy rules, then ACL rules
  std::vector<std::unique_ptr<re2::RE2>> regexes_;  // parallel to rules_
};

}  // namespace warden::testing

#endif  // WARDEN_TESTS_TESTING_REFERENCE_EVALUATOR_H_
