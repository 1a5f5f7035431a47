#include "engine/compiled_policy.h"

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/decision.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parser/json/principal.h"
#include "parser/role.h"
#include "tests/engine/engine_test_util.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::warden::testing::BuildPolicy;
using ::warden::testing::IsOk;
using ::warden::testing::ResolveJson;

constexpr char kDoc[] = "databases/d1/collections/c1/documents/x1";
constexpr char kCollection[] = "databases/d1/collections/c1";
constexpr char kUser1[] = R"j({"user": "u1", "verified": true})j";
constexpr char kGuest[] = R"j({"guest": true})j";

// Compiles, resolves and checks; fails the test on any setup error.
struct Fixture {
  std::unique_ptr<CompiledPolicy> policy;
  RoleSet principal;
};

Fixture MakeFixture(const std::vector<std::string>& policy_lines,
                    const std::vector<std::string>& acl_lines,
                    const std::string& principal) {
  Fixture f;
  auto built = BuildPolicy(policy_lines, acl_lines);
  EXPECT_TRUE(built.ok()) << built.status();
  if (!built.ok()) return f;
  f.policy = *std::move(built);
  auto rs = ResolveJson(*f.policy, principal);
  EXPECT_TRUE(rs.ok()) << rs.status();
  if (rs.ok()) f.principal = *std::move(rs);
  return f;
}

Decision Decide(const std::vector<std::string>& policy_lines,
                const std::vector<std::string>& acl_lines,
                const std::string& principal, absl::string_view resource,
                absl::string_view action,
                std::vector<AttributeView> attributes = {}) {
  Fixture f = MakeFixture(policy_lines, acl_lines, principal);
  if (f.policy == nullptr) return Decision{};
  return f.policy->Check(f.principal, resource, action, attributes);
}

TEST(Check, DenyRuleOverridesAllow) {
  const std::vector<std::string> policy = {"document:read(any)",
                                           "deny document:read(guests)"};
  Decision d = Decide(policy, {}, kGuest, kDoc, "read");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kDeniedByRule);
  EXPECT_EQ(d.grant, GrantKind::kRule);
  EXPECT_EQ(d.index, 1u);
  d = Decide(policy, {}, kUser1, kDoc, "read");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kAllowedByRule);
  EXPECT_EQ(d.index, 0u);
}

TEST(Check, DenyRuleOverridesAcl) {
  Decision d = Decide(
      {"deny collection:read(users)"},
      {R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"any\")"]})j"},
      kUser1, kCollection, "read");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kDeniedByRule);
}

TEST(Check, HierarchyIsTransitiveAndOneWay) {
  const std::vector<std::string> policy = {
      "role admin: editor", "role editor: viewer", "document:read(role:viewer)",
      "document:update(role:editor)"};
  EXPECT_TRUE(Decide(policy, {}, R"j({"user": "u1", "roles": ["admin"]})j",
                     kDoc, "read")
                  .allowed);
  EXPECT_TRUE(Decide(policy, {}, R"j({"user": "u1", "roles": ["admin"]})j",
                     kDoc, "update")
                  .allowed);
  EXPECT_FALSE(Decide(policy, {}, R"j({"user": "u1", "roles": ["viewer"]})j",
                      kDoc, "update")
                   .allowed);
  Decision d = Decide(policy, {}, R"j({"user": "u1", "roles": ["viewer"]})j",
                      kDoc, "update");
  EXPECT_EQ(d.reason, Reason::kRoleNotHeld);
}

TEST(Check, AttributeRoles) {
  const std::vector<std::string> policy = {"document:update(user:$ownerId)"};
  EXPECT_TRUE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"ownerId", "u1"}}).allowed);
  Decision absent = Decide(policy, {}, kUser1, kDoc, "update");
  EXPECT_FALSE(absent.allowed);
  EXPECT_EQ(absent.reason, Reason::kRoleNotHeld);
  EXPECT_FALSE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"ownerId", "u2"}}).allowed);
  EXPECT_FALSE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"ownerId", "_u1"}}).allowed)
      << "an invalid user id matches nobody";
  EXPECT_FALSE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"other", "u1"}}).allowed);
  EXPECT_FALSE(
      Decide(policy, {}, kGuest, kDoc, "update", {{"ownerId", "u1"}}).allowed);
  // A role set holding `user:u1` also matches.
  EXPECT_TRUE(Decide(policy, {}, R"j({"roleSet": ["user:u1"]})j", kDoc,
                     "update", {{"ownerId", "u1"}})
                  .allowed);
}

TEST(Check, AttributeInDenyRule) {
  const std::vector<std::string> policy = {
      "document:update(users)", "deny document:update(user:$lockedBy)"};
  EXPECT_FALSE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"lockedBy", "u1"}}).allowed);
  EXPECT_TRUE(
      Decide(policy, {}, kUser1, kDoc, "update", {{"lockedBy", "u2"}}).allowed);
  EXPECT_TRUE(Decide(policy, {}, kUser1, kDoc, "update").allowed);
}

TEST(Check, PathPatterns) {
  const std::vector<std::string> star = {
      "databases/main/collections/posts/documents/*:read(any)"};
  EXPECT_TRUE(Decide(star, {}, kGuest,
                     "databases/main/collections/posts/documents/p1", "read")
                  .allowed);
  EXPECT_FALSE(
      Decide(star, {}, kGuest, "databases/main/collections/posts", "read")
          .allowed);
  const std::vector<std::string> globstar = {
      "databases/*/collections/posts/**:read(any)"};
  EXPECT_TRUE(
      Decide(globstar, {}, kGuest, "databases/x/collections/posts", "read")
          .allowed)
      << "** matches zero segments";
  EXPECT_TRUE(Decide(globstar, {}, kGuest,
                     "databases/x/collections/posts/documents/d9", "read")
                  .allowed);
  EXPECT_FALSE(Decide(globstar, {}, kGuest,
                      "databases/x/collections/postsx/documents/d9", "read")
                   .allowed);
  EXPECT_TRUE(
      Decide(globstar, {}, kGuest, "databases/x/tables/posts/rows/d9", "read")
          .allowed)
      << "request paths are normalised";
}

TEST(Check, PathPatternsWithEveryLiteralPrefixLength) {
  const std::vector<std::string> policy = {
      "*/b1/files/*:read(label:a)",            // prefix of 0 segments
      "buckets/*/files/f1:read(label:b)",      // 1
      "buckets/b1/files/*:read(label:c)",      // 3
      "buckets/b1/files/f1:read(label:d)",     // the whole path
      "buckets/b1/**:read(label:e)",           // 2, ** matches 2 more
      "buckets/b1/files/f1/**:read(label:f)",  // 4, ** matches zero
      "buckets/b2/**:read(label:g)",           // never matches
  };
  const char* letters[] = {"a", "b", "c", "d", "e", "f"};
  for (uint32_t i = 0; i < 6; ++i) {
    const std::string user = absl::StrCat(R"j({"user": "u1", "labels": [")j",
                                          letters[i], R"j("]})j");
    Decision d = Decide(policy, {}, user, "buckets/b1/files/f1", "read");
    EXPECT_TRUE(d.allowed) << letters[i];
    EXPECT_EQ(d.index, i);
  }
  Decision d = Decide(policy, {}, R"j({"user": "u1", "labels": ["g"]})j",
                      "buckets/b1/files/f1", "read");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kRoleNotHeld);
  d = Decide(policy, {}, R"j({"user": "u1", "labels": ["g"]})j",
             "buckets/b3/files/f1", "read");
  EXPECT_EQ(d.reason, Reason::kRoleNotHeld) << "rules a and b apply";
  d = Decide(policy, {}, R"j({"user": "u1", "labels": ["g"]})j",
             "buckets/b3/files/f1/versions/v1", "read");
  EXPECT_EQ(d.reason, Reason::kNoGrant);
}

TEST(Check, RegexIsAFullMatchOnTheNormalisedPath) {
  const std::vector<std::string> policy = {
      R"(~"databases/[a-z]+/collections/audit_[a-z]+/documents/.*":read(any))"};
  EXPECT_TRUE(Decide(policy, {}, kGuest,
                     "databases/main/collections/audit_log/documents/e1",
                     "read")
                  .allowed);
  EXPECT_TRUE(Decide(policy, {}, kGuest,
                     "databases/main/tables/audit_log/rows/e1", "read")
                  .allowed);
  EXPECT_FALSE(Decide(policy, {}, kGuest,
                      "databases/Main/collections/audit_log/documents/e1",
                      "read")
                   .allowed);
  EXPECT_FALSE(Decide({R"(~"audit":read(any))"}, {}, kGuest,
                      "databases/main/collections/audit", "read")
                   .allowed);
  Decision d =
      Decide({R"(~"buckets/b[0-9]":read(any))", R"(~"buckets/.*":read(users))"},
             {}, kUser1, "buckets/b1", "read");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.index, 0u);
}

TEST(Check, TypeMismatch) {
  const std::vector<std::string> policy = {"document:*(role:admin)"};
  const std::string admin = R"j({"user": "u1", "roles": ["admin"]})j";
  EXPECT_TRUE(Decide(policy, {}, admin, kDoc, "read").allowed);
  EXPECT_TRUE(Decide(policy, {}, admin, kDoc, "archive").allowed)
      << "* covers custom actions";
  Decision d = Decide(policy, {}, admin, kCollection, "read");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kNoGrant);
}

TEST(Check, WriteExpansionInRules) {
  const std::vector<std::string> policy = {"document:write(any)"};
  for (const char* action : {"create", "update", "delete"}) {
    EXPECT_TRUE(Decide(policy, {}, kGuest, kDoc, action).allowed) << action;
  }
  Decision d = Decide(policy, {}, kGuest, kDoc, "read");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kNoGrant);
}

TEST(Check, WriteExpansionInAcls) {
  const std::vector<std::string> acl = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["write(\"users\")"]})j"};
  EXPECT_TRUE(Decide({}, acl, kUser1, kDoc, "delete").allowed);
  EXPECT_TRUE(Decide({}, acl, kUser1, "databases/d1/collections/c1/documents/n",
                     "create")
                  .allowed);
  EXPECT_FALSE(Decide({}, acl, kUser1, kDoc, "read").allowed);
  // On a leaf, write is update + delete (with the flag on).
  const std::vector<std::string> leaf = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": [], "documentSecurity": true})j",
      R"j({"resource": "databases/d1/collections/c1/documents/x1", "permissions": ["write(\"users\")"]})j"};
  EXPECT_TRUE(Decide({}, leaf, kUser1, kDoc, "update").allowed);
  EXPECT_TRUE(Decide({}, leaf, kUser1, kDoc, "delete").allowed);
  EXPECT_FALSE(Decide({}, leaf, kUser1, kDoc, "read").allowed);
}

TEST(Check, AclLayeringWithoutSecurityFlag) {
  const std::vector<std::string> acl = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"users\")"], "documentSecurity": false})j",
      R"j({"resource": "databases/d1/collections/c1/documents/x1", "permissions": ["read(\"any\")"]})j"};
  Decision guest = Decide({}, acl, kGuest, kDoc, "read");
  EXPECT_FALSE(guest.allowed);
  EXPECT_EQ(guest.reason, Reason::kRoleNotHeld);
  Decision user = Decide({}, acl, kUser1, kDoc, "read");
  EXPECT_TRUE(user.allowed);
  EXPECT_EQ(user.reason, Reason::kAllowedByAcl);
  EXPECT_EQ(user.grant, GrantKind::kAcl);
  EXPECT_EQ(user.index, 0u);
  EXPECT_EQ(user.entry, 0u);
}

TEST(Check, AclLayeringWithSecurityFlag) {
  const std::vector<std::string> acl = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"users\")"], "documentSecurity": true})j",
      R"j({"resource": "databases/d1/collections/c1/documents/x1", "permissions": ["update(\"user:u2\")", "read(\"any\")"]})j"};
  Decision guest = Decide({}, acl, kGuest, kDoc, "read");
  EXPECT_TRUE(guest.allowed);
  EXPECT_EQ(guest.index, 1u) << "the document's own list";
  EXPECT_EQ(guest.entry, 1u) << "position as written";
  // Both levels grant: the container's entry is preferred.
  Decision user = Decide({}, acl, kUser1, kDoc, "read");
  EXPECT_TRUE(user.allowed);
  EXPECT_EQ(user.index, 0u);
  // The flag can come from the policy.
  const std::vector<std::string> no_flag = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": []})j",
      R"j({"resource": "databases/d1/collections/c1/documents/x1", "permissions": ["read(\"any\")"]})j"};
  EXPECT_FALSE(Decide({}, no_flag, kGuest, kDoc, "read").allowed);
  EXPECT_TRUE(
      Decide({"collection databases/d1/collections/c1 documentSecurity"},
             no_flag, kGuest, kDoc, "read")
          .allowed);
  // A flag line for a container with no ACL data still sets the flag.
  EXPECT_TRUE(
      Decide(
          {"table databases/d1/tables/c1 rowSecurity"},
          {R"j({"resource": "databases/d1/collections/c1/documents/x1", "permissions": ["read(\"any\")"]})j"},
          kGuest, kDoc, "read")
          .allowed);
}

TEST(Check, CreateIsDecidedByTheParent) {
  const std::vector<std::string> acl = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["create(\"users\")"], "documentSecurity": true})j"};
  const char* new_doc = "databases/d1/collections/c1/documents/new";
  Decision d = Decide({}, acl, kUser1, new_doc, "create");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kAllowedByAcl);
  EXPECT_FALSE(Decide({}, acl, kGuest, new_doc, "create").allowed);
  EXPECT_TRUE(
      Decide(
          {},
          {R"j({"resource": "databases/d1", "permissions": ["create(\"users\")"]})j"},
          kUser1, kCollection, "create")
          .allowed)
      << "a collection is created under its database";
  Decision top = Decide(
      {},
      {R"j({"resource": "buckets/b1", "permissions": ["create(\"users\")"]})j"},
      kUser1, "buckets/b1", "create");
  EXPECT_FALSE(top.allowed) << "a top-level resource has no parent";
  EXPECT_EQ(top.reason, Reason::kNoGrant);
  EXPECT_TRUE(
      Decide({"bucket:create(users)"}, {}, kUser1, "buckets/b2", "create")
          .allowed);
}

TEST(Check, ApiKeyScopes) {
  auto key = [](const std::string& scopes) {
    return absl::StrCat(R"j({"apiKey": {"id": "k1", "scopes": )j", scopes,
                        "}}");
  };
  Decision d = Decide({}, {}, key(R"(["documents.read"])"), kDoc, "read");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kAllowedByScope);
  EXPECT_EQ(d.grant, GrantKind::kScope);
  d = Decide({}, {}, key(R"(["files.read", "documents.write"])"), kDoc,
             "update");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.index, 1u);
  d = Decide({}, {}, key(R"(["documents.read"])"), kDoc, "update");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kScopeMissing);
  EXPECT_FALSE(Decide({}, {}, key(R"(["documents.read"])"),
                      "buckets/b1/files/f1", "read")
                   .allowed);
  EXPECT_TRUE(
      Decide({}, {}, key(R"(["execution.write"])"), "functions/f1", "execute")
          .allowed);
  EXPECT_FALSE(
      Decide({}, {}, key(R"(["execution.read"])"), "functions/f1", "execute")
          .allowed);
  EXPECT_FALSE(
      Decide({}, {}, key(R"(["documents.write"])"), kDoc, "archive").allowed);
  EXPECT_TRUE(Decide({}, {}, key(R"(["rows.read"])"),
                     "databases/d1/tables/t1/rows/r1", "read")
                  .allowed);
  EXPECT_TRUE(Decide({"deny document:read(any)"}, {},
                     key(R"(["documents.read"])"), kDoc, "read")
                  .allowed)
      << "keys never consult rules";
  EXPECT_FALSE(
      Decide({"document:read(any)"}, {}, key("[]"), kDoc, "read").allowed);
}

TEST(Check, RowsAreDocuments) {
  EXPECT_TRUE(Decide({"document:read(any)"}, {}, kGuest,
                     "databases/d1/collections/c1/rows/x1", "read")
                  .allowed);
  EXPECT_TRUE(Decide({"row:read(any)"}, {}, kGuest,
                     "databases/d1/tables/c1/rows/x1", "read")
                  .allowed);
  EXPECT_TRUE(
      Decide(
          {},
          {R"j({"resource": "databases/d1/tables/c1", "permissions": ["read(\"any\")"]})j"},
          kGuest, "databases/d1/collections/c1/rows/x1", "read")
          .allowed);
}

TEST(Check, InvalidRequests) {
  Fixture f = MakeFixture({"document:read(any)"}, {}, kGuest);
  ASSERT_NE(f.policy, nullptr);
  for (const char* action : {"write", "*", "Read", "", "re ad"}) {
    Decision d = f.policy->Check(f.principal, kDoc, action);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.reason, Reason::kInvalidRequest) << action;
    EXPECT_FALSE(CompiledPolicy::ValidateRequest(kDoc, action).ok());
  }
  for (const char* path : {"", "databases", "databases/*", "databases//x/y",
                           "Databases/d1", "databases/d1/"}) {
    Decision d = f.policy->Check(f.principal, path, "read");
    EXPECT_EQ(d.reason, Reason::kInvalidRequest) << path;
    EXPECT_FALSE(CompiledPolicy::ValidateRequest(path, "read").ok());
  }
  EXPECT_THAT(CompiledPolicy::ValidateRequest(kDoc, "read"), IsOk());
  EXPECT_EQ(f.policy->Check(RoleSet(), kDoc, "read").reason,
            Reason::kInvalidRequest);
}

TEST(Check, CustomActionsOnlyByRules) {
  EXPECT_TRUE(
      Decide({"function:execute(users)"}, {}, kUser1, "functions/f1", "execute")
          .allowed);
  EXPECT_FALSE(
      Decide({"function:execute(users)"}, {}, kUser1, "functions/f1", "read")
          .allowed);
}

TEST(Check, LowestRuleIndexDecides) {
  Decision d =
      Decide({"document:read(users)", "any:read(any)", "document:read(any)"},
             {}, kUser1, kDoc, "read");
  EXPECT_EQ(d.index, 0u);
  d = Decide({"document:read(label:x)", "any:read(any)", "document:read(any)"},
             {}, kUser1, kDoc, "read");
  EXPECT_EQ(d.index, 1u);
}

TEST(Grant, DescribesRulesAclsAndScopes) {
  Fixture f = MakeFixture(
      {"# comment", "document:read(users)"},
      {R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"team:t1\")", "write(\"any\")"]})j"},
      kUser1);
  ASSERT_NE(f.policy, nullptr);
  Decision rule = f.policy->Check(f.principal, kDoc, "read");
  GrantInfo info = f.policy->GetGrantInfo(f.principal, rule);
  EXPECT_EQ(info.kind, GrantKind::kRule);
  EXPECT_EQ(info.file, "policy.warden");
  EXPECT_EQ(info.line, 2);
  EXPECT_EQ(info.text, "document:read(users)");
  EXPECT_EQ(f.policy->DescribeGrant(f.principal, rule),
            "rule policy.warden:2 document:read(users)");
  Decision acl = f.policy->Check(f.principal, kDoc, "delete");
  ASSERT_TRUE(acl.allowed);
  info = f.policy->GetGrantInfo(f.principal, acl);
  EXPECT_EQ(info.kind, GrantKind::kAcl);
  EXPECT_EQ(info.resource, kCollection);
  EXPECT_EQ(info.entry, 1u);
  EXPECT_EQ(info.text, R"(write("any"))");
  EXPECT_EQ(f.policy->DescribeGrant(f.principal, acl),
            R"(acl databases/d1/collections/c1 #1 write("any"))");
  auto key = f.policy->ResolveApiKey({"k1", {"documents.read"}});
  ASSERT_TRUE(key.ok());
  Decision scope = f.policy->Check(*key, kDoc, "read");
  EXPECT_EQ(f.policy->DescribeGrant(*key, scope), "scope documents.read");
  Decision none = f.policy->Check(f.principal, kDoc, "archive");
  EXPECT_EQ(f.policy->DescribeGrant(f.principal, none), "");
}

TEST(Explain, ListsRolesAndConsideredGrants) {
  Fixture f = MakeFixture(
      {"document:read(team:t9)", "deny any:read(guests)"},
      {R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"users\")"]})j"},
      kUser1);
  ASSERT_NE(f.policy, nullptr);
  Explanation ex = f.policy->Explain(f.principal, kDoc, "read");
  EXPECT_TRUE(ex.decision.allowed);
  EXPECT_EQ(ex.decision.reason, Reason::kAllowedByAcl);
  EXPECT_THAT(ex.roles, ElementsAre("any", "user:u1", "user:u1/verified",
                                    "users", "users/verified"));
  ASSERT_EQ(ex.considered.size(), 3u);
  EXPECT_EQ(ex.considered[0].source, "rule policy.warden:1");
  EXPECT_EQ(ex.considered[0].role, "team:t9");
  EXPECT_FALSE(ex.considered[0].held);
  EXPECT_TRUE(ex.considered[1].deny);
  EXPECT_EQ(ex.considered[2].source, "acl databases/d1/collections/c1#0");
  EXPECT_EQ(ex.considered[2].text, R"(read("users"))");
  EXPECT_TRUE(ex.considered[2].held);
}

TEST(Resolve, UserRoleSet) {
  auto policy =
      BuildPolicy({"role editor: viewer", "document:read(role:viewer)",
                   "document:read(team:t1/owner)"});
  ASSERT_TRUE(policy.ok()) << policy.status();
  UserFacts user;
  user.id = "u1";
  user.verified = false;
  user.teams = {{"t1", "m1", {"owner"}, true}, {"t2", "m2", {"admin"}, false}};
  user.labels = {"vip"};
  user.roles = {"editor"};
  auto rs = (*policy)->ResolveUser(user);
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_THAT(rs->names(),
              ElementsAre("any", "label:vip", "member:m1", "role:editor",
                          "role:viewer", "team:t1", "team:t1/owner", "user:u1",
                          "user:u1/unverified", "users", "users/unverified"));
  EXPECT_THAT(rs->user_ids(), ElementsAre("u1"));
  // Only interned roles get ids; ids are sorted.
  EXPECT_EQ(rs->ids().size(), 6u);
  EXPECT_TRUE(std::is_sorted(rs->ids().begin(), rs->ids().end()));
  user.labels = {"not valid"};
  EXPECT_FALSE((*policy)->ResolveUser(user).ok());
  user.labels = {};
  user.roles = {"users"};
  EXPECT_FALSE((*policy)->ResolveUser(user).ok());
}

TEST(Resolve, RoleSetsAreUsedAsGiven) {
  auto policy =
      BuildPolicy({"role editor: viewer", "document:read(role:viewer)"});
  ASSERT_TRUE(policy.ok());
  auto rs =
      ResolveJson(**policy, R"j({"roleSet": ["role:editor", "role:member"]})j");
  ASSERT_TRUE(rs.ok()) << rs.status();
  EXPECT_THAT(rs->names(), ElementsAre("role:editor", "users"));
  EXPECT_FALSE((*policy)->Check(*rs, kDoc, "read").allowed)
      << "nothing closed for explicit role sets";
  Role attr;
  attr.kind = RoleKind::kUser;
  attr.id = "x";
  attr.attribute = true;
  std::vector<Role> roles = {attr};
  EXPECT_FALSE((*policy)->ResolveRoles(roles).ok());
  PrincipalSpec jwt;
  jwt.kind = PrincipalKind::kJwt;
  EXPECT_EQ((*policy)->Resolve(jwt).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Resolve, MatchesAppwritePrincipalVectors) {
  auto policy = BuildPolicy({});
  ASSERT_TRUE(policy.ok());
  std::istringstream in(
      testing::ReadSourceFile("tests/data/vectors/appwrite_extra.jsonl"));
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(v.is_discarded());
    if (v.value("kind", "") != "principal") continue;
    const nlohmann::json& facts = v["facts"];
    RoleSet rs;
    if (facts.contains("session") && !facts["session"].get<bool>()) {
      rs = (*policy)->ResolveGuest();
    } else {
      UserFacts user;
      user.id = facts["userId"].get<std::string>();
      user.verified = facts.value("emailVerification", false) ||
                      facts.value("phoneVerification", false);
      if (facts.value("anonymous", false)) user.verified = false;
      if (facts.contains("memberships")) {
        for (const auto& m : facts["memberships"]) {
          TeamMembership tm;
          tm.team = m["teamId"].get<std::string>();
          tm.membership = m["$id"].get<std::string>();
          tm.roles = m["roles"].get<std::vector<std::string>>();
          tm.confirmed = m["confirm"].get<bool>();
          user.teams.push_back(tm);
        }
      }
      if (facts.contains("labels")) {
        user.labels = facts["labels"].get<std::vector<std::string>>();
      }
      auto resolved = (*policy)->ResolveUser(user);
      ASSERT_TRUE(resolved.ok()) << resolved.status();
      rs = *std::move(resolved);
    }
    std::vector<std::string> want = v["roles"].get<std::vector<std::string>>();
    std::sort(want.begin(), want.end());
    EXPECT_EQ(rs.names(), want) << v["describe"];
    // Well-known roles are always interned.
    EXPECT_GE(rs.ids().size(), 2u);
    ++checked;
  }
  EXPECT_GE(checked, 6);
}

// Every rule_decide and request_invalid vector of rules.jsonl.
TEST(Vectors, RuleDecide) {
  std::istringstream in(
      testing::ReadSourceFile("tests/data/vectors/rules.jsonl"));
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(v.is_discarded());
    const std::string kind = v.value("kind", "");
    if (kind != "rule_decide" && kind != "request_invalid") continue;
    std::vector<std::string> policy_lines =
        v["policy"].get<std::vector<std::string>>();
    std::vector<std::string> acl_lines;
    if (v.contains("acl")) {
      for (const auto& a : v["acl"]) acl_lines.push_back(a.dump());
    }
    auto policy = BuildPolicy(policy_lines, acl_lines);
    ASSERT_TRUE(policy.ok()) << line << "\n" << policy.status();
    auto rs = ResolveJson(**policy, v["principal"].dump());
    if (kind == "request_invalid") {
      EXPECT_FALSE(rs.ok() && CompiledPolicy::ValidateRequest(
                                  v["resource"].get<std::string>(),
                                  v["action"].get<std::string>())
                                  .ok())
          << line;
      ++checked;
      continue;
    }
    ASSERT_TRUE(rs.ok()) << line << "\n" << rs.status();
    std::vector<std::string> names, values;
    std::vector<AttributeView> attrs;
    if (v.contains("attributes")) {
      for (const auto& [k, val] : v["attributes"].items()) {
        names.push_back(k);
        values.push_back(val.get<std::string>());
      }
      for (size_t i = 0; i < names.size(); ++i) {
        attrs.push_back({names[i], values[i]});
      }
    }
    Decision d = (*policy)->Check(*rs, v["resource"].get<std::string>(),
                                  v["action"].get<std::string>(), attrs);
    EXPECT_EQ(d.allowed, v["allowed"].get<bool>()) << line;
    ++checked;
  }
  EXPECT_GE(checked, 60);
}

TEST(Counts, ReportTheBundle) {
  auto policy = BuildPolicy(
      {"role a: b", "document:read(users)", "deny any:delete(guests)"},
      {R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"any\")", "write(\"users\")"]})j",
       R"j({"resource": "buckets/b1", "permissions": []})j"});
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ((*policy)->rule_count(), 2u);
  EXPECT_EQ((*policy)->resource_count(), 2u);
  EXPECT_EQ((*policy)->acl_entry_count(), 2u);
  EXPECT_EQ((*policy)->role_count(), 7u);  // 5 well-known + role:a, role:b
  EXPECT_GT((*policy)->bundle_bytes(), 0u);
  EXPECT_NE((*policy)->content_hash(), 0u);
}

}  // namespace
}  // namespace warden

namespace warden {
namespace {

TEST(ReasonName, IsStableAndDistinct) {
  EXPECT_EQ(ReasonName(Reason::kAllowedByRule), "allowed_by_rule");
  EXPECT_EQ(ReasonName(Reason::kRoleNotHeld), "role_not_held");
  EXPECT_EQ(ReasonName(Reason::kInvalidRequest), "invalid_request");
  EXPECT_EQ(ReasonName(Reason::kEvaluationError), "evaluation_error");
  std::set<std::string> names;
  for (int r = 0; r <= static_cast<int>(Reason::kEvaluationError); ++r) {
    names.insert(std::string(ReasonName(static_cast<Reason>(r))));
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(Reason::kEvaluationError) + 1);
  EXPECT_EQ(names.count("unknown"), 0u);
}

}  // namespace
}  // namespace warden
