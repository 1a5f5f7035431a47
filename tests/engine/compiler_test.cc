#include "engine/compiler.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/compiled_policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/json/acl_data.h"
#include "parser/policy.h"
#include "parser/rule.h"
#include "tests/engine/engine_test_util.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::CompileLines;

Rule MakeRule(PatternKind kind, std::string text, std::string action,
              std::vector<std::string> role_strings, bool deny = false,
              int line = 0) {
  Rule rule;
  rule.deny = deny;
  rule.resource.kind = kind;
  rule.resource.text = std::move(text);
  rule.action = std::move(action);
  for (const std::string& r : role_strings) {
    auto role = ParseRole(r, RoleSyntax::kRule);
    EXPECT_TRUE(role.ok()) << r;
    if (role.ok()) rule.roles.push_back(*role);
  }
  rule.location.file = "p.warden";
  rule.location.line = line;
  return rule;
}

std::string Messages(const CompileResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics) out.push_back(d.Headline());
  return absl::StrJoin(out, "\n");
}

TEST(CompileBundle, CycleIsAnErrorNamingTheCycle) {
  Policy policy;
  policy.roles = {{"a", {"b"}, {"p.warden", 1, 1}},
                  {"b", {"c"}, {"p.warden", 2, 1}},
                  {"c", {"a"}, {"p.warden", 3, 1}}};
  CompileResult r = CompileBundle(policy, AclData{});
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.bundle.empty());
  ASSERT_EQ(r.diagnostics.size(), 1u) << Messages(r);
  EXPECT_EQ(r.diagnostics[0].location.line, 3);
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("`c -> a -> b -> c`"));
}

TEST(CompileBundle, SelfParentIsACycle) {
  Policy policy;
  policy.roles = {{"a", {"a"}, {"p.warden", 4, 1}}};
  CompileResult r = CompileBundle(policy, AclData{});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("`a -> a`"));
}

TEST(CompileBundle, WorksFromPlainStructs) {
  Policy policy;
  policy.roles = {{"editor", {"viewer"}, {}}};
  policy.rules.push_back(
      MakeRule(PatternKind::kType, "document", "read", {"role:viewer"}));
  policy.rules.push_back(
      MakeRule(PatternKind::kPath, "buckets/*", "write", {"users"}, false, 7));
  policy.flags.push_back(
      {"databases/d/collections/c", SecurityFlagKind::kDocumentSecurity, {}});
  AclData acl;
  ResourceAcl res;
  res.resource = "databases/d/collections/c/documents/x";
  auto entry = ParseAclEntry(R"(read("any"))", AclScope::kLeaf);
  ASSERT_TRUE(entry.ok());
  res.entries.push_back(*entry);
  acl.resources.push_back(res);
  CompileResult r = CompileBundle(policy, acl);
  ASSERT_TRUE(r.ok()) << Messages(r);
  auto loaded = CompiledPolicy::Load(r.bundle);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const CompiledPolicy& p = **loaded;
  EXPECT_EQ(p.resource_count(), 2u) << "flag-only container kept";
  UserFacts user;
  user.id = "u1";
  user.roles = {"editor"};
  auto rs = p.ResolveUser(user);
  ASSERT_TRUE(rs.ok());
  EXPECT_TRUE(
      p.Check(*rs, "databases/d/collections/c/documents/y", "read").allowed);
  EXPECT_TRUE(p.Check(*rs, "buckets/b", "delete").allowed);
  EXPECT_FALSE(p.Check(*rs, "buckets/b", "read").allowed);
  RoleSet guest = p.ResolveGuest();
  EXPECT_TRUE(
      p.Check(guest, "databases/d/collections/c/documents/x", "read").allowed);
  EXPECT_FALSE(
      p.Check(guest, "databases/d/collections/c/documents/y", "read").allowed);
}

TEST(CompileBundle, RejectsBadStructs) {
  Policy policy;
  policy.rules.push_back(
      MakeRule(PatternKind::kType, "document", "Read", {"any"}));
  policy.rules.push_back(MakeRule(PatternKind::kType, "document", "read", {}));
  policy.rules.push_back(
      MakeRule(PatternKind::kPath, "a/**/b", "read", {"any"}));
  policy.rules.push_back(MakeRule(PatternKind::kRegex, "(", "read", {"any"}));
  policy.flags.push_back(
      {"buckets/b1", SecurityFlagKind::kDocumentSecurity, {}});
  AclData acl;
  ResourceAcl leaf;
  leaf.resource = "buckets/b1/files/f1";
  AclEntry create;
  create.action = AclAction::kCreate;
  leaf.entries.push_back(create);
  acl.resources.push_back(leaf);
  ResourceAcl dup;
  dup.resource = "buckets/b2";
  acl.resources.push_back(dup);
  acl.resources.push_back(dup);
  ResourceAcl bad_path;
  bad_path.resource = "buckets/*";
  acl.resources.push_back(bad_path);
  CompileResult r = CompileBundle(policy, acl);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.bundle.empty());
  const std::string all = Messages(r);
  EXPECT_THAT(all, HasSubstr("invalid action `Read`"));
  EXPECT_THAT(all, HasSubstr("has no roles"));
  EXPECT_THAT(all, HasSubstr("invalid path pattern"));
  EXPECT_THAT(all, HasSubstr("invalid regular expression"));
  EXPECT_THAT(all, HasSubstr("documentSecurity belongs to a collection"));
  EXPECT_THAT(all, HasSubstr("is not allowed"));
  EXPECT_THAT(all, HasSubstr("listed more than once"));
  EXPECT_THAT(all, HasSubstr("invalid resource path"));
}

TEST(CompileBundle, EnforcesBudgets) {
  Policy policy;
  policy.rules.push_back(MakeRule(PatternKind::kAny, "", "write", {"any"}));
  CompileOptions options;
  options.max_rules = 2;
  CompileResult r = CompileBundle(policy, AclData{}, options);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Messages(r), HasSubstr("max_rules"));
  options.max_rules = 3;
  EXPECT_TRUE(CompileBundle(policy, AclData{}, options).ok());
  options.max_strings = 5;
  EXPECT_FALSE(CompileBundle(policy, AclData{}, options).ok());
}

TEST(CompileBundle, IsDeterministic) {
  const std::vector<std::string> policy = {
      "role admin: editor, viewer",
      "role editor: viewer",
      "document:write(role:editor, team:t1/owner)",
      "deny document:delete(guests)",
      R"(~"buckets/b[0-9]+":read(users))",
      "databases/*/collections/c/**:read(label:staff)",
      "collection databases/d1/collections/c1 documentSecurity"};
  const std::vector<std::string> acl = {
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"any\")", "write(\"users\")"]})j",
      R"j({"resource": "databases/d1/collections/c1/documents/x", "permissions": ["update(\"user:u1\")"]})j"};
  CompileResult a = CompileLines(policy, acl);
  CompileResult b = CompileLines(policy, acl);
  ASSERT_TRUE(a.ok()) << Messages(a);
  EXPECT_EQ(a.bundle, b.bundle);
  // A different input gives different bytes and a different hash.
  std::vector<std::string> other = policy;
  other.push_back("document:read(any)");
  CompileResult c = CompileLines(other, acl);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a.bundle, c.bundle);
  auto la = CompiledPolicy::Load(a.bundle);
  auto lc = CompiledPolicy::Load(c.bundle);
  ASSERT_TRUE(la.ok() && lc.ok());
  EXPECT_NE((*la)->content_hash(), (*lc)->content_hash());
}

TEST(CompileBundle, RuleIndexCountsAclRulesAfterPolicyRules) {
  Policy policy;
  policy.rules.push_back(
      MakeRule(PatternKind::kType, "document", "read", {"label:x"}));
  AclData acl;
  acl.rules.push_back(
      MakeRule(PatternKind::kPath, "functions/f1", "execute", {"users"}));
  CompileResult r = CompileBundle(policy, acl);
  ASSERT_TRUE(r.ok()) << Messages(r);
  auto loaded = CompiledPolicy::Load(r.bundle);
  ASSERT_TRUE(loaded.ok());
  UserFacts user;
  user.id = "u1";
  auto rs = (*loaded)->ResolveUser(user);
  ASSERT_TRUE(rs.ok());
  Decision d = (*loaded)->Check(*rs, "functions/f1", "execute");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.grant, GrantKind::kRule);
  EXPECT_EQ(d.index, 1u);
}

TEST(CompileBundle, ManyResourcesAreAllFound) {
  constexpr int kResources = 20000;
  AclData acl;
  auto read_user = ParseAclEntry(R"j(read("users"))j", AclScope::kLeaf);
  auto update_any = ParseAclEntry(R"j(update("any"))j", AclScope::kContainer);
  ASSERT_TRUE(read_user.ok() && update_any.ok());
  for (int i = 0; i < kResources; ++i) {
    ResourceAcl res;
    if (i % 2 == 0) {
      res.resource = absl::StrCat("databases/d/collections/c", i);
      res.entries = {*update_any};
      res.security = true;
    } else {
      res.resource =
          absl::StrCat("databases/d/collections/c", i - 1, "/documents/x", i);
      res.entries = {*read_user};
    }
    acl.resources.push_back(std::move(res));
  }
  CompileResult r = CompileBundle(Policy{}, acl);
  ASSERT_TRUE(r.ok()) << Messages(r);
  auto loaded = CompiledPolicy::Load(r.bundle);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const CompiledPolicy& p = **loaded;
  EXPECT_EQ(p.resource_count(), static_cast<size_t>(kResources));
  UserFacts user;
  user.id = "u1";
  auto rs = p.ResolveUser(user);
  ASSERT_TRUE(rs.ok());
  const RoleSet guest = p.ResolveGuest();
  for (int i = 1; i < kResources; i += 2) {
    const std::string doc =
        absl::StrCat("databases/d/collections/c", i - 1, "/documents/x", i);
    Decision d = p.Check(*rs, doc, "read");
    ASSERT_TRUE(d.allowed) << doc;
    ASSERT_EQ(d.index, static_cast<uint32_t>(i));
    ASSERT_FALSE(p.Check(guest, doc, "read").allowed);
    const std::string other =
        absl::StrCat("databases/d/tables/c", i - 1, "/rows/y", i);
    ASSERT_FALSE(p.Check(*rs, other, "read").allowed) << other;
    Decision update = p.Check(guest, other, "update");
    ASSERT_TRUE(update.allowed) << other;
    ASSERT_EQ(update.index, static_cast<uint32_t>(i - 1));
  }
}

TEST(CompileBundle, ParserFlagsPolicyErrors) {
  CompileResult r = CompileLines({"role a: b", "role b: c", "role c: a"});
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace warden
