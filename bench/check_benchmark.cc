// Benchmarks of the decision path and of ACL-entry parsing. Inputs come from a
// fixed-seed generator, built once per process (outside the timed loops).
//
//   build/release/bench/check_benchmark --benchmark_min_time=0.5
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/role.h"

namespace warden {
namespace {

constexpr uint32_t kSeed = 20260601;
constexpr int kCollections = 20;
constexpr int kAclResources = 100'000;
constexpr int kUsers = 10'000;
constexpr int kRequests = 4096;  // a power of two: index with a mask

[[noreturn]] void Fail(absl::string_view what, const std::string& detail) {
  std::fprintf(stderr, "check_benchmark: %.*s\n%s\n",
               static_cast<int>(what.size()), what.data(), detail.c_str());
  std::abort();
}

std::unique_ptr<CompiledPolicy> Build(absl::string_view policy_text,
                                      absl::string_view acl_text) {
  PolicyParseResult policy = ParsePolicy(policy_text, "bench.warden");
  if (!policy.ok()) Fail("policy", FormatDiagnostics(policy.diagnostics));
  AclParseResult acl = ParseAclJsonLines(acl_text, "bench.jsonl");
  if (!acl.ok()) Fail("acl", FormatDiagnostics(acl.diagnostics));
  CompileResult compiled = CompileBundle(policy.policy, acl.data);
  if (!compiled.ok()) Fail("compile", FormatDiagnostics(compiled.diagnostics));
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  if (!loaded.ok()) Fail("load", std::string(loaded.status().message()));
  return *std::move(loaded);
}

std::string DocumentPath(int collection, int document) {
  return absl::StrCat("databases/shop/collections/c", collection,
                      "/documents/d", document);
}

struct Request {
  RoleSet principal;
  std::string resource;
  std::string action;
};

// A user with a few custom roles, labels and one team, drawn from `rng`.
UserFacts RandomUser(std::mt19937& rng) {
  UserFacts user;
  user.id = absl::StrCat("u", rng() % kUsers);
  user.verified = rng() % 4 != 0;
  user.roles.push_back(absl::StrCat("r", rng() % 50));
  if (rng() % 3 == 0) user.labels.push_back(absl::StrCat("l", rng() % 10));
  TeamMembership team;
  team.team = absl::StrCat("t", rng() % 100);
  team.membership = absl::StrCat("m", rng());
  team.roles.push_back(rng() % 2 ? "owner" : "member");
  user.teams.push_back(std::move(team));
  return user;
}

std::vector<Request> MakeRequests(const CompiledPolicy& policy, int documents,
                                  std::mt19937& rng) {
  static constexpr const char* kActions[] = {"read", "read", "read", "update",
                                             "delete"};
  std::vector<Request> requests;
  requests.reserve(kRequests);
  for (int i = 0; i < kRequests; ++i) {
    absl::StatusOr<RoleSet> roles = policy.ResolveUser(RandomUser(rng));
    if (!roles.ok()) Fail("resolve", std::string(roles.status().message()));
    // One draw per statement: the order of function arguments is unspecified.
    const int collection = static_cast<int>(rng() % kCollections);
    const int document = static_cast<int>(rng() % documents);
    const char* action = kActions[rng() % 5];
    requests.push_back(
        {*std::move(roles), DocumentPath(collection, document), action});
  }
  return requests;
}

// ~250 rules (type rules, path patterns with `*` and `**`, regexes, deny
// rules) over 50 custom roles in a hierarchy; no ACL data.
struct RulesOnlyFixture {
  std::unique_ptr<CompiledPolicy> policy;
  std::vector<Request> requests;

  RulesOnlyFixture() {
    std::mt19937 rng(kSeed);
    std::string text;
    for (int r = 0; r < 50; ++r) {
      absl::StrAppend(&text, "role r", r);
      if (r >= 5) absl::StrAppend(&text, ": r", r / 5 - 1);
      text += "\n";
    }
    for (int c = 0; c < kCollections; ++c) {
      for (int k = 0; k < 10; ++k) {
        const auto role = rng() % 50;
        const auto team = rng() % 100;
        absl::StrAppend(&text, "databases/shop/collections/c", c,
                        "/documents/*:read(role:r", role, ", team:t", team,
                        "/owner)\n");
      }
      absl::StrAppend(&text, "databases/shop/collections/c", c,
                      "/**:update(label:l", rng() % 10, ")\n");
    }
    absl::StrAppend(&text, "document:delete(role:r0)\n");
    absl::StrAppend(
        &text,
        "~\"databases/shop/collections/c1[0-9]/documents/d[0-9]*7\":"
        "update(role:r3)\n");
    absl::StrAppend(&text, "deny any:delete(users/unverified)\n");
    policy = Build(text, "");
    requests = MakeRequests(*policy, 1000, rng);
  }
};

// One line of ACL data (JSON Lines) for `resource`; `entries` are ACL entries
// such as `read("any")`, whose quotes are escaped here.
std::string AclLine(absl::string_view resource,
                    const std::vector<std::string>& entries,
                    bool document_security) {
  std::string line =
      absl::StrCat("{\"resource\": \"", resource, "\", \"permissions\": [");
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0) line += ", ";
    line += '"';
    for (char ch : entries[i]) {
      if (ch == '"') line += '\\';
      line += ch;
    }
    line += '"';
  }
  line += "]";
  if (document_security) line += ", \"documentSecurity\": true";
  line += "}\n";
  return line;
}

// 100,000 documents with their own ACLs (documentSecurity on), 20
// collections, and a one-line policy.
struct AclFixture {
  std::unique_ptr<CompiledPolicy> policy;
  std::vector<Request> requests;

  AclFixture() {
    std::mt19937 rng(kSeed + 1);
    std::string acl;
    for (int c = 0; c < kCollections; ++c) {
      acl += AclLine(absl::StrCat("databases/shop/collections/c", c),
                     {absl::StrCat("read(\"team:t", c, "\")")}, true);
    }
    const int per_collection = kAclResources / kCollections;
    for (int c = 0; c < kCollections; ++c) {
      for (int d = 0; d < per_collection; ++d) {
        acl +=
            AclLine(DocumentPath(c, d),
                    {absl::StrCat("read(\"user:u", rng() % kUsers, "\")"),
                     absl::StrCat("update(\"team:t", rng() % 100, "/owner\")"),
                     absl::StrCat("delete(\"label:l", rng() % 10, "\")")},
                    false);
      }
    }
    policy = Build("document:read(role:r0)\n", acl);
    requests = MakeRequests(*policy, per_collection, rng);
  }
};

template <typename Fixture>
void RunChecks(benchmark::State& state, const Fixture& fixture) {
  size_t i = 0;
  int64_t allowed = 0;
  for (auto _ : state) {
    const Request& r = fixture.requests[i++ & (kRequests - 1)];
    Decision d = fixture.policy->Check(r.principal, r.resource, r.action);
    benchmark::DoNotOptimize(d);
    allowed += d.allowed;
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["allowed_fraction"] = benchmark::Counter(
      static_cast<double>(allowed) /
      static_cast<double>(state.iterations() ? state.iterations() : 1));
}

// Uncached Check with a rules-only policy.
void BM_CheckRulesOnly(benchmark::State& state) {
  static const RulesOnlyFixture* fixture = new RulesOnlyFixture();
  RunChecks(state, *fixture);
}
BENCHMARK(BM_CheckRulesOnly);

// Uncached Check whose decision needs an ACL lookup among 100,000 resources.
void BM_CheckAclLookup(benchmark::State& state) {
  static const AclFixture* fixture = new AclFixture();
  RunChecks(state, *fixture);
}
BENCHMARK(BM_CheckAclLookup);

// --- Scale benchmarks (the product's latency targets) -----------------------

// A principal given as an explicit set of `count` roles drawn from `pool`
// (`pool` custom roles `role:rN`, plus `users` and `any`).
RoleSet RandomRoleSet(const CompiledPolicy& policy, int count, int pool,
                      std::mt19937& rng) {
  std::vector<Role> roles;
  roles.push_back(Role{RoleKind::kAny, "", "", false});
  roles.push_back(Role{RoleKind::kUsers, "", "", false});
  while (static_cast<int>(roles.size()) < count) {
    Role role{RoleKind::kCustom, absl::StrCat("r", rng() % pool), "", false};
    bool seen = false;
    for (const Role& r : roles) seen = seen || r == role;
    if (!seen) roles.push_back(std::move(role));
  }
  absl::StatusOr<RoleSet> rs = policy.ResolveRoles(roles);
  if (!rs.ok()) Fail("resolve", std::string(rs.status().message()));
  return *std::move(rs);
}

// 1,000 rules (type and `any` rules over 20 types and 6 actions, a few deny
// rules), 300 custom roles; principals with 16 roles.
struct Rules1kFixture {
  std::unique_ptr<CompiledPolicy> policy;
  std::vector<Request> requests;

  Rules1kFixture() {
    std::mt19937 rng(kSeed + 3);
    static constexpr const char* kActions[] = {"read",   "create", "update",
                                               "delete", "export", "share"};
    constexpr int kRoles = 300;
    std::string text;
    for (int r = 0; r < kRoles; ++r) absl::StrAppend(&text, "role r", r, "\n");
    for (int i = 0; i < 1000; ++i) {
      if (i % 100 == 7) absl::StrAppend(&text, "deny ");
      if (i % 50 == 3) {
        absl::StrAppend(&text, "any");
      } else {
        absl::StrAppend(&text, "kind", rng() % 20);
      }
      absl::StrAppend(&text, ":", kActions[rng() % 6], "(");
      const int roles = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < roles; ++k) {
        absl::StrAppend(&text, k ? ", " : "", "role:r", rng() % kRoles);
      }
      absl::StrAppend(&text, ")\n");
    }
    policy = Build(text, "");
    requests.reserve(kRequests);
    for (int i = 0; i < kRequests; ++i) {
      RoleSet principal = RandomRoleSet(*policy, 16, kRoles, rng);
      const int kind = static_cast<int>(rng() % 20);
      const int id = static_cast<int>(rng() % 1000);
      requests.push_back({std::move(principal),
                          absl::StrCat("projects/p1/kind", kind, "s/x", id),
                          kActions[rng() % 6]});
    }
  }
};

// Uncached Check, rules only: 1,000 rules, a principal with 16 roles.
void BM_CheckRules1k(benchmark::State& state) {
  static const Rules1kFixture* fixture = new Rules1kFixture();
  RunChecks(state, *fixture);
}
BENCHMARK(BM_CheckRules1k);

// 1,000,000 documents in 100 collections (documentSecurity on), each with
// 2-8 entries of its own; the policy has no rule for documents, so every
// check reads the collection's and the document's ACL.
struct Acl1MFixture {
  std::unique_ptr<CompiledPolicy> policy;
  std::vector<Request> requests;

  Acl1MFixture() {
    std::mt19937 rng(kSeed + 4);
    constexpr int kCollections1M = 100;
    constexpr int kPerCollection = 10'000;
    AclData acl;
    acl.resources.reserve(kCollections1M * (kPerCollection + 1));
    auto user = [&](uint32_t id) {
      return Role{RoleKind::kUser, absl::StrCat("u", id), "", false};
    };
    for (int c = 0; c < kCollections1M; ++c) {
      ResourceAcl res;
      res.resource = absl::StrCat("databases/shop/collections/c", c);
      res.entries.push_back(
          {AclAction::kRead,
           Role{RoleKind::kTeam, absl::StrCat("t", c), "", false}});
      res.security = true;
      acl.resources.push_back(std::move(res));
    }
    for (int c = 0; c < kCollections1M; ++c) {
      for (int d = 0; d < kPerCollection; ++d) {
        ResourceAcl res;
        res.resource = DocumentPath(c, d);
        const int n = 2 + static_cast<int>(rng() % 7);
        static constexpr AclAction kEntryActions[] = {
            AclAction::kRead, AclAction::kRead, AclAction::kUpdate,
            AclAction::kDelete, AclAction::kWrite};
        for (int k = 0; k < n; ++k) {
          res.entries.push_back(
              {kEntryActions[rng() % 5], user(rng() % kUsers)});
        }
        acl.resources.push_back(std::move(res));
      }
    }
    PolicyParseResult parsed =
        ParsePolicy("collection:read(role:r0)\n", "bench.warden");
    if (!parsed.ok()) Fail("policy", FormatDiagnostics(parsed.diagnostics));
    CompileResult compiled = CompileBundle(parsed.policy, acl);
    if (!compiled.ok()) {
      Fail("compile", FormatDiagnostics(compiled.diagnostics));
    }
    acl = AclData();
    absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
        CompiledPolicy::Load(std::move(compiled.bundle));
    if (!loaded.ok()) Fail("load", std::string(loaded.status().message()));
    policy = *std::move(loaded);
    static constexpr const char* kActions[] = {"read", "read", "read", "update",
                                               "delete"};
    requests.reserve(kRequests);
    for (int i = 0; i < kRequests; ++i) {
      absl::StatusOr<RoleSet> roles = policy->ResolveUser(RandomUser(rng));
      if (!roles.ok()) Fail("resolve", std::string(roles.status().message()));
      const int c = static_cast<int>(rng() % kCollections1M);
      const int d = static_cast<int>(rng() % kPerCollection);
      requests.push_back(
          {*std::move(roles), DocumentPath(c, d), kActions[rng() % 5]});
    }
  }
};

// Uncached Check whose decision needs the ACLs of a collection and of one of
// 1,000,000 documents (hashing the path included).
void BM_CheckAcl1M(benchmark::State& state) {
  static const Acl1MFixture* fixture = new Acl1MFixture();
  RunChecks(state, *fixture);
}
BENCHMARK(BM_CheckAcl1M);

// 1,000 path patterns and regexes: 900 globs (`*`, final `**`, literal
// paths) under 50 databases and 20 collections, 100 regexes; requests for
// documents in those collections.
struct Patterns1kFixture {
  std::unique_ptr<CompiledPolicy> policy;
  std::vector<Request> requests;

  Patterns1kFixture() {
    std::mt19937 rng(kSeed + 5);
    static constexpr const char* kActions[] = {"read", "update", "delete"};
    std::string text;
    for (int r = 0; r < 50; ++r) absl::StrAppend(&text, "role r", r, "\n");
    for (int i = 0; i < 1000; ++i) {
      const int db = static_cast<int>(rng() % 50);
      const int coll = static_cast<int>(rng() % 20);
      const char* action = kActions[rng() % 3];
      const int role = static_cast<int>(rng() % 50);
      if (i % 10 == 9) {
        absl::StrAppend(&text, "~\"databases/db", db, "/collections/c", coll,
                        "/documents/d[0-9]*", rng() % 10, "\":", action,
                        "(role:r", role, ")\n");
        continue;
      }
      switch (rng() % 3) {
        case 0:
          absl::StrAppend(&text, "databases/db", db, "/collections/c", coll,
                          "/documents/*");
          break;
        case 1:
          absl::StrAppend(&text, "databases/db", db, "/collections/c", coll,
                          "/**");
          break;
        default:
          absl::StrAppend(&text, "databases/db", db, "/collections/c", coll,
                          "/documents/d", rng() % 100);
          break;
      }
      absl::StrAppend(&text, ":", action, "(role:r", role, ")\n");
    }
    policy = Build(text, "");
    requests.reserve(kRequests);
    for (int i = 0; i < kRequests; ++i) {
      RoleSet principal = RandomRoleSet(*policy, 8, 50, rng);
      const int db = static_cast<int>(rng() % 50);
      const int coll = static_cast<int>(rng() % 20);
      const int doc = static_cast<int>(rng() % 100);
      requests.push_back({std::move(principal),
                          absl::StrCat("databases/db", db, "/collections/c",
                                       coll, "/documents/d", doc),
                          kActions[rng() % 3]});
    }
  }
};

// Uncached Check against 1,000 path patterns and regexes.
void BM_CheckPatterns1k(benchmark::State& state) {
  static const Patterns1kFixture* fixture = new Patterns1kFixture();
  RunChecks(state, *fixture);
}
BENCHMARK(BM_CheckPatterns1k);

// ACL-entry parsing throughput (Appwrite 1.x form, all role kinds).
void BM_ParseAclEntry(benchmark::State& state) {
  std::mt19937 rng(kSeed + 2);
  static constexpr const char* kActions[] = {"read", "create", "update",
                                             "delete", "write"};
  std::vector<std::string> entries;
  size_t bytes = 0;
  for (int i = 0; i < 1024; ++i) {
    std::string role;
    switch (rng() % 6) {
      case 0:
        role = "any";
        break;
      case 1:
        role = "users/verified";
        break;
      case 2:
        role = absl::StrCat("user:u", rng() % kUsers);
        break;
      case 3:
        role = absl::StrCat("team:t", rng() % 100, "/owner");
        break;
      case 4:
        role = absl::StrCat("member:m", rng());
        break;
      default:
        role = absl::StrCat("label:l", rng() % 10);
        break;
    }
    entries.push_back(absl::StrCat(kActions[rng() % 5], "(\"", role, "\")"));
    bytes += entries.back().size();
  }
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<AclEntry> entry = ParseAclEntry(entries[i++ & 1023]);
    benchmark::DoNotOptimize(entry);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(
      static_cast<int64_t>(state.iterations() * bytes / entries.size()));
}
BENCHMARK(BM_ParseAclEntry);

}  // namespace
}  // namespace warden
