#include "tests/testing/generators.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tests/testing/reference_evaluator.h"

namespace warden::testing {
namespace {

Role MakeRole(RoleKind kind, std::string id = "", std::string dimension = "",
              bool attribute = false) {
  Role role;
  role.kind = kind;
  role.id = std::move(id);
  role.dimension = std::move(dimension);
  role.attribute = attribute;
  return role;
}

// Roles that ACL entries may name (Appwrite's seven names).
const std::vector<Role>& AclRolePool() {
  static const auto* pool = new std::vector<Role>{
      MakeRole(RoleKind::kAny),
      MakeRole(RoleKind::kAny),
      MakeRole(RoleKind::kGuests),
      MakeRole(RoleKind::kUsers),
      MakeRole(RoleKind::kUsers),
      MakeRole(RoleKind::kUsers, "", "verified"),
      MakeRole(RoleKind::kUsers, "", "unverified"),
      MakeRole(RoleKind::kUser, "u1"),
      MakeRole(RoleKind::kUser, "u2"),
      MakeRole(RoleKind::kUser, "U1"),
      MakeRole(RoleKind::kUser, "u1", "verified"),
      MakeRole(RoleKind::kUser, "u2", "unverified"),
      MakeRole(RoleKind::kTeam, "t1"),
      MakeRole(RoleKind::kTeam, "t2"),
      MakeRole(RoleKind::kTeam, "t1", "owner"),
      MakeRole(RoleKind::kTeam, "t1", "admin"),
      MakeRole(RoleKind::kTeam, "t2", "owner"),
      MakeRole(RoleKind::kMember, "m1"),
      MakeRole(RoleKind::kMember, "m2"),
      MakeRole(RoleKind::kLabel, "vip"),
      MakeRole(RoleKind::kLabel, "staff"),
  };
  return *pool;
}

const std::vector<std::string>& CustomRoleNames() {
  static const auto* names = new std::vector<std::string>{
      "admin", "editor", "viewer", "auditor", "ops"};
  return *names;
}

const std::vector<std::string>& AttributeNames() {
  static const auto* names =
      new std::vector<std::string>{"ownerId", "lockedBy"};
  return *names;
}

// Resources that ACL data may describe, in normalised form.
const std::vector<std::string>& ContainerPool() {
  static const auto* pool = new std::vector<std::string>{
      "databases/d1",
      "databases/d2",
      "databases/d1/collections/c1",
      "databases/d1/collections/c2",
      "databases/d2/collections/c1",
      "buckets/b1",
      "buckets/b2",
      "functions/fn1",
      "teams/t1",
      "projects/p1",
      "databases/d1/collections/c1/documents/x1/comments/k1",
      // Ids spelled like the kinds that normalisation renames.
      "databases/tables/collections/rows",
  };
  return *pool;
}

const std::vector<std::string>& LeafPool() {
  static const auto* pool = new std::vector<std::string>{
      "databases/d1/collections/c1/documents/x1",
      "databases/d1/collections/c1/documents/x2",
      "databases/d1/collections/c2/documents/x1",
      "databases/d2/collections/c1/documents/x1",
      "buckets/b1/files/f1",
      "buckets/b1/files/f2",
      "buckets/b2/files/f1",
      "databases/tables/collections/rows/documents/x1",
      "documents/x1",  // a top-level leaf: no parent
  };
  return *pool;
}

// Resources only requests name (valid, normalised).
const std::vector<std::string>& ExtraRequestPool() {
  static const auto* pool = new std::vector<std::string>{
      "databases/d1/collections/c1/documents/new",
      "databases/d1/collections/c3",
      "databases/d3",
      "buckets/b3/files/f1",
      "buckets/b3",
      "users/u1",
      "executions/e1",
      "functions/fn2",
      "documents/x1",
      "databases/d1/collections/c1/documents/x1/comments/k2",
      "projects/p1/documents/z1",
      "databases/rows",
      "databases/tables/tables/rows/rows/x1",
      "databases/tables/tables/rows/rows/new",
  };
  return *pool;
}

// Requests that are not valid input.
const std::vector<std::string>& InvalidResourcePool() {
  static const auto* pool = new std::vector<std::string>{
      "",
      "databases",
      "databases/d1/",
      "/databases/d1",
      "databases/*",
      "Databases/d1",
      "databases/d 1",
      "databases/d1/collections",
      "databases//collections/c1",
      "data-bases/d1",
      "databases/d1/collections/c1/documents/x1/",
      "databases/d\xc3\xa9",
      "databases/"
      "x0123456789012345678901234567890123456789012345678901234567890123",
      "databases/d1/collections/c1/documents",
      "7ables/d1",
  };
  return *pool;
}

const std::vector<std::string>& RegexPool() {
  static const auto* pool = new std::vector<std::string>{
      "databases/d1/collections/[a-z0-9]+/documents/.*",
      "buckets/b[12](/files/.*)?",
      ".*/x1",
      "databases/(d1|d2)",
      "databases/d1/collections/c1",
      "functions/fn[0-9]",
      ".*",
      "[a-z]+/[a-z0-9]+",
      "databases/[a-z0-9]+/collections/c1/documents/x[0-9]",
      ".*/comments/.*",
  };
  return *pool;
}

const std::vector<std::string>& TypePool() {
  static const auto* pool = new std::vector<std::string>{
      "document",  "collection", "database", "bucket",    "file",    "function",
      "comment",   "team",       "user",     "execution", "project",
      "documents",  // a plural: matches nothing
  };
  return *pool;
}

std::vector<std::string> AllValidResources() {
  std::vector<std::string> all = ContainerPool();
  for (const std::string& leaf : LeafPool()) all.push_back(leaf);
  for (const std::string& extra : ExtraRequestPool()) all.push_back(extra);
  return all;
}

std::string Quote(absl::string_view text) {
  return nlohmann::json(std::string(text)).dump();
}

}  // namespace

size_t Generator::Uniform(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
}

bool Generator::Chance(int percent) {
  return static_cast<int>(Uniform(100)) < percent;
}

Role Generator::RandomAclRole() { return Pick(AclRolePool()); }

Role Generator::RandomRuleRole() {
  size_t roll = Uniform(100);
  if (roll < 60) return RandomAclRole();
  if (roll < 88) {
    // `ghost` is never declared.
    if (Chance(10)) return MakeRole(RoleKind::kCustom, "ghost");
    return MakeRole(RoleKind::kCustom, Pick(CustomRoleNames()));
  }
  return MakeRole(RoleKind::kUser, Pick(AttributeNames()), "",
                  /*attribute=*/true);
}

Rule Generator::RandomRule() {
  Rule rule;
  rule.deny = Chance(15);
  size_t pattern_roll = Uniform(100);
  if (pattern_roll < 15) {
    rule.resource.kind = PatternKind::kAny;
  } else if (pattern_roll < 45) {
    rule.resource.kind = PatternKind::kType;
    rule.resource.text = Pick(TypePool());
  } else if (pattern_roll < 85) {
    rule.resource.kind = PatternKind::kPath;
    std::vector<std::string> all = AllValidResources();
    // Patterns are stored normalised, as the parser stores them.
    absl::StatusOr<std::string> source = RefNormalizePath(Pick(all));
    std::vector<std::string> segments = absl::StrSplit(
        source.ok() ? *source : "databases/d1", '/', absl::SkipEmpty());
    for (std::string& segment : segments) {
      if (Chance(25)) segment = "*";
    }
    if (Chance(35)) {
      size_t keep = Uniform(segments.size() + 1);
      segments.resize(keep);
      segments.push_back("**");
    }
    if (segments.size() == 1) segments.insert(segments.begin(), "databases");
    rule.resource.text = absl::StrJoin(segments, "/");
  } else {
    rule.resource.kind = PatternKind::kRegex;
    rule.resource.text = Pick(RegexPool());
  }
  static const auto* actions = new std::vector<std::string>{
      "read",  "read",  "read", "create",  "update", "delete",
      "write", "write", "*",    "execute", "archive"};
  rule.action = Pick(*actions);
  size_t role_count = 1 + Uniform(3);
  for (size_t i = 0; i < role_count; ++i) {
    Role role = RandomRuleRole();
    if (std::find(rule.roles.begin(), rule.roles.end(), role) ==
        rule.roles.end()) {
      rule.roles.push_back(std::move(role));
    }
  }
  return rule;
}

Policy Generator::RandomPolicy() {
  Policy policy;
  // Declarations only point forward in a shuffled order, so the hierarchy is
  // acyclic.
  std::vector<std::string> order = CustomRoleNames();
  std::shuffle(order.begin(), order.end(), rng_);
  size_t declarations = Uniform(5);
  for (size_t i = 0; i < declarations; ++i) {
    size_t index = Uniform(order.size());
    RoleDeclaration declaration;
    declaration.name = order[index];
    for (size_t j = index + 1; j < order.size(); ++j) {
      if (Chance(35)) declaration.parents.push_back(order[j]);
    }
    declaration.location.file = "gen.warden";
    declaration.location.line = static_cast<int>(policy.roles.size() + 1);
    policy.roles.push_back(std::move(declaration));
  }
  // Now and then a larger policy, to exercise the engine's indexes.
  size_t rules = Chance(10) ? 10 + Uniform(30) : Uniform(9);
  for (size_t i = 0; i < rules; ++i) {
    Rule rule = RandomRule();
    rule.location.file = "gen.warden";
    rule.location.line = static_cast<int>(100 + i);
    rule.location.column = 1;
    policy.rules.push_back(std::move(rule));
  }
  if (Chance(25)) {
    SecurityFlag flag;
    if (Chance(60)) {
      static const auto* collections = new std::vector<std::string>{
          "databases/d1/collections/c1", "databases/d1/collections/c2",
          "databases/d2/collections/c1"};
      flag.container = Pick(*collections);
      flag.kind = SecurityFlagKind::kDocumentSecurity;
    } else {
      flag.container = Chance(50) ? "buckets/b1" : "buckets/b2";
      flag.kind = SecurityFlagKind::kFileSecurity;
    }
    flag.location.file = "gen.warden";
    flag.location.line = 200;
    policy.flags.push_back(std::move(flag));
  }
  return policy;
}

AclData Generator::RandomAcl() {
  AclData acl;
  std::vector<std::string> candidates = ContainerPool();
  for (const std::string& leaf : LeafPool()) candidates.push_back(leaf);
  std::shuffle(candidates.begin(), candidates.end(), rng_);
  size_t count = Chance(10) ? candidates.size() : Uniform(13);
  for (size_t i = 0; i < count && i < candidates.size(); ++i) {
    ResourceAcl resource;
    resource.resource = candidates[i];
    std::string type = RefResourceType(resource.resource);
    bool leaf = RefIsLeafType(type);
    size_t entries = Uniform(6);
    for (size_t j = 0; j < entries; ++j) {
      static const auto* container_actions = new std::vector<AclAction>{
          AclAction::kRead,   AclAction::kRead,   AclAction::kCreate,
          AclAction::kUpdate, AclAction::kDelete, AclAction::kWrite};
      static const auto* leaf_actions = new std::vector<AclAction>{
          AclAction::kRead, AclAction::kRead, AclAction::kUpdate,
          AclAction::kDelete, AclAction::kWrite};
      AclEntry entry;
      entry.action = Pick(leaf ? *leaf_actions : *container_actions);
      entry.role = RandomAclRole();
      resource.entries.push_back(std::move(entry));
    }
    if (type == "collection" || type == "bucket") {
      size_t flag = Uniform(3);
      if (flag == 1) resource.security = true;
      if (flag == 2) resource.security = false;
    }
    resource.location.file = "gen.jsonl";
    resource.location.line = static_cast<int>(i + 1);
    acl.resources.push_back(std::move(resource));
  }
  if (Chance(20)) {
    Rule rule;
    rule.resource.kind = PatternKind::kPath;
    rule.resource.text = Chance(70) ? "functions/fn1" : "functions/fn2";
    rule.action = "execute";
    size_t roles = 1 + Uniform(2);
    for (size_t i = 0; i < roles; ++i) {
      Role role = RandomAclRole();
      if (std::find(rule.roles.begin(), rule.roles.end(), role) ==
          rule.roles.end()) {
        rule.roles.push_back(std::move(role));
      }
    }
    acl.rules.push_back(std::move(rule));
  }
  return acl;
}

PrincipalSpec Generator::RandomPrincipal() {
  PrincipalSpec principal;
  size_t roll = Uniform(100);
  if (roll < 15) {
    principal.kind = PrincipalKind::kGuest;
  } else if (roll < 60) {
    principal.kind = PrincipalKind::kUser;
    UserFacts& user = principal.user;
    static const auto* ids =
        new std::vector<std::string>{"u1", "u2", "u3", "U1"};
    user.id = Pick(*ids);
    user.verified = Chance(50);
    size_t teams = Uniform(3);
    for (size_t i = 0; i < teams; ++i) {
      TeamMembership team;
      team.team = Chance(60) ? "t1" : "t2";
      static const auto* memberships =
          new std::vector<std::string>{"m1", "m2", "m3"};
      team.membership = Pick(*memberships);
      for (const char* team_role : {"owner", "admin", "editor"}) {
        if (Chance(30)) team.roles.push_back(team_role);
      }
      team.confirmed = Chance(80);
      user.teams.push_back(std::move(team));
    }
    for (const char* label : {"vip", "staff", "VIP"}) {
      if (Chance(25)) user.labels.push_back(label);
    }
    for (const std::string& name : CustomRoleNames()) {
      if (Chance(15)) user.roles.push_back(name);
    }
    if (Chance(5)) user.roles.push_back("ghost");
    if (Chance(3)) {
      // Invalid facts, each breaking one character rule.
      switch (Uniform(5)) {
        case 0:
          user.id = "_u1";
          break;
        case 1:
          user.labels.push_back("a-b");
          break;
        case 2:
          user.roles.push_back("users");
          break;
        case 3:
          user.roles.push_back("-x");
          break;
        default:
          user.teams.push_back({"t1", "m9", {"bad role"}, true});
          break;
      }
    }
  } else if (roll < 80) {
    principal.kind = PrincipalKind::kRoleSet;
    size_t count = Uniform(5);
    for (size_t i = 0; i < count; ++i) {
      Role role = Chance(70)
                      ? RandomAclRole()
                      : MakeRole(RoleKind::kCustom, Pick(CustomRoleNames()));
      principal.role_set.push_back(std::move(role));
    }
    if (Chance(3)) {
      principal.role_set.push_back(
          MakeRole(RoleKind::kUser, "ownerId", "", /*attribute=*/true));
    }
  } else {
    principal.kind = PrincipalKind::kApiKey;
    static const auto* scopes = new std::vector<std::string>{
        "documents.read",    "documents.write", "collections.read",
        "collections.write", "files.read",      "files.write",
        "buckets.read",      "buckets.write",   "databases.read",
        "databases.write",   "functions.read",  "functions.write",
        "execution.read",    "execution.write", "executions.read",
        "teams.read",        "users.write",     "comments.read"};
    if (Chance(50)) principal.api_key.id = "k1";
    size_t count = Uniform(4);
    for (size_t i = 0; i < count; ++i) {
      principal.api_key.scopes.push_back(Pick(*scopes));
    }
  }
  return principal;
}

GeneratedRequest Generator::RandomRequest() {
  GeneratedRequest request;
  size_t roll = Uniform(100);
  if (roll < 85) {
    request.resource = Pick(AllValidResources());
  } else if (roll < 95) {
    // The TablesDB spelling of the same resources.
    request.resource = absl::StrReplaceAll(
        Pick(LeafPool()),
        {{"/collections/", "/tables/"}, {"/documents/", "/rows/"}});
    if (Chance(50)) {
      request.resource = absl::StrReplaceAll(request.resource,
                                             {{"/tables/", "/collections/"}});
    }
  } else {
    request.resource = Pick(InvalidResourcePool());
  }
  roll = Uniform(100);
  if (roll < 80) {
    static const auto* actions =
        new std::vector<std::string>{"read", "create", "update", "delete"};
    request.action = Pick(*actions);
  } else if (roll < 93) {
    static const auto* actions =
        new std::vector<std::string>{"execute", "archive"};
    request.action = Pick(*actions);
  } else {
    static const auto* actions =
        new std::vector<std::string>{"write", "*", "READ", "", "x-y", "1read"};
    request.action = Pick(*actions);
  }
  for (const std::string& name : AttributeNames()) {
    if (!Chance(50)) continue;
    static const auto* values =
        new std::vector<std::string>{"u1", "u2", "U1", "u3", "_bad", ""};
    request.attributes.push_back({name, Pick(*values)});
  }
  return request;
}

std::string DescribeRule(const Rule& rule) { return CanonicalRuleText(rule); }

std::string DescribePolicy(const Policy& policy) {
  std::string text;
  for (const RoleDeclaration& declaration : policy.roles) {
    absl::StrAppend(&text, "role ", declaration.name);
    if (!declaration.parents.empty()) {
      absl::StrAppend(&text, ": ", absl::StrJoin(declaration.parents, ", "));
    }
    text += "\n";
  }
  for (const SecurityFlag& flag : policy.flags) {
    if (flag.kind == SecurityFlagKind::kDocumentSecurity) {
      absl::StrAppend(&text, "collection ", flag.container,
                      " documentSecurity\n");
    } else {
      absl::StrAppend(&text, "bucket ", flag.container, " fileSecurity\n");
    }
  }
  for (const Rule& rule : policy.rules) {
    absl::StrAppend(&text, DescribeRule(rule), "\n");
  }
  return text;
}

std::string DescribeAcl(const AclData& acl) {
  std::string text;
  for (const ResourceAcl& resource : acl.resources) {
    nlohmann::json line;
    line["resource"] = resource.resource;
    nlohmann::json permissions = nlohmann::json::array();
    for (const AclEntry& entry : resource.entries) {
      static const char* kNames[] = {"read", "create", "update", "delete",
                                     "write"};
      permissions.push_back(absl::StrCat(kNames[static_cast<int>(entry.action)],
                                         "(\"", CanonicalRoleString(entry.role),
                                         "\")"));
    }
    line["permissions"] = permissions;
    if (resource.security.has_value()) {
      std::string flag = RefResourceType(resource.resource) == "bucket"
                             ? "fileSecurity"
                             : "documentSecurity";
      line[flag] = *resource.security;
    }
    absl::StrAppend(&text, line.dump(), "\n");
  }
  for (const Rule& rule : acl.rules) {
    absl::StrAppend(&text, "(execute rule) ", DescribeRule(rule), "\n");
  }
  return text;
}

std::string DescribePrincipal(const PrincipalSpec& principal) {
  nlohmann::json json;
  switch (principal.kind) {
    case PrincipalKind::kGuest:
      json["guest"] = true;
      break;
    case PrincipalKind::kUser: {
      const UserFacts& user = principal.user;
      json["user"] = user.id;
      json["verified"] = user.verified;
      nlohmann::json teams = nlohmann::json::array();
      for (const TeamMembership& team : user.teams) {
        teams.push_back({{"team", team.team},
                         {"membership", team.membership},
                         {"roles", team.roles},
                         {"confirmed", team.confirmed}});
      }
      json["teams"] = teams;
      json["labels"] = user.labels;
      json["roles"] = user.roles;
      break;
    }
    case PrincipalKind::kRoleSet: {
      nlohmann::json roles = nlohmann::json::array();
      for (const Role& role : principal.role_set) {
        roles.push_back(CanonicalRoleString(role));
      }
      json["roleSet"] = roles;
      break;
    }
    case PrincipalKind::kApiKey:
      json["apiKey"] = {{"id", principal.api_key.id},
                        {"scopes", principal.api_key.scopes}};
      break;
    case PrincipalKind::kKey:
      json["key"] = "(hidden)";
      break;
    case PrincipalKind::kJwt:
      json["jwt"] = "(hidden)";
      break;
  }
  return json.dump();
}

std::string DescribeRequest(const GeneratedRequest& request) {
  std::vector<std::string> attributes;
  for (const Attribute& attribute : request.attributes) {
    attributes.push_back(
        absl::StrCat(Quote(attribute.name), ": ", Quote(attribute.value)));
  }
  return absl::StrCat("resource ", Quote(request.resource), ", action ",
                      Quote(request.action), ", attributes {",
                      absl::StrJoin(attributes, ", "), "}");
}

}  // namespace warden::testing
