// Differential test: random policies, ACL data, principals and requests go
// through the compiled engine (compile, load, resolve, check) and through
// the reference evaluator (tests/testing/reference_evaluator.h); the two must
// agree on `allowed` and on the reason of every decision, and on every
// principal's role set.
//
// For every check on which they agree, the grant the engine names as the
// deciding one (GetGrantInfo) must be a rule, ACL entry or scope that really
// applies and names a held role.
//
// WARDEN_DIFFERENTIAL_CASES sets the number of checks (default 100,000);
// WARDEN_DIFFERENTIAL_SEED the base seed (default below). Each policy has its
// own seed (base + index), printed with every disagreement, so a failure can
// be replayed alone: WARDEN_DIFFERENTIAL_SEED=<policy seed>
// WARDEN_DIFFERENTIAL_CASES=50 runs exactly that policy and its 50 requests.
// A disagreement is also shrunk (statements, ACL lines and entries dropped
// while the disagreement remains) and the small case is printed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/action.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/resource.h"
#include "parser/role.h"
#include "tests/testing/generators.h"
#include "tests/testing/reference_evaluator.h"

namespace warden {
namespace {

using ::warden::testing::DescribeAcl;
using ::warden::testing::DescribePolicy;
using ::warden::testing::DescribePrincipal;
using ::warden::testing::DescribeRequest;
using ::warden::testing::GeneratedRequest;
using ::warden::testing::Generator;
using ::warden::testing::ReferenceDecision;
using ::warden::testing::ReferenceEvaluator;
using ::warden::testing::ReferenceGrant;
using ::warden::testing::ReferencePrincipalRoles;
using ::warden::testing::ReferenceReasonName;
using ::warden::testing::ReferenceValidateApiKey;

constexpr uint64_t kDefaultBaseSeed = 0x5741524445'4e01;  // fixed
constexpr int kRequestsPerPolicy = 50;
constexpr int kPrincipalsPerPolicy = 8;
constexpr int kMaxReported = 10;
// Disagreements that are shrunk before being reported (shrinking recompiles).
constexpr int kMaxShrunk = 5;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  if (text == nullptr || !absl::SimpleAtoi(text, &value)) return fallback;
  return value;
}

struct Principal {
  PrincipalSpec spec;
  bool engine_ok = false;
  RoleSet role_set;
};

class Disagreements {
 public:
  void Add(std::string report) {
    ++count_;
    if (reports_.size() < kMaxReported) reports_.push_back(std::move(report));
  }
  int count() const { return count_; }
  std::string Summary() const {
    return absl::StrCat(count_, " disagreement(s); the first ", reports_.size(),
                        ":\n\n", absl::StrJoin(reports_, "\n\n"));
  }

 private:
  int count_ = 0;
  std::vector<std::string> reports_;
};

std::string CaseHeader(uint64_t seed, const Policy& policy,
                       const AclData& acl) {
  return absl::StrCat("policy seed ", seed, "\n--- policy ---\n",
                      DescribePolicy(policy), "--- acl ---\n",
                      DescribeAcl(acl));
}

// What the engine decides for one case, or why it could not decide.
struct EngineOutcome {
  bool ok = false;
  std::string error;  // when !ok: compile or load failure
  ReferenceDecision decision;
};

EngineOutcome RunEngine(const Policy& policy, const AclData& acl,
                        const PrincipalSpec& principal,
                        const GeneratedRequest& request) {
  EngineOutcome outcome;
  CompileResult compiled = CompileBundle(policy, acl);
  if (!compiled.ok()) {
    outcome.error = absl::StrCat("compile failed: ",
                                 FormatDiagnostics(compiled.diagnostics));
    return outcome;
  }
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  if (!loaded.ok()) {
    outcome.error = absl::StrCat("load failed: ", loaded.status().ToString());
    return outcome;
  }
  outcome.ok = true;
  absl::StatusOr<RoleSet> role_set = (*loaded)->Resolve(principal);
  if (!role_set.ok()) {
    outcome.decision = {false, Reason::kInvalidRequest};
    return outcome;
  }
  std::vector<AttributeView> views;
  for (const Attribute& a : request.attributes) {
    views.push_back({a.name, a.value});
  }
  Decision decision =
      (*loaded)->Check(*role_set, request.resource, request.action, views);
  outcome.decision = {decision.allowed, decision.reason};
  return outcome;
}

bool Disagrees(const Policy& policy, const AclData& acl,
               const PrincipalSpec& principal,
               const GeneratedRequest& request) {
  EngineOutcome engine = RunEngine(policy, acl, principal, request);
  if (!engine.ok) return true;
  ReferenceEvaluator reference(policy, acl);
  return engine.decision != reference.Decide(principal, request.resource,
                                             request.action,
                                             request.attributes);
}

// Greedy shrinking: drops statements, ACL lines and ACL entries one at a time
// for as long as the engine and the reference still disagree, so that the
// report shows a (locally) minimal case.
template <typename T, typename Pred>
bool ShrinkVector(std::vector<T>* items, const Pred& still_fails) {
  bool progress = false;
  for (size_t i = 0; i < items->size();) {
    T removed = (*items)[i];
    items->erase(items->begin() + static_cast<std::ptrdiff_t>(i));
    if (still_fails()) {
      progress = true;
    } else {
      items->insert(items->begin() + static_cast<std::ptrdiff_t>(i),
                    std::move(removed));
      ++i;
    }
  }
  return progress;
}

void Shrink(Policy* policy, AclData* acl, const PrincipalSpec& principal,
            const GeneratedRequest& request) {
  auto still_fails = [&] {
    return Disagrees(*policy, *acl, principal, request);
  };
  bool progress = true;
  for (int round = 0; progress && round < 10; ++round) {
    progress = false;
    progress |= ShrinkVector(&policy->rules, still_fails);
    progress |= ShrinkVector(&policy->flags, still_fails);
    progress |= ShrinkVector(&policy->roles, still_fails);
    progress |= ShrinkVector(&acl->rules, still_fails);
    progress |= ShrinkVector(&acl->resources, still_fails);
    for (ResourceAcl& resource : acl->resources) {
      progress |= ShrinkVector(&resource.entries, still_fails);
    }
  }
}

TEST(Differential, EngineAgreesWithReferenceEvaluator) {
  const uint64_t cases = EnvNumber("WARDEN_DIFFERENTIAL_CASES", 100000);
  const uint64_t base_seed =
      EnvNumber("WARDEN_DIFFERENTIAL_SEED", kDefaultBaseSeed);
  const uint64_t policies =
      (cases + kRequestsPerPolicy - 1) / kRequestsPerPolicy;

  Disagreements disagreements;
  uint64_t checked = 0;
  uint64_t allowed = 0;
  std::map<std::string, uint64_t> reasons;
  for (uint64_t p = 0; p < policies; ++p) {
    const uint64_t seed = base_seed + p;
    Generator generator(seed);
    Policy policy = generator.RandomPolicy();
    AclData acl = generator.RandomAcl();

    CompileResult compiled = CompileBundle(policy, acl);
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        compiled.ok() ? CompiledPolicy::Load(std::move(compiled.bundle))
                      : absl::InvalidArgumentError("not compiled");
    if (!loaded.ok()) {
      // Every generated input is valid: the engine must take it.
      const GeneratedRequest any_request = {"buckets/b1", "read", {}};
      Policy small_policy = policy;
      AclData small_acl = acl;
      if (disagreements.count() < kMaxShrunk) {
        Shrink(&small_policy, &small_acl, PrincipalSpec{}, any_request);
      }
      EngineOutcome small =
          RunEngine(small_policy, small_acl, PrincipalSpec{}, any_request);
      disagreements.Add(absl::StrCat(
          CaseHeader(seed, policy, acl), "--- the engine refused it: ",
          FormatDiagnostics(compiled.diagnostics), loaded.status().ToString(),
          "\n--- shrunk to ---\n", DescribePolicy(small_policy),
          "--- acl ---\n", DescribeAcl(small_acl), small.error));
      checked += kRequestsPerPolicy;  // counted as checked, and failed
      continue;
    }
    const CompiledPolicy& engine = **loaded;
    ReferenceEvaluator reference(policy, acl);

    std::vector<Principal> principals(kPrincipalsPerPolicy);
    for (Principal& principal : principals) {
      principal.spec = generator.RandomPrincipal();
      absl::StatusOr<RoleSet> role_set = engine.Resolve(principal.spec);
      principal.engine_ok = role_set.ok();
      if (role_set.ok()) principal.role_set = *std::move(role_set);

      bool reference_ok;
      std::vector<std::string> reference_roles;
      if (principal.spec.kind == PrincipalKind::kApiKey) {
        reference_ok = ReferenceValidateApiKey(principal.spec.api_key).ok();
      } else {
        absl::StatusOr<std::vector<std::string>> roles =
            ReferencePrincipalRoles(policy, principal.spec);
        reference_ok = roles.ok();
        if (roles.ok()) reference_roles = *std::move(roles);
      }
      if (reference_ok != principal.engine_ok) {
        disagreements.Add(absl::StrCat(
            CaseHeader(seed, policy, acl), "--- principal ---\n",
            DescribePrincipal(principal.spec), "\nengine resolve: ",
            principal.engine_ok ? "ok" : role_set.status().ToString(),
            "\nreference: ", reference_ok ? "ok" : "invalid"));
      } else if (reference_ok &&
                 principal.spec.kind != PrincipalKind::kApiKey &&
                 principal.role_set.names() != reference_roles) {
        disagreements.Add(absl::StrCat(
            CaseHeader(seed, policy, acl), "--- principal ---\n",
            DescribePrincipal(principal.spec),
            "\nengine roles: ", absl::StrJoin(principal.role_set.names(), ", "),
            "\nreference roles: ", absl::StrJoin(reference_roles, ", ")));
      }
    }

    for (int r = 0; r < kRequestsPerPolicy && checked < cases; ++r) {
      const Principal& principal =
          principals[generator.rng()() % principals.size()];
      GeneratedRequest request = generator.RandomRequest();
      std::vector<AttributeView> views;
      for (const Attribute& a : request.attributes) {
        views.push_back({a.name, a.value});
      }
      ++checked;

      ReferenceDecision expected = reference.Decide(
          principal.spec, request.resource, request.action, request.attributes);
      ReferenceDecision actual{false, Reason::kInvalidRequest};
      std::string grant_problem;
      if (principal.engine_ok) {
        Decision decision = engine.Check(principal.role_set, request.resource,
                                         request.action, views);
        actual = {decision.allowed, decision.reason};
        if (actual == expected) {
          // The grant the engine names must be one that decides this check.
          GrantInfo info = engine.GetGrantInfo(principal.role_set, decision);
          ReferenceGrant grant;
          grant.kind = info.kind;
          grant.file = info.file;
          grant.line = info.line;
          grant.text = info.text;
          grant.resource = info.resource;
          grant.entry = info.entry;
          grant.scope = decision.index;
          grant_problem = reference.CheckGrant(
              principal.spec, request.resource, request.action,
              request.attributes, expected, grant);
          if (grant_problem.empty() && info.kind != decision.grant) {
            grant_problem = "GetGrantInfo kind differs from Decision::grant";
          }
        }
      }
      if (!grant_problem.empty()) {
        disagreements.Add(absl::StrCat(
            "request ", r, " of ", CaseHeader(seed, policy, acl),
            "--- principal ---\n", DescribePrincipal(principal.spec),
            "\n--- request ---\n", DescribeRequest(request), "\ndecision:  ",
            ToString(actual), "\nwrong grant: ", grant_problem));
      }
      allowed += expected.allowed;
      ++reasons[ReferenceReasonName(expected.reason)];
      if (actual != expected) {
        std::string report = absl::StrCat(
            "request ", r, " of ", CaseHeader(seed, policy, acl),
            "--- principal ---\n", DescribePrincipal(principal.spec),
            "\n--- request ---\n", DescribeRequest(request),
            "\nengine:    ", ToString(actual),
            "\nreference: ", ToString(expected));
        if (disagreements.count() < kMaxShrunk) {
          Policy small_policy = policy;
          AclData small_acl = acl;
          Shrink(&small_policy, &small_acl, principal.spec, request);
          ReferenceEvaluator small_reference(small_policy, small_acl);
          EngineOutcome small =
              RunEngine(small_policy, small_acl, principal.spec, request);
          absl::StrAppend(
              &report, "\n--- shrunk to ---\n", DescribePolicy(small_policy),
              "--- acl ---\n", DescribeAcl(small_acl),
              "engine:    ", small.ok ? ToString(small.decision) : small.error,
              "\nreference: ",
              ToString(small_reference.Decide(principal.spec, request.resource,
                                              request.action,
                                              request.attributes)));
        }
        disagreements.Add(std::move(report));
      }
    }
  }

  EXPECT_EQ(disagreements.count(), 0)
      << "base seed " << base_seed << ", " << checked << " checks\n"
      << disagreements.Summary();
  EXPECT_EQ(checked, cases);
  // The generator must keep producing interesting cases: a fair share of
  // allows, and every reason a check without a key store can give.
  EXPECT_GT(allowed, checked / 50);
  std::string histogram;
  for (const auto& [name, count] : reasons) {
    absl::StrAppend(&histogram, " ", name, "=", count);
  }
  std::cout << checked << " checks:" << histogram << "\n";
  if (checked >= 10000) {
    for (const char* reason :
         {"allowed_by_rule", "allowed_by_acl", "allowed_by_scope",
          "denied_by_rule", "no_grant", "role_not_held", "scope_missing",
          "invalid_request"}) {
      EXPECT_GT(reasons[reason], checked / 1000) << reason << ";" << histogram;
    }
  }
}

// The generated structures are what the parsers would produce from their own
// printing: the policy text parses back to the same statements, and the ACL
// lines parse back to the same lists. This keeps the differential test honest
// (it only feeds the engine inputs that the parsers accept).
TEST(Differential, GeneratedInputsAreValidText) {
  Generator generator(kDefaultBaseSeed ^ 0x9e3779b97f4a7c15ULL);
  for (int i = 0; i < 300; ++i) {
    Policy policy = generator.RandomPolicy();
    std::string text = DescribePolicy(policy);
    PolicyParseResult parsed = ParsePolicy(text, "gen.warden");
    ASSERT_TRUE(parsed.ok()) << text << FormatDiagnostics(parsed.diagnostics);
    ASSERT_EQ(parsed.policy.rules.size(), policy.rules.size()) << text;
    for (size_t r = 0; r < policy.rules.size(); ++r) {
      EXPECT_TRUE(parsed.policy.rules[r].SameValue(policy.rules[r]))
          << text << "rule " << r << " parsed as "
          << warden::testing::DescribeRule(parsed.policy.rules[r]);
    }
    ASSERT_EQ(parsed.policy.flags.size(), policy.flags.size()) << text;
    for (size_t f = 0; f < policy.flags.size(); ++f) {
      EXPECT_EQ(parsed.policy.flags[f].container, policy.flags[f].container);
    }

    AclData acl = generator.RandomAcl();
    acl.rules.clear();  // execute rules have no JSON Lines form
    std::string lines = DescribeAcl(acl);
    AclParseResult acl_parsed = ParseAclJsonLines(lines, "gen.jsonl");
    ASSERT_TRUE(acl_parsed.ok())
        << lines << FormatDiagnostics(acl_parsed.diagnostics);
    ASSERT_EQ(acl_parsed.data.resources.size(), acl.resources.size());
    for (size_t a = 0; a < acl.resources.size(); ++a) {
      EXPECT_EQ(acl_parsed.data.resources[a].resource,
                acl.resources[a].resource);
      EXPECT_EQ(acl_parsed.data.resources[a].entries, acl.resources[a].entries)
          << lines;
      EXPECT_EQ(acl_parsed.data.resources[a].security,
                acl.resources[a].security)
          << lines;
    }
  }
}

// The parser's path and character-rule helpers agree with the reference's
// own versions on strings built from pieces near the edges of each rule, and
// the engine's request validation agrees with both.
TEST(Differential, PathAndNameHelpersAgreeWithReference) {
  std::mt19937_64 rng(kDefaultBaseSeed ^ 0x51ed2701ULL);
  const std::vector<std::string> pieces = {"databases",
                                           "tables",
                                           "rows",
                                           "documents",
                                           "d1",
                                           "x",
                                           "*",
                                           "",
                                           "A",
                                           "a b",
                                           "_x",
                                           "-x",
                                           ".x",
                                           "x.y",
                                           "7a",
                                           "s",
                                           "\xc3\xa9",
                                           "read",
                                           "write",
                                           std::string(64, 'k'),
                                           std::string(65, 'k'),
                                           std::string(36, 'i'),
                                           std::string(37, 'i'),
                                           std::string(81, 't'),
                                           std::string(82, 't'),
                                           "users",
                                           "any",
                                           "guest"};
  auto pick = [&] { return pieces[rng() % pieces.size()]; };
  int mismatches = 0;
  for (int i = 0; i < 20000 && mismatches < 10; ++i) {
    std::vector<std::string> segments(rng() % 7);
    for (std::string& segment : segments) segment = pick();
    std::string path = absl::StrJoin(segments, "/");
    if (rng() % 10 == 0) path += "/";

    absl::StatusOr<std::string> expected =
        warden::testing::RefNormalizePath(path);
    absl::StatusOr<std::string> actual = NormalizeResourcePath(path);
    bool valid = ValidateResourcePath(path).ok();
    bool request_ok = CompiledPolicy::ValidateRequest(path, "read").ok();
    if (expected.ok() != actual.ok() || expected.ok() != valid ||
        expected.ok() != request_ok ||
        (expected.ok() && *expected != *actual)) {
      ++mismatches;
      ADD_FAILURE() << "path `" << path << "`: reference "
                    << (expected.ok() ? *expected : "invalid") << ", parser "
                    << (actual.ok() ? *actual : actual.status().ToString())
                    << ", ValidateResourcePath " << valid
                    << ", ValidateRequest " << request_ok;
    }
    if (expected.ok() && actual.ok()) {
      EXPECT_EQ(warden::testing::RefResourceType(*expected),
                std::string(ResourceType(*actual)))
          << path;
      EXPECT_EQ(warden::testing::RefParentPath(*expected),
                std::string(ParentPath(*actual)))
          << path;
    }

    std::string name = rng() % 2 == 0 ? pick() : pick() + pick();
    EXPECT_EQ(warden::testing::RefIsValidId(name), IsValidId(name)) << name;
    EXPECT_EQ(warden::testing::RefIsValidLabel(name), IsValidLabel(name))
        << name;
    EXPECT_EQ(warden::testing::RefIsValidTeamRole(name), IsValidTeamRole(name))
        << name;
    EXPECT_EQ(warden::testing::RefIsValidCustomRoleName(name),
              IsValidCustomRoleName(name))
        << name;
    EXPECT_EQ(warden::testing::RefIsRequestAction(name), IsRequestAction(name))
        << name;
    EXPECT_EQ(warden::testing::RefIsRequestAction(name),
              CompiledPolicy::ValidateRequest("buckets/b1", name).ok())
        << name;
  }
}

}  // namespace
}  // namespace warden
