// Differential target: the compiled engine (CompileBundle, Load, Resolve,
// Check) against the reference evaluator of tests/testing, which interprets
// the parsed model directly. The two must agree on `allowed` and on the
// reason, and the grant the engine names must be one that decides the check.
//
// The input (FuzzedDataProvider) picks one of two modes:
//   - text: a policy file, ACL JSON Lines and a request JSON (CLI.md), each
//     taken from the input; inputs that do not parse are skipped;
//   - generated: seeds for the random generators of tests/testing (a policy,
//     ACL data, then principals and requests).
// Seed files for the text mode are the `rule_decide` vectors, encoded as:
//   POLICY '\' '\n' ACL '\' '\n' REQUEST_JSON MODE_BYTE(0)
// with every '\' inside POLICY and ACL doubled (FuzzedDataProvider's
// ConsumeRandomLengthString).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "fuzz/fuzz_check.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "tests/testing/generators.h"
#include "tests/testing/reference_evaluator.h"

namespace warden {
namespace {

using ::warden::testing::DescribeAcl;
using ::warden::testing::DescribePolicy;
using ::warden::testing::DescribePrincipal;
using ::warden::testing::GeneratedRequest;
using ::warden::testing::Generator;
using ::warden::testing::ReferenceDecision;
using ::warden::testing::ReferenceEvaluator;
using ::warden::testing::ReferenceGrant;
using ::warden::testing::ReferenceReasonName;

struct Case {
  PrincipalSpec principal;
  GeneratedRequest request;
};

[[noreturn]] void Fail(const Policy& policy, const AclData& acl, const Case& c,
                       const std::string& what) {
  std::fprintf(stderr,
               "differential failure: %s\n--- policy ---\n%s--- acl ---\n%s"
               "--- principal ---\n%s\n--- request ---\n%s %s\n",
               what.c_str(), DescribePolicy(policy).c_str(),
               DescribeAcl(acl).c_str(), DescribePrincipal(c.principal).c_str(),
               c.request.resource.c_str(), c.request.action.c_str());
  std::abort();
}

void Compare(const Policy& policy, const AclData& acl,
             const std::vector<Case>& cases) {
  CompileResult compiled = CompileBundle(policy, acl);
  if (!compiled.ok()) return;  // refused input is not a decision
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  // A bundle the compiler made must load.
  WARDEN_FUZZ_CHECK(loaded.ok());
  const CompiledPolicy& engine = **loaded;
  ReferenceEvaluator reference(policy, acl);

  for (const Case& c : cases) {
    const ReferenceDecision expected =
        reference.Decide(c.principal, c.request.resource, c.request.action,
                         c.request.attributes);
    ReferenceDecision actual{false, Reason::kInvalidRequest};
    absl::StatusOr<RoleSet> role_set = engine.Resolve(c.principal);
    if (role_set.ok()) {
      std::vector<AttributeView> views;
      for (const Attribute& a : c.request.attributes) {
        views.push_back({a.name, a.value});
      }
      const Decision decision =
          engine.Check(*role_set, c.request.resource, c.request.action, views);
      actual = {decision.allowed, decision.reason};
      if (actual == expected) {
        const GrantInfo info = engine.GetGrantInfo(*role_set, decision);
        ReferenceGrant grant;
        grant.kind = info.kind;
        grant.file = info.file;
        grant.line = info.line;
        grant.text = info.text;
        grant.resource = info.resource;
        grant.entry = info.entry;
        grant.scope = decision.index;
        const std::string problem = reference.CheckGrant(
            c.principal, c.request.resource, c.request.action,
            c.request.attributes, expected, grant);
        if (!problem.empty()) Fail(policy, acl, c, "wrong grant: " + problem);
        if (info.kind != decision.grant) {
          Fail(policy, acl, c, "GetGrantInfo kind differs from Decision");
        }
      }
    }
    if (actual != expected) {
      Fail(policy, acl, c,
           absl::StrCat("engine ", actual.allowed ? "allow " : "deny ",
                        ReferenceReasonName(actual.reason), ", reference ",
                        expected.allowed ? "allow " : "deny ",
                        ReferenceReasonName(expected.reason)));
    }
  }
}

void RunText(FuzzedDataProvider& provider) {
  const std::string policy_text = provider.ConsumeRandomLengthString(4096);
  const std::string acl_text = provider.ConsumeRandomLengthString(4096);
  const std::string request_text = provider.ConsumeRemainingBytesAsString();
  PolicyParseResult policy = ParsePolicy(policy_text, "fuzz.warden");
  if (!policy.ok()) return;
  AclParseResult acl = ParseAclJsonLines(acl_text, "fuzz.jsonl");
  if (!acl.ok()) return;
  absl::StatusOr<RequestSpec> request = ParseRequestJson(request_text);
  if (!request.ok()) return;
  Case c;
  c.principal = request->principal;
  c.request.resource = request->resource;
  c.request.action = request->action;
  c.request.attributes = request->attributes;
  Compare(policy.policy, acl.data, {c});
}

void RunGenerated(FuzzedDataProvider& provider) {
  Generator generator(provider.ConsumeIntegral<uint64_t>());
  Policy policy = generator.RandomPolicy();
  AclData acl = generator.RandomAcl();
  std::vector<Case> cases;
  const int count = provider.ConsumeIntegralInRange<int>(1, 8);
  for (int i = 0; i < count; ++i) {
    Generator per_case(provider.ConsumeIntegral<uint64_t>());
    Case c;
    c.principal = per_case.RandomPrincipal();
    c.request = per_case.RandomRequest();
    cases.push_back(std::move(c));
  }
  Compare(policy, acl, cases);
}

}  // namespace
}  // namespace warden

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > warden::fuzz_internal::kMaxInputBytes) return -1;
  FuzzedDataProvider provider(data, size);
  if (provider.ConsumeIntegral<uint8_t>() % 2 == 0) {
    warden::RunText(provider);
  } else {
    warden::RunGenerated(provider);
  }
  return 0;
}
