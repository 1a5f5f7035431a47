// The deciding grant of Check() is exactly the one a plain scan finds: the
// lowest-index deny rule that applies and names a held role, else the
// lowest-index allow rule, else the first held ACL entry (parent container
// before leaf, lowest position first), and kRoleNotHeld versus kNoGrant
// decided by whether anything applied. The scan is Explain(), which walks
// every rule in index order without the rule indexes Check() uses; the
// inputs are random (tests/testing/generators.h), plus larger policies built
// here so that the indexes hold many refs per key.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "gtest/gtest.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "tests/testing/generators.h"

namespace warden {
namespace {

using ::warden::testing::GeneratedRequest;
using ::warden::testing::Generator;

// The decision a plain scan of Explain()'s considered grants gives, and the
// source (`rule ...` or `acl PATH#N`) of its deciding grant ("" for none).
struct Expected {
  bool allowed = false;
  Reason reason = Reason::kNoGrant;
  std::string source;
};

Expected ScanConsidered(const Explanation& ex) {
  Expected e;
  for (const ConsideredGrant& g : ex.considered) {
    if (g.deny && g.held) {
      e.reason = Reason::kDeniedByRule;
      e.source = g.source;
      return e;
    }
  }
  bool applicable = false;
  for (const ConsideredGrant& g : ex.considered) {
    if (g.deny) continue;
    applicable = true;
    if (g.held) {
      e.allowed = true;
      e.reason = g.source.rfind("acl ", 0) == 0 ? Reason::kAllowedByAcl
                                                : Reason::kAllowedByRule;
      e.source = g.source;
      return e;
    }
  }
  e.reason = applicable ? Reason::kRoleNotHeld : Reason::kNoGrant;
  return e;
}

std::string SourceOf(const CompiledPolicy& policy, const RoleSet& principal,
                     const Decision& d) {
  const GrantInfo info = policy.GetGrantInfo(principal, d);
  switch (info.kind) {
    case GrantKind::kRule:
      if (info.file.empty()) return absl::StrCat("rule #", d.index);
      return absl::StrCat("rule ", info.file, ":", info.line);
    case GrantKind::kAcl:
      return absl::StrCat("acl ", info.resource, "#", info.entry);
    default:
      return "";
  }
}

// Checks every request against the scan; returns the number of checks
// compared (valid, non-key requests).
int CompareAll(const CompiledPolicy& policy,
               const std::vector<RoleSet>& principals,
               const std::vector<GeneratedRequest>& requests) {
  int compared = 0;
  for (const RoleSet& principal : principals) {
    for (const GeneratedRequest& request : requests) {
      std::vector<AttributeView> views;
      for (const Attribute& a : request.attributes) {
        views.push_back({a.name, a.value});
      }
      const Decision d =
          policy.Check(principal, request.resource, request.action, views);
      if (d.reason == Reason::kInvalidRequest ||
          principal.kind() != RoleSet::Kind::kRoles) {
        continue;
      }
      const Explanation ex =
          policy.Explain(principal, request.resource, request.action, views);
      const Expected want = ScanConsidered(ex);
      ++compared;
      EXPECT_EQ(d.allowed, want.allowed)
          << request.resource << " " << request.action;
      EXPECT_EQ(d.reason, want.reason)
          << request.resource << " " << request.action << ": got "
          << ReasonName(d.reason) << ", want " << ReasonName(want.reason);
      EXPECT_EQ(SourceOf(policy, principal, d), want.source)
          << request.resource << " " << request.action;
      if (::testing::Test::HasFailure()) return compared;
    }
  }
  return compared;
}

TEST(CheckOrder, RandomPoliciesDecideLikeAPlainScan) {
  int compared = 0;
  for (uint64_t seed = 1; seed <= 400; ++seed) {
    Generator generator(0xC0DE0000 + seed);
    Policy policy = generator.RandomPolicy();
    AclData acl = generator.RandomAcl();
    CompileResult compiled = CompileBundle(policy, acl);
    ASSERT_TRUE(compiled.ok()) << FormatDiagnostics(compiled.diagnostics);
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        CompiledPolicy::Load(std::move(compiled.bundle));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    std::vector<RoleSet> principals;
    for (int i = 0; i < 6; ++i) {
      absl::StatusOr<RoleSet> rs =
          (*loaded)->Resolve(generator.RandomPrincipal());
      if (rs.ok()) principals.push_back(*std::move(rs));
    }
    std::vector<GeneratedRequest> requests;
    for (int i = 0; i < 25; ++i) requests.push_back(generator.RandomRequest());
    compared += CompareAll(**loaded, principals, requests);
    if (HasFailure()) {
      ADD_FAILURE() << "seed " << seed;
      return;
    }
  }
  EXPECT_GT(compared, 10000);
}

// Many rules per (type, action) and per path prefix, over many roles, with
// duplicates of the same rule under different roles: the lowest index must
// still win.
TEST(CheckOrder, LargePoliciesDecideLikeAPlainScan) {
  Generator generator(77);
  for (int round = 0; round < 4; ++round) {
    Policy policy;
    for (int i = 0; i < 300; ++i) {
      Rule rule = generator.RandomRule();
      rule.location.file = "big.warden";
      rule.location.line = i + 1;
      policy.rules.push_back(std::move(rule));
    }
    AclData acl = generator.RandomAcl();
    CompileResult compiled = CompileBundle(policy, acl);
    ASSERT_TRUE(compiled.ok()) << FormatDiagnostics(compiled.diagnostics);
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        CompiledPolicy::Load(std::move(compiled.bundle));
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    std::vector<RoleSet> principals;
    for (int i = 0; i < 20; ++i) {
      absl::StatusOr<RoleSet> rs =
          (*loaded)->Resolve(generator.RandomPrincipal());
      if (rs.ok()) principals.push_back(*std::move(rs));
    }
    std::vector<GeneratedRequest> requests;
    for (int i = 0; i < 200; ++i) requests.push_back(generator.RandomRequest());
    EXPECT_GT(CompareAll(**loaded, principals, requests), 1000);
    if (HasFailure()) return;
  }
}

// Paths of more than 62 segments take the by_path probe that hashes as it
// goes; shorter ones the per-check key array. Both find rules whose literal
// prefix is long, short or empty.
TEST(CheckOrder, PathRulesMatchShortAndVeryLongPaths) {
  std::string deep;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&deep, i ? "/" : "", "folders/f", i);
  }
  const std::string prefix = "folders/f0/folders/f1";
  PolicyParseResult parsed =
      ParsePolicy(absl::StrCat(prefix, "/**:read(users)\n", deep,
                               ":update(users)\n*/*/**:delete(users)\n"),
                  "deep.warden");
  ASSERT_TRUE(parsed.ok()) << FormatDiagnostics(parsed.diagnostics);
  CompileResult compiled = CompileBundle(parsed.policy, AclData());
  ASSERT_TRUE(compiled.ok()) << FormatDiagnostics(compiled.diagnostics);
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  absl::StatusOr<RoleSet> user =
      (*loaded)->ResolveRoles({Role{RoleKind::kUsers, "", "", false}});
  ASSERT_TRUE(user.ok());
  for (const std::string& path :
       {prefix, prefix + "/docs/d1", deep, deep + "/folders/x/docs/y"}) {
    const Decision read = (*loaded)->Check(*user, path, "read");
    EXPECT_TRUE(read.allowed) << path;
    EXPECT_EQ(read.index, 0u) << path;
    const Decision del = (*loaded)->Check(*user, path, "delete");
    EXPECT_TRUE(del.allowed) << path;
    EXPECT_EQ(del.index, 2u) << path;
    // The 80-segment literal rule matches that path only.
    EXPECT_EQ((*loaded)->Check(*user, path, "update").allowed, path == deep)
        << path;
  }
  EXPECT_FALSE(
      (*loaded)->Check(*user, "folders/f0/folders/f2", "read").allowed);
}

}  // namespace
}  // namespace warden
