// Warden's C++ API in one file: parse a policy and ACL data, compile them to
// a bundle, load it, and check requests. Built as `warden_api_example` and run
// by ctest, which fails if any decision below differs from the expected one.
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"

namespace {

constexpr absl::string_view kPolicy = R"(# A small shop.
role editor: viewer
document:read(role:viewer)
databases/shop/collections/orders/documents/*:delete(user:$ownerId)
deny any:*(label:suspended)
)";

constexpr absl::string_view kAcl =
    R"json({"resource": "databases/shop/collections/orders", "permissions": ["create(\"users\")", "read(\"team:staff\")"], "documentSecurity": true}
{"resource": "databases/shop/collections/orders/documents/o1", "permissions": ["read(\"user:alice\")"]}
)json";

}  // namespace

int main() {
  // 1. Parse. Errors and warnings come back as diagnostics with file:line:col.
  warden::PolicyParseResult policy =
      warden::ParsePolicy(kPolicy, "shop.warden");
  warden::AclParseResult acl = warden::ParseAclJsonLines(kAcl, "acl.jsonl");
  if (!policy.ok() || !acl.ok()) {
    std::fprintf(stderr, "%s\n%s\n",
                 warden::FormatDiagnostics(policy.diagnostics).c_str(),
                 warden::FormatDiagnostics(acl.diagnostics).c_str());
    return 1;
  }

  // 2. Compile to a bundle (bytes you may also write to a file), then load it.
  warden::CompileResult compiled =
      warden::CompileBundle(policy.policy, acl.data);
  if (!compiled.ok()) {
    std::fprintf(stderr, "%s\n",
                 warden::FormatDiagnostics(compiled.diagnostics).c_str());
    return 1;
  }
  absl::StatusOr<std::unique_ptr<warden::CompiledPolicy>> loaded =
      warden::CompiledPolicy::Load(std::move(compiled.bundle));
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n",
                 std::string(loaded.status().message()).c_str());
    return 1;
  }
  const warden::CompiledPolicy& engine = **loaded;

  // 3. Resolve a principal once; reuse its RoleSet for many checks.
  warden::UserFacts alice;
  alice.id = "alice";
  alice.verified = true;
  absl::StatusOr<warden::RoleSet> roles = engine.ResolveUser(alice);
  if (!roles.ok()) {
    std::fprintf(stderr, "%s\n", std::string(roles.status().message()).c_str());
    return 1;
  }

  // 4. Check. A Decision is a small value: allowed, the reason, the grant.
  struct Case {
    const char* resource;
    const char* action;
    const char* owner;  // the `ownerId` attribute, or nullptr
    bool expected;
  };
  const Case cases[] = {
      {"databases/shop/collections/orders/documents/o1", "read", nullptr, true},
      {"databases/shop/collections/orders/documents/o2", "read", nullptr,
       false},
      {"databases/shop/collections/orders/documents/new", "create", nullptr,
       true},
      {"databases/shop/collections/orders/documents/o2", "delete", "alice",
       true},
      {"databases/shop/collections/orders/documents/o2", "delete", "bob",
       false},
  };
  int mismatches = 0;
  for (const Case& c : cases) {
    warden::AttributeView owner{"ownerId", c.owner ? c.owner : ""};
    absl::Span<const warden::AttributeView> attributes;
    if (c.owner != nullptr) attributes = {&owner, 1};
    warden::Decision d = engine.Check(*roles, c.resource, c.action, attributes);
    const absl::string_view reason = warden::ReasonName(d.reason);
    std::printf("%-6s %-5s %-48s %.*s %s\n", c.action,
                d.allowed ? "allow" : "deny", c.resource,
                static_cast<int>(reason.size()), reason.data(),
                engine.DescribeGrant(*roles, d).c_str());
    if (d.allowed != c.expected) ++mismatches;
  }
  return mismatches == 0 ? 0 : 1;
}
