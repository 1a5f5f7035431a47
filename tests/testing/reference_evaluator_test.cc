#include "tests/testing/reference_evaluator.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/generators.h"
#include "tests/testing/status_matchers.h"

namespace warden::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

Role R(RoleKind kind, std::string id = "", std::string dimension = "",
       bool attribute = false) {
  Role role;
  role.kind = kind;
  role.id = std::move(id);
  role.dimension = std::move(dimension);
  role.attribute = attribute;
  return role;
}

Rule MakeRule(bool deny, PatternKind kind, std::string pattern,
              std::string action, std::vector<Role> roles) {
  Rule rule;
  rule.deny = deny;
  rule.resource.kind = kind;
  rule.resource.text = std::move(pattern);
  rule.action = std::move(action);
  rule.roles = std::move(roles);
  return rule;
}

ResourceAcl MakeAcl(std::string resource, std::vector<AclEntry> entries,
                    std::optional<bool> security = std::nullopt) {
  ResourceAcl acl;
  acl.resource = std::move(resource);
  acl.entries = std::move(entries);
  acl.security = security;
  return acl;
}

AclEntry E(AclAction action, Role role) { return {action, std::move(role)}; }

const std::vector<std::string> kGuest = {"any", "guests"};
const std::vector<std::string> kUser1 = {"any", "users", "user:u1",
                                         "user:u1/verified", "users/verified"};

constexpr char kDoc[] = "databases/d1/collections/c1/documents/x1";
constexpr char kCollection[] = "databases/d1/collections/c1";

TEST(ReferenceHelpers, CanonicalRoleStrings) {
  EXPECT_EQ(CanonicalRoleString(R(RoleKind::kAny)), "any");
  EXPECT_EQ(CanonicalRoleString(R(RoleKind::kUsers, "", "verified")),
            "users/verified");
  EXPECT_EQ(CanonicalRoleString(R(RoleKind::kTeam, "t1", "owner")),
            "team:t1/owner");
  EXPECT_EQ(CanonicalRoleString(R(RoleKind::kCustom, "editor")), "role:editor");
  EXPECT_EQ(CanonicalRoleString(R(RoleKind::kUser, "ownerId", "", true)),
            "user:$ownerId");
}

TEST(ReferenceHelpers, PathsNormaliseKindsOnly) {
  ASSERT_OK_AND_ASSIGN(std::string path,
                       RefNormalizePath("databases/tables/tables/t/rows/rows"));
  EXPECT_EQ(path, "databases/tables/collections/t/documents/rows");
  EXPECT_EQ(RefResourceType(path), "document");
  EXPECT_EQ(RefParentPath(path), "databases/tables/collections/t");
  EXPECT_EQ(RefParentPath("buckets/b1"), "");
  for (const char* bad : {"", "databases", "databases/d1/", "databases/*",
                          "Databases/d1", "databases//x/y", "a b/c"}) {
    EXPECT_FALSE(RefNormalizePath(bad).ok()) << bad;
  }
  EXPECT_TRUE(RefIsRequestAction("execute"));
  EXPECT_FALSE(RefIsRequestAction("write"));
  EXPECT_FALSE(RefIsRequestAction("*"));
  EXPECT_FALSE(RefIsRequestAction("Read"));
}

TEST(ReferenceRoles, UserFactsFollowAppwrite) {
  Policy policy;
  policy.roles.push_back({"admin", {"editor"}, {}});
  policy.roles.push_back({"editor", {"viewer"}, {}});
  policy.roles.push_back({"admin", {"auditor"}, {}});  // re-declared
  UserFacts user;
  user.id = "u1";
  user.verified = true;
  user.teams.push_back({"t1", "m1", {"owner", "editor"}, true});
  user.teams.push_back({"t2", "m2", {"admin"}, false});
  user.labels = {"vip"};
  user.roles = {"admin"};
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> roles,
                       ReferenceUserRoles(policy, user));
  EXPECT_THAT(
      roles, UnorderedElementsAre("any", "users", "user:u1", "user:u1/verified",
                                  "users/verified", "team:t1", "member:m1",
                                  "team:t1/owner", "team:t1/editor",
                                  "label:vip", "role:admin", "role:editor",
                                  "role:viewer", "role:auditor"));
  user.labels = {"a-b"};
  EXPECT_FALSE(ReferenceUserRoles(policy, user).ok());
  user.labels = {};
  user.roles = {"guests"};
  EXPECT_FALSE(ReferenceUserRoles(policy, user).ok());
}

TEST(ReferenceRoles, GuestAndRoleSet) {
  PrincipalSpec guest;
  guest.kind = PrincipalKind::kGuest;
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> guest_roles,
                       ReferencePrincipalRoles({}, guest));
  EXPECT_THAT(guest_roles, ElementsAre("any", "guests"));
  PrincipalSpec set;
  set.kind = PrincipalKind::kRoleSet;
  set.role_set = {R(RoleKind::kCustom, "admin")};
  Policy policy;
  policy.roles.push_back({"admin", {"editor"}, {}});
  // Nothing is closed for an explicit role set.
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> set_roles,
                       ReferencePrincipalRoles(policy, set));
  EXPECT_THAT(set_roles, ElementsAre("role:admin"));
  set.role_set.push_back(R(RoleKind::kUser, "ownerId", "", true));
  EXPECT_FALSE(ReferencePrincipalRoles(policy, set).ok());
}

TEST(ReferenceDecide, DenyOverridesAndWriteNeverCoversRead) {
  Policy policy;
  policy.rules.push_back(MakeRule(false, PatternKind::kType, "document",
                                  "write", {R(RoleKind::kAny)}));
  policy.rules.push_back(
      MakeRule(true, PatternKind::kAny, "", "delete", {R(RoleKind::kGuests)}));
  ReferenceEvaluator evaluator(policy, {});
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "update"),
            (ReferenceDecision{true, Reason::kAllowedByRule}));
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "delete"),
            (ReferenceDecision{false, Reason::kDeniedByRule}));
  EXPECT_EQ(evaluator.DecideForRoles(kUser1, kDoc, "delete"),
            (ReferenceDecision{true, Reason::kAllowedByRule}));
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "read"),
            (ReferenceDecision{false, Reason::kNoGrant}));
  // The rule names the type `document`, not the collection.
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, kCollection, "update"),
            (ReferenceDecision{false, Reason::kNoGrant}));
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "write"),
            (ReferenceDecision{false, Reason::kInvalidRequest}));
  EXPECT_EQ(evaluator.DecideForRoles(kGuest, "databases/d1/", "read"),
            (ReferenceDecision{false, Reason::kInvalidRequest}));
}

TEST(ReferenceDecide, PathGlobsAndRegexes) {
  Policy policy;
  policy.rules.push_back(MakeRule(false, PatternKind::kPath,
                                  "databases/*/collections/c1/**", "read",
                                  {R(RoleKind::kAny)}));
  policy.rules.push_back(MakeRule(false, PatternKind::kRegex, "buckets/b[0-9]",
                                  "*", {R(RoleKind::kAny)}));
  ReferenceEvaluator evaluator(policy, {});
  EXPECT_TRUE(evaluator.DecideForRoles(kGuest, kDoc, "read").allowed);
  EXPECT_TRUE(evaluator.DecideForRoles(kGuest, kCollection, "read").allowed)
      << "`**` matches zero segments";
  EXPECT_FALSE(
      evaluator.DecideForRoles(kGuest, "databases/d1/collections/c2", "read")
          .allowed);
  EXPECT_TRUE(
      evaluator.DecideForRoles(kGuest, "databases/d1/tables/c1/rows/x", "read")
          .allowed)
      << "requests are normalised";
  EXPECT_TRUE(
      evaluator.DecideForRoles(kGuest, "buckets/b1", "archive").allowed);
  EXPECT_FALSE(
      evaluator.DecideForRoles(kGuest, "buckets/b1/files/f1", "read").allowed)
      << "regexes match the whole path";
}

TEST(ReferenceDecide, AttributeRoles) {
  Policy policy;
  policy.rules.push_back(MakeRule(false, PatternKind::kType, "document",
                                  "update", {R(RoleKind::kUsers)}));
  policy.rules.push_back(MakeRule(true, PatternKind::kType, "document",
                                  "update",
                                  {R(RoleKind::kUser, "lockedBy", "", true)}));
  policy.rules.push_back(MakeRule(false, PatternKind::kType, "document", "read",
                                  {R(RoleKind::kUser, "ownerId", "", true)}));
  ReferenceEvaluator evaluator(policy, {});
  EXPECT_EQ(
      evaluator.DecideForRoles(kUser1, kDoc, "update", {{"lockedBy", "u1"}}),
      (ReferenceDecision{false, Reason::kDeniedByRule}));
  EXPECT_TRUE(
      evaluator.DecideForRoles(kUser1, kDoc, "update", {{"lockedBy", "u2"}})
          .allowed);
  EXPECT_TRUE(evaluator.DecideForRoles(kUser1, kDoc, "update").allowed);
  EXPECT_EQ(evaluator.DecideForRoles(kUser1, kDoc, "read", {{"ownerId", "u1"}}),
            (ReferenceDecision{true, Reason::kAllowedByRule}));
  EXPECT_EQ(evaluator.DecideForRoles(kUser1, kDoc, "read"),
            (ReferenceDecision{false, Reason::kRoleNotHeld}));
  EXPECT_FALSE(
      evaluator.DecideForRoles(kUser1, kDoc, "read", {{"ownerId", "_u1"}})
          .allowed);
}

TEST(ReferenceDecide, AclLayering) {
  AclData acl;
  acl.resources.push_back(
      MakeAcl(kCollection,
              {E(AclAction::kRead, R(RoleKind::kUsers)),
               E(AclAction::kWrite, R(RoleKind::kUser, "u1"))},
              false));
  acl.resources.push_back(
      MakeAcl(kDoc, {E(AclAction::kRead, R(RoleKind::kAny)),
                     E(AclAction::kWrite, R(RoleKind::kGuests))}));
  {
    ReferenceEvaluator evaluator({}, acl);
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "read"),
              (ReferenceDecision{false, Reason::kRoleNotHeld}))
        << "document ACL ignored without the flag";
    EXPECT_EQ(evaluator.DecideForRoles(kUser1, kDoc, "read"),
              (ReferenceDecision{true, Reason::kAllowedByAcl}));
    EXPECT_TRUE(evaluator
                    .DecideForRoles(kUser1,
                                    "databases/d1/collections/c1/documents/n",
                                    "create")
                    .allowed)
        << "collection write covers create";
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "update"),
              (ReferenceDecision{false, Reason::kRoleNotHeld}));
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "archive"),
              (ReferenceDecision{false, Reason::kNoGrant}));
  }
  Policy flagged;
  SecurityFlag flag;
  flag.container = kCollection;
  flag.kind = SecurityFlagKind::kDocumentSecurity;
  flagged.flags.push_back(flag);
  {
    ReferenceEvaluator evaluator(flagged, acl);
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "read"),
              (ReferenceDecision{true, Reason::kAllowedByAcl}));
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, kDoc, "delete"),
              (ReferenceDecision{true, Reason::kAllowedByAcl}));
    // A document's `write` never covers creating a child.
    EXPECT_EQ(evaluator.DecideForRoles(kGuest, std::string(kDoc) + "/sub/s1",
                                       "create"),
              (ReferenceDecision{false, Reason::kNoGrant}));
    // Top-level create has no parent to consult.
    EXPECT_EQ(evaluator.DecideForRoles(kUser1, "databases/d9", "create"),
              (ReferenceDecision{false, Reason::kNoGrant}));
  }
}

TEST(ReferenceDecide, ApiKeysUseScopesOnly) {
  Policy policy;
  policy.rules.push_back(
      MakeRule(true, PatternKind::kAny, "", "*", {R(RoleKind::kAny)}));
  ReferenceEvaluator evaluator(policy, {});
  ApiKeyFacts key;
  key.scopes = {"documents.read", "execution.write", "buckets.write"};
  EXPECT_EQ(evaluator.DecideForApiKey(key, kDoc, "read"),
            (ReferenceDecision{true, Reason::kAllowedByScope}));
  EXPECT_EQ(evaluator.DecideForApiKey(key, kDoc, "update"),
            (ReferenceDecision{false, Reason::kScopeMissing}));
  EXPECT_TRUE(
      evaluator.DecideForApiKey(key, "functions/f1", "execute").allowed);
  EXPECT_TRUE(
      evaluator.DecideForApiKey(key, "executions/e1", "create").allowed);
  EXPECT_TRUE(evaluator.DecideForApiKey(key, "buckets/b1", "delete").allowed);
  EXPECT_FALSE(evaluator.DecideForApiKey(key, "buckets/b1", "read").allowed);
  EXPECT_FALSE(evaluator.DecideForApiKey(key, kDoc, "archive").allowed);
  EXPECT_EQ(evaluator.DecideForApiKey(key, kDoc, "*"),
            (ReferenceDecision{false, Reason::kInvalidRequest}));
}

TEST(ReferenceDecide, CheckGrantAcceptsOnlyDecidingGrants) {
  Policy policy;
  policy.rules.push_back(MakeRule(false, PatternKind::kType, "document", "read",
                                  {R(RoleKind::kUsers)}));
  policy.rules.back().location = {"p.warden", 3, 1};
  AclData acl;
  acl.resources.push_back(
      MakeAcl(kCollection, {E(AclAction::kRead, R(RoleKind::kGuests)),
                            E(AclAction::kWrite, R(RoleKind::kAny))}));
  ReferenceEvaluator evaluator(policy, acl);
  PrincipalSpec user;
  user.kind = PrincipalKind::kUser;
  user.user.id = "u1";
  ReferenceDecision by_rule = evaluator.Decide(user, kDoc, "read");
  ASSERT_EQ(by_rule, (ReferenceDecision{true, Reason::kAllowedByRule}));
  ReferenceGrant rule;
  rule.kind = GrantKind::kRule;
  rule.file = "p.warden";
  rule.line = 3;
  EXPECT_EQ(evaluator.CheckGrant(user, kDoc, "read", {}, by_rule, rule), "");
  rule.line = 4;
  EXPECT_NE(evaluator.CheckGrant(user, kDoc, "read", {}, by_rule, rule), "");

  PrincipalSpec guest;
  guest.kind = PrincipalKind::kGuest;
  ReferenceDecision by_acl = evaluator.Decide(guest, kCollection, "delete");
  ASSERT_EQ(by_acl, (ReferenceDecision{true, Reason::kAllowedByAcl}));
  ReferenceGrant entry;
  entry.kind = GrantKind::kAcl;
  entry.resource = kCollection;
  entry.entry = 1;
  EXPECT_EQ(
      evaluator.CheckGrant(guest, kCollection, "delete", {}, by_acl, entry),
      "");
  entry.entry = 0;  // read("guests") does not cover delete
  EXPECT_NE(
      evaluator.CheckGrant(guest, kCollection, "delete", {}, by_acl, entry),
      "");
  entry.kind = GrantKind::kNone;
  EXPECT_NE(
      evaluator.CheckGrant(guest, kCollection, "delete", {}, by_acl, entry),
      "");
}

TEST(ReferenceDecide, UnverifiedCredentialsAreInvalid) {
  ReferenceEvaluator evaluator({}, {});
  PrincipalSpec key;
  key.kind = PrincipalKind::kKey;
  EXPECT_EQ(evaluator.Decide(key, kDoc, "read"),
            (ReferenceDecision{false, Reason::kInvalidRequest}));
  PrincipalSpec api_key;
  api_key.kind = PrincipalKind::kApiKey;
  api_key.api_key.scopes = {"documents.readx"};
  EXPECT_EQ(evaluator.Decide(api_key, kDoc, "read"),
            (ReferenceDecision{false, Reason::kInvalidRequest}));
}

TEST(Generators, SameSeedSameInputs) {
  Generator a(42);
  Generator b(42);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(DescribePolicy(a.RandomPolicy()),
              DescribePolicy(b.RandomPolicy()));
    EXPECT_EQ(DescribeAcl(a.RandomAcl()), DescribeAcl(b.RandomAcl()));
    EXPECT_EQ(DescribePrincipal(a.RandomPrincipal()),
              DescribePrincipal(b.RandomPrincipal()));
    EXPECT_EQ(DescribeRequest(a.RandomRequest()),
              DescribeRequest(b.RandomRequest()));
  }
}

TEST(Generators, RequestsOftenHitGrants) {
  // The pools are small so that a good share of checks is allowed and a good
  // share is denied with a grant present.
  Generator generator(7);
  int allowed = 0;
  int role_not_held = 0;
  int denied_by_rule = 0;
  for (int p = 0; p < 200; ++p) {
    ReferenceEvaluator evaluator(generator.RandomPolicy(),
                                 generator.RandomAcl());
    for (int r = 0; r < 20; ++r) {
      PrincipalSpec principal = generator.RandomPrincipal();
      GeneratedRequest request = generator.RandomRequest();
      ReferenceDecision decision = evaluator.Decide(
          principal, request.resource, request.action, request.attributes);
      allowed += decision.allowed;
      role_not_held += decision.reason == Reason::kRoleNotHeld;
      denied_by_rule += decision.reason == Reason::kDeniedByRule;
    }
  }
  EXPECT_GT(allowed, 200);
  EXPECT_GT(role_not_held, 200);
  EXPECT_GT(denied_by_rule, 20);
}

}  // namespace
}  // namespace warden::testing
