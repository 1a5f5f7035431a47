#include "tests/testing/reference_evaluator.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace warden::testing {
namespace {

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// [A-Za-z0-9._-]
bool IsKeyChar(char c) {
  return IsAsciiLetter(c) || IsAsciiDigit(c) || c == '.' || c == '-' ||
         c == '_';
}

// The "Key" rule with a maximum length.
bool IsKey(absl::string_view text, size_t max_length) {
  if (text.empty() || text.size() > max_length) return false;
  if (text[0] == '.' || text[0] == '-' || text[0] == '_') return false;
  for (char c : text) {
    if (!IsKeyChar(c)) return false;
  }
  return true;
}

bool IsCreateUpdateDelete(absl::string_view action) {
  return action == "create" || action == "update" || action == "delete";
}

bool Contains(const std::vector<std::string>& values, absl::string_view value) {
  for (const std::string& v : values) {
    if (v == value) return true;
  }
  return false;
}

std::vector<std::string> SplitPath(absl::string_view path) {
  std::vector<std::string> segments;
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    segments.emplace_back(segment);
  }
  return segments;
}

// `*` is exactly one segment; a final `**` is any number of segments, zero
// included; every other pattern segment matches itself only.
bool GlobMatches(const std::vector<std::string>& pattern, size_t i,
                 const std::vector<std::string>& path, size_t j) {
  if (i == pattern.size()) return j == path.size();
  if (pattern[i] == "**" && i + 1 == pattern.size()) return true;
  if (j == path.size()) return false;
  if (pattern[i] == "*" || pattern[i] == path[j]) {
    return GlobMatches(pattern, i + 1, path, j + 1);
  }
  return false;
}

void AddUnique(std::vector<std::string>* roles, std::string role) {
  if (!Contains(*roles, role)) roles->push_back(std::move(role));
}

// Adds `role:NAME` and, recursively, every parent that a declaration of NAME
// names.
void AddCustomRoleClosed(const Policy& policy, const std::string& name,
                         std::vector<std::string>* roles) {
  std::string role = "role:" + name;
  if (Contains(*roles, role)) return;  // already walked (also stops cycles)
  roles->push_back(role);
  for (const RoleDeclaration& declaration : policy.roles) {
    if (declaration.name != name) continue;
    for (const std::string& parent : declaration.parents) {
      AddCustomRoleClosed(policy, parent, roles);
    }
  }
}

std::vector<std::string> SortedUnique(std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

ReferenceDecision Deny(Reason reason) { return {false, reason}; }
ReferenceDecision Allow(Reason reason) { return {true, reason}; }

}  // namespace

std::string ReferenceReasonName(Reason reason) {
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
    default:
      break;
  }
  return absl::StrCat("reason_", static_cast<int>(reason));
}

std::string ToString(const ReferenceDecision& decision) {
  return absl::StrCat(decision.allowed ? "allow" : "deny", " (",
                      ReferenceReasonName(decision.reason), ")");
}

std::string CanonicalRoleString(const Role& role) {
  std::string dimension =
      role.dimension.empty() ? "" : absl::StrCat("/", role.dimension);
  switch (role.kind) {
    case RoleKind::kAny:
      return "any";
    case RoleKind::kGuests:
      return "guests";
    case RoleKind::kUsers:
      return absl::StrCat("users", dimension);
    case RoleKind::kUser:
      return absl::StrCat("user:", role.attribute ? "$" : "", role.id,
                          dimension);
    case RoleKind::kTeam:
      return absl::StrCat("team:", role.id, dimension);
    case RoleKind::kMember:
      return absl::StrCat("member:", role.id);
    case RoleKind::kLabel:
      return absl::StrCat("label:", role.id);
    case RoleKind::kCustom:
      return absl::StrCat("role:", role.id);
  }
  return "?";
}

std::string CanonicalRuleText(const Rule& rule) {
  std::string resource;
  switch (rule.resource.kind) {
    case PatternKind::kAny:
      resource = "any";
      break;
    case PatternKind::kType:
    case PatternKind::kPath:
      resource = rule.resource.text;
      break;
    case PatternKind::kRegex:
      resource = absl::StrCat(
          "~\"", absl::StrReplaceAll(rule.resource.text, {{"\"", "\\\""}}),
          "\"");
      break;
  }
  std::vector<std::string> roles;
  for (const Role& role : rule.roles)
    roles.push_back(CanonicalRoleString(role));
  return absl::StrCat(rule.deny ? "deny " : "", resource, ":", rule.action, "(",
                      absl::StrJoin(roles, ", "), ")");
}

bool RefIsValidId(absl::string_view id) { return IsKey(id, 36); }

bool RefIsValidLabel(absl::string_view label) {
  if (label.empty() || label.size() > 36) return false;
  for (char c : label) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c)) return false;
  }
  return true;
}

bool RefIsValidTeamRole(absl::string_view team_role) {
  return IsKey(team_role, 81);
}

bool RefIsValidCustomRoleName(absl::string_view name) {
  if (name.empty() || name.size() > 36) return false;
  if (!IsAsciiLetter(name[0]) && !IsAsciiDigit(name[0])) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && c != '-' && c != '_') {
      return false;
    }
  }
  for (absl::string_view reserved : {"any", "all", "guest", "guests", "user",
                                     "users", "team", "member", "label"}) {
    if (name == reserved) return false;
  }
  return true;
}

bool RefIsLowerIdentifier(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  if (text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || IsAsciiDigit(c) || c == '_')) return false;
  }
  return true;
}

absl::StatusOr<std::string> RefNormalizePath(absl::string_view path) {
  std::vector<std::string> segments = SplitPath(path);
  if (path.empty() || segments.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("path `", path, "` has an odd number of segments"));
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    if (segment.empty() || segment.size() > 64) {
      return absl::InvalidArgumentError(
          absl::StrCat("path `", path, "` has a segment of bad length"));
    }
    for (char c : segment) {
      if (!IsKeyChar(c)) {
        return absl::InvalidArgumentError(
            absl::StrCat("path `", path, "` has a bad character"));
      }
    }
    if (i % 2 == 0) {
      if (!RefIsLowerIdentifier(segment)) {
        return absl::InvalidArgumentError(
            absl::StrCat("path `", path, "` has a bad kind"));
      }
      if (segment == "tables") segments[i] = "collections";
      if (segment == "rows") segments[i] = "documents";
    }
  }
  return absl::StrJoin(segments, "/");
}

std::string RefResourceType(absl::string_view path) {
  std::vector<std::string> segments = SplitPath(path);
  if (segments.size() < 2) return "";
  std::string kind = segments[segments.size() - 2];
  if (!kind.empty() && kind.back() == 's') kind.pop_back();
  return kind;
}

std::string RefParentPath(absl::string_view path) {
  std::vector<std::string> segments = SplitPath(path);
  if (segments.size() <= 2) return "";
  segments.resize(segments.size() - 2);
  return absl::StrJoin(segments, "/");
}

bool RefIsLeafType(absl::string_view type) {
  return type == "document" || type == "file";
}

bool RefIsRequestAction(absl::string_view action) {
  return RefIsLowerIdentifier(action) && action != "write";
}

absl::StatusOr<std::vector<std::string>> ReferenceUserRoles(
    const Policy& policy, const UserFacts& user) {
  if (!RefIsValidId(user.id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid user id `", user.id, "`"));
  }
  std::vector<std::string> roles = {"any", "users", "user:" + user.id};
  const char* dimension = user.verified ? "verified" : "unverified";
  roles.push_back(absl::StrCat("user:", user.id, "/", dimension));
  roles.push_back(absl::StrCat("users/", dimension));
  for (const TeamMembership& team : user.teams) {
    if (!RefIsValidId(team.team)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid team id `", team.team, "`"));
    }
    if (!RefIsValidId(team.membership)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid membership id `", team.membership, "`"));
    }
    for (const std::string& team_role : team.roles) {
      if (!RefIsValidTeamRole(team_role)) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid team role `", team_role, "`"));
      }
    }
    if (!team.confirmed) continue;
    AddUnique(&roles, "team:" + team.team);
    AddUnique(&roles, "member:" + team.membership);
    for (const std::string& team_role : team.roles) {
      AddUnique(&roles, absl::StrCat("team:", team.team, "/", team_role));
    }
  }
  for (const std::string& label : user.labels) {
    if (!RefIsValidLabel(label)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid label `", label, "`"));
    }
    AddUnique(&roles, "label:" + label);
  }
  for (const std::string& name : user.roles) {
    if (!RefIsValidCustomRoleName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid custom role `", name, "`"));
    }
    AddCustomRoleClosed(policy, name, &roles);
  }
  return SortedUnique(std::move(roles));
}

absl::StatusOr<std::vector<std::string>> ReferencePrincipalRoles(
    const Policy& policy, const PrincipalSpec& principal) {
  switch (principal.kind) {
    case PrincipalKind::kGuest:
      return std::vector<std::string>{"any", "guests"};
    case PrincipalKind::kUser:
      return ReferenceUserRoles(policy, principal.user);
    case PrincipalKind::kRoleSet: {
      std::vector<std::string> roles;
      for (const Role& role : principal.role_set) {
        if (role.attribute) {
          return absl::InvalidArgumentError(
              "`$ATTR` roles are not roles on their own");
        }
        roles.push_back(CanonicalRoleString(role));
      }
      return SortedUnique(std::move(roles));
    }
    case PrincipalKind::kApiKey:
    case PrincipalKind::kKey:
    case PrincipalKind::kJwt:
      break;
  }
  return absl::InvalidArgumentError("principal has no role set");
}

absl::Status ReferenceValidateApiKey(const ApiKeyFacts& key) {
  for (const std::string& scope : key.scopes) {
    size_t dot = scope.rfind('.');
    if (dot == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid scope `", scope, "`"));
    }
    absl::string_view kinds = absl::string_view(scope).substr(0, dot);
    absl::string_view operation = absl::string_view(scope).substr(dot + 1);
    bool kinds_ok = kinds == "execution" ||
                    (RefIsLowerIdentifier(kinds) && kinds.back() == 's');
    if (!kinds_ok || (operation != "read" && operation != "write")) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid scope `", scope, "`"));
    }
  }
  return absl::OkStatus();
}

ReferenceEvaluator::ReferenceEvaluator(Policy policy, AclData acl)
    : policy_(std::move(policy)), acl_(std::move(acl)) {
  for (const Rule& rule : policy_.rules) rules_.push_back(&rule);
  for (const Rule& rule : acl_.rules) rules_.push_back(&rule);
  RE2::Options options;
  options.set_log_errors(false);
  for (const Rule* rule : rules_) {
    if (rule->resource.kind == PatternKind::kRegex) {
      regexes_.push_back(
          std::make_unique<RE2>(re2::StringPiece(rule->resource.text.data(),
                                                 rule->resource.text.size()),
                                options));
    } else {
      regexes_.push_back(nullptr);
    }
  }
}

ReferenceEvaluator::~ReferenceEvaluator() = default;

bool ReferenceEvaluator::RuleMatches(size_t rule_index, const std::string& path,
                                     absl::string_view action) const {
  const Rule& rule = *rules_[rule_index];
  bool action_matches =
      rule.action == action || rule.action == "*" ||
      (rule.action == "write" && IsCreateUpdateDelete(action));
  if (!action_matches) return false;
  switch (rule.resource.kind) {
    case PatternKind::kAny:
      return true;
    case PatternKind::kType:
      return rule.resource.text == RefResourceType(path);
    case PatternKind::kPath:
      return GlobMatches(SplitPath(rule.resource.text), 0, SplitPath(path), 0);
    case PatternKind::kRegex: {
      const RE2* regex = regexes_[rule_index].get();
      if (regex == nullptr || !regex->ok()) return false;
      return RE2::FullMatch(re2::StringPiece(path.data(), path.size()), *regex);
    }
  }
  return false;
}

bool ReferenceEvaluator::RoleHeld(
    const Role& role, const std::vector<std::string>& roles,
    const std::vector<Attribute>& attributes) const {
  if (!role.attribute) return Contains(roles, CanonicalRoleString(role));
  for (const Attribute& attribute : attributes) {
    if (attribute.name != role.id) continue;
    if (!RefIsValidId(attribute.value)) return false;
    Role user;
    user.kind = RoleKind::kUser;
    user.id = attribute.value;
    user.dimension = role.dimension;
    return Contains(roles, CanonicalRoleString(user));
  }
  return false;  // absent attribute: the role names nobody
}

bool ReferenceEvaluator::SecurityFlagOn(const std::string& container) const {
  for (const ResourceAcl& resource : acl_.resources) {
    if (resource.resource == container && resource.security.has_value() &&
        *resource.security) {
      return true;
    }
  }
  for (const SecurityFlag& flag : policy_.flags) {
    if (flag.container == container) return true;
  }
  return false;
}

const ResourceAcl* ReferenceEvaluator::FindAcl(const std::string& path) const {
  for (const ResourceAcl& resource : acl_.resources) {
    if (resource.resource == path) return &resource;
  }
  return nullptr;
}

std::vector<std::string> ReferenceEvaluator::ConsultedAcls(
    const std::string& path, absl::string_view action) const {
  std::string parent = RefParentPath(path);
  if (action == "create") {
    // The resource to be created: its parent decides (none at top level).
    if (parent.empty()) return {};
    return {parent};
  }
  if (RefIsLeafType(RefResourceType(path))) {
    if (parent.empty()) return {};
    if (SecurityFlagOn(parent)) return {parent, path};
    return {parent};
  }
  return {path};
}

bool ReferenceEvaluator::EntryCovers(const AclEntry& entry,
                                     const std::string& list_path,
                                     absl::string_view action) const {
  switch (entry.action) {
    case AclAction::kRead:
      return action == "read";
    case AclAction::kCreate:
      return action == "create";
    case AclAction::kUpdate:
      return action == "update";
    case AclAction::kDelete:
      return action == "delete";
    case AclAction::kWrite:
      // `write` never covers read; it covers create on containers only.
      return action == "update" || action == "delete" ||
             (action == "create" && !RefIsLeafType(RefResourceType(list_path)));
  }
  return false;
}

ReferenceDecision ReferenceEvaluator::Decide(
    const PrincipalSpec& principal, absl::string_view resource,
    absl::string_view action, const std::vector<Attribute>& attributes) const {
  if (principal.kind == PrincipalKind::kApiKey) {
    if (!ReferenceValidateApiKey(principal.api_key).ok()) {
      return Deny(Reason::kInvalidRequest);
    }
    return DecideForApiKey(principal.api_key, resource, action);
  }
  absl::StatusOr<std::vector<std::string>> roles =
      ReferencePrincipalRoles(policy_, principal);
  if (!roles.ok()) return Deny(Reason::kInvalidRequest);
  return DecideForRoles(*roles, resource, action, attributes);
}

ReferenceDecision ReferenceEvaluator::DecideForApiKey(
    const ApiKeyFacts& key, absl::string_view resource,
    absl::string_view action) const {
  absl::StatusOr<std::string> path = RefNormalizePath(resource);
  if (!path.ok() || !RefIsRequestAction(action)) {
    return Deny(Reason::kInvalidRequest);
  }
  std::string type = RefResourceType(*path);
  for (const std::string& scope : key.scopes) {
    size_t dot = scope.rfind('.');
    if (dot == std::string::npos) continue;
    std::string kinds = scope.substr(0, dot);
    std::string operation = scope.substr(dot + 1);
    bool covers_type;
    if (kinds == "execution") {
      covers_type = type == "execution";
    } else {
      std::string singular = kinds;
      if (!singular.empty() && singular.back() == 's') singular.pop_back();
      covers_type = singular == type;
    }
    if (covers_type && operation == "read" && action == "read") {
      return Allow(Reason::kAllowedByScope);
    }
    if (covers_type && operation == "write" && IsCreateUpdateDelete(action)) {
      return Allow(Reason::kAllowedByScope);
    }
    if (kinds == "execution" && operation == "write" && type == "function" &&
        action == "execute") {
      return Allow(Reason::kAllowedByScope);
    }
  }
  return Deny(Reason::kScopeMissing);
}

ReferenceDecision ReferenceEvaluator::DecideForRoles(
    const std::vector<std::string>& roles, absl::string_view resource,
    absl::string_view action, const std::vector<Attribute>& attributes) const {
  absl::StatusOr<std::string> normalized = RefNormalizePath(resource);
  if (!normalized.ok() || !RefIsRequestAction(action)) {
    return Deny(Reason::kInvalidRequest);
  }
  const std::string& path = *normalized;

  // Step 1: deny rules.
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = *rules_[i];
    if (!rule.deny || !RuleMatches(i, path, action)) continue;
    for (const Role& role : rule.roles) {
      if (RoleHeld(role, roles, attributes)) {
        return Deny(Reason::kDeniedByRule);
      }
    }
  }

  // Step 2: allow rules.
  bool some_grant_applies = false;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = *rules_[i];
    if (rule.deny || !RuleMatches(i, path, action)) continue;
    some_grant_applies = true;
    for (const Role& role : rule.roles) {
      if (RoleHeld(role, roles, attributes)) {
        return Allow(Reason::kAllowedByRule);
      }
    }
  }

  // Step 3: ACLs, every entry of each consulted list that covers the
  // action.
  bool allowed_by_acl = false;
  for (const std::string& list_path : ConsultedAcls(path, action)) {
    const ResourceAcl* acl = FindAcl(list_path);
    if (acl == nullptr) continue;
    for (const AclEntry& entry : acl->entries) {
      if (!EntryCovers(entry, list_path, action)) continue;
      some_grant_applies = true;
      if (RoleHeld(entry.role, roles, attributes)) allowed_by_acl = true;
    }
    if (allowed_by_acl) break;
  }
  if (allowed_by_acl) return Allow(Reason::kAllowedByAcl);

  // Step 4: default deny.
  return Deny(some_grant_applies ? Reason::kRoleNotHeld : Reason::kNoGrant);
}

std::string ReferenceEvaluator::CheckGrant(
    const PrincipalSpec& principal, absl::string_view resource,
    absl::string_view action, const std::vector<Attribute>& attributes,
    const ReferenceDecision& decision, const ReferenceGrant& grant) const {
  GrantKind expected = GrantKind::kNone;
  switch (decision.reason) {
    case Reason::kAllowedByRule:
    case Reason::kDeniedByRule:
      expected = GrantKind::kRule;
      break;
    case Reason::kAllowedByAcl:
      expected = GrantKind::kAcl;
      break;
    case Reason::kAllowedByScope:
      expected = GrantKind::kScope;
      break;
    default:
      break;
  }
  if (grant.kind != expected) {
    return absl::StrCat("grant kind ", static_cast<int>(grant.kind),
                        ", expected ", static_cast<int>(expected));
  }
  if (expected == GrantKind::kNone) return "";
  absl::StatusOr<std::string> normalized = RefNormalizePath(resource);
  if (!normalized.ok()) return "a grant for an invalid request";
  const std::string& path = *normalized;

  if (expected == GrantKind::kScope) {
    if (principal.kind != PrincipalKind::kApiKey ||
        grant.scope >= principal.api_key.scopes.size()) {
      return absl::StrCat("scope #", grant.scope, " does not exist");
    }
    ApiKeyFacts one;
    one.scopes = {principal.api_key.scopes[grant.scope]};
    if (!DecideForApiKey(one, resource, action).allowed) {
      return absl::StrCat("scope `", one.scopes[0], "` does not cover `",
                          action, "` on `", path, "`");
    }
    return "";
  }

  absl::StatusOr<std::vector<std::string>> roles =
      ReferencePrincipalRoles(policy_, principal);
  if (!roles.ok()) return "a grant for an invalid principal";

  if (expected == GrantKind::kRule) {
    bool deny = decision.reason == Reason::kDeniedByRule;
    for (size_t i = 0; i < rules_.size(); ++i) {
      const Rule& rule = *rules_[i];
      bool from_acl = i >= policy_.rules.size();
      bool same_rule =
          grant.line > 0 ? (!from_acl && rule.location.line == grant.line &&
                            rule.location.file == grant.file)
                         : (from_acl && CanonicalRuleText(rule) == grant.text);
      if (!same_rule) continue;
      if (rule.deny != deny) return "the grant is a rule of the wrong polarity";
      if (!RuleMatches(i, path, action)) {
        return absl::StrCat("rule `", CanonicalRuleText(rule),
                            "` does not match");
      }
      for (const Role& role : rule.roles) {
        if (RoleHeld(role, *roles, attributes)) return "";
      }
      return absl::StrCat("rule `", CanonicalRuleText(rule),
                          "` names no role held");
    }
    return absl::StrCat("no rule at ", grant.file, ":", grant.line, " `",
                        grant.text, "`");
  }

  // kAcl
  std::vector<std::string> consulted = ConsultedAcls(path, action);
  if (!Contains(consulted, grant.resource)) {
    return absl::StrCat("the ACL of `", grant.resource,
                        "` is not consulted for `", action, "` on `", path,
                        "`");
  }
  const ResourceAcl* acl = FindAcl(grant.resource);
  if (acl == nullptr || grant.entry >= acl->entries.size()) {
    return absl::StrCat("no entry #", grant.entry, " on `", grant.resource,
                        "`");
  }
  const AclEntry& entry = acl->entries[grant.entry];
  if (!EntryCovers(entry, grant.resource, action)) {
    return absl::StrCat("entry #", grant.entry, " on `", grant.resource,
                        "` does not cover `", action, "`");
  }
  if (!RoleHeld(entry.role, *roles, attributes)) {
    return absl::StrCat("entry #", grant.entry, " on `", grant.resource,
                        "` names a role not held");
  }
  return "";
}

}  // namespace warden::testing
