// Properties of the decision (LANGUAGE.md §2, §7) checked on the compiled
// engine (CompileBundle, CompiledPolicy::Load, Resolve, Check) with generated
// policies, ACL data, principals and requests. Every seed is fixed, so a
// failure replays exactly; each failure message names the seed.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "gtest/gtest.h"
#include "parser/acl_entry.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/resource.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "tests/testing/generators.h"

namespace warden {
namespace {

using ::warden::testing::DescribeAcl;
using ::warden::testing::DescribePolicy;
using ::warden::testing::DescribePrincipal;
using ::warden::testing::DescribeRequest;
using ::warden::testing::GeneratedRequest;
using ::warden::testing::Generator;

constexpr uint64_t kBaseSeed = 0x70726f7073;  // fixed
constexpr int kCases = 150;
constexpr int kPrincipalsPerCase = 8;
constexpr int kRequestsPerCase = 60;

// A set of principals and requests, checked against one compiled policy.
struct Workload {
  std::vector<PrincipalSpec> principals;
  std::vector<GeneratedRequest> requests;
};

// Guests, users and role sets: the principals rules and ACLs apply to
// (API keys consult neither, LANGUAGE.md §7).
Workload MakeWorkload(Generator* gen) {
  Workload w;
  while (w.principals.size() < static_cast<size_t>(kPrincipalsPerCase)) {
    PrincipalSpec p = gen->RandomPrincipal();
    if (p.kind == PrincipalKind::kApiKey) continue;
    w.principals.push_back(std::move(p));
  }
  for (int i = 0; i < kRequestsPerCase; ++i) {
    w.requests.push_back(gen->RandomRequest());
  }
  return w;
}

std::unique_ptr<CompiledPolicy> CompileOrDie(const Policy& policy,
                                             const AclData& acl) {
  CompileResult compiled = CompileBundle(policy, acl);
  EXPECT_TRUE(compiled.ok())
      << FormatDiagnostics(compiled.diagnostics) << "\n--- policy ---\n"
      << DescribePolicy(policy) << "--- acl ---\n"
      << DescribeAcl(acl);
  if (!compiled.ok()) return nullptr;
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return nullptr;
  return *std::move(loaded);
}

// decisions[p][r]: `allowed` for principal p and request r; principals the
// engine refuses (invalid facts) decide nothing and stay all-deny.
struct Decisions {
  bool ok = false;
  std::vector<std::vector<Decision>> at;
  std::vector<bool> resolved;
  // Every canonical role each principal holds (RoleSet::names()).
  std::vector<std::vector<std::string>> roles;
};

Decisions Decide(const Policy& policy, const AclData& acl, const Workload& w) {
  Decisions d;
  std::unique_ptr<CompiledPolicy> engine = CompileOrDie(policy, acl);
  if (engine == nullptr) return d;
  d.ok = true;
  for (const PrincipalSpec& p : w.principals) {
    absl::StatusOr<RoleSet> role_set = engine->Resolve(p);
    d.resolved.push_back(role_set.ok());
    d.roles.push_back(role_set.ok() ? role_set->names()
                                    : std::vector<std::string>{});
    std::vector<Decision> row;
    for (const GeneratedRequest& r : w.requests) {
      if (!role_set.ok()) {
        row.push_back(Decision{});
        continue;
      }
      std::vector<AttributeView> views;
      for (const Attribute& a : r.attributes) {
        views.push_back({a.name, a.value});
      }
      row.push_back(engine->Check(*role_set, r.resource, r.action, views));
    }
    d.at.push_back(std::move(row));
  }
  return d;
}

std::string Where(uint64_t seed, const Policy& policy, const AclData& acl,
                  const Workload& w, size_t p, size_t r) {
  return absl::StrCat(
      "seed ", seed, "\nprincipal ", DescribePrincipal(w.principals[p]),
      "\nrequest ", DescribeRequest(w.requests[r]), "\n--- policy ---\n",
      DescribePolicy(policy), "--- acl ---\n", DescribeAcl(acl));
}

// How two runs over the same workload must relate, request by request.
enum class Relation {
  kSame,         // `allowed` identical
  kKeepsAllows,  // every allow of the first is an allow of the second
  kKeepsDenies,  // every deny of the first is a deny of the second
};

// Compares `allowed` of `before` and `after`; returns the number of
// violations (and reports the first few).
int Compare(Relation relation, const Decisions& before, const Decisions& after,
            uint64_t seed, const Policy& policy, const AclData& acl,
            const Workload& w, absl::string_view what) {
  int violations = 0;
  for (size_t p = 0; p < w.principals.size(); ++p) {
    for (size_t r = 0; r < w.requests.size(); ++r) {
      bool a = before.at[p][r].allowed;
      bool b = after.at[p][r].allowed;
      bool bad = relation == Relation::kSame          ? a != b
                 : relation == Relation::kKeepsAllows ? (a && !b)
                                                      : (!a && b);
      if (!bad) continue;
      if (++violations <= 3) {
        ADD_FAILURE() << what << ": allowed " << a << " became " << b
                      << "\n(second input)\n"
                      << Where(seed, policy, acl, w, p, r);
      }
    }
  }
  return violations;
}

template <typename T>
void Shuffle(std::vector<T>* v, std::mt19937_64* rng) {
  std::shuffle(v->begin(), v->end(), *rng);
}

// Appends copies of about a third of `v`'s elements.
template <typename T>
void DuplicateSome(std::vector<T>* v, std::mt19937_64* rng) {
  const size_t n = v->size();
  for (size_t i = 0; i < n; ++i) {
    if ((*rng)() % 3 == 0) v->push_back((*v)[i]);
  }
}

TEST(Properties, DefaultDenyWithEmptyPolicyAndAcl) {
  std::unique_ptr<CompiledPolicy> engine = CompileOrDie(Policy{}, AclData{});
  ASSERT_NE(engine, nullptr);
  Generator gen(kBaseSeed);
  int checks = 0;
  for (int i = 0; i < 300; ++i) {
    PrincipalSpec p = gen.RandomPrincipal();
    absl::StatusOr<RoleSet> role_set = engine->Resolve(p);
    if (!role_set.ok()) continue;
    for (int j = 0; j < 50; ++j) {
      GeneratedRequest r = gen.RandomRequest();
      std::vector<AttributeView> views;
      for (const Attribute& a : r.attributes) {
        views.push_back({a.name, a.value});
      }
      Decision d = engine->Check(*role_set, r.resource, r.action, views);
      ++checks;
      ASSERT_FALSE(d.allowed && p.kind != PrincipalKind::kApiKey)
          << DescribePrincipal(p) << " " << DescribeRequest(r);
      if (p.kind != PrincipalKind::kApiKey) {
        EXPECT_NE(d.reason, Reason::kAllowedByRule);
        EXPECT_NE(d.reason, Reason::kAllowedByAcl);
      }
    }
  }
  // A principal holding every role the generators use, and more.
  std::vector<Role> all;
  for (const char* text :
       {"any", "guests", "users", "users/verified", "users/unverified",
        "user:u1", "user:u1/verified", "team:t1", "team:t1/owner", "member:m1",
        "label:vip", "role:admin", "role:editor"}) {
    absl::StatusOr<Role> role = ParseRole(text, RoleSyntax::kStandalone);
    ASSERT_TRUE(role.ok()) << text;
    all.push_back(*role);
  }
  absl::StatusOr<RoleSet> everything = engine->ResolveRoles(all);
  ASSERT_TRUE(everything.ok()) << everything.status();
  for (int j = 0; j < 500; ++j) {
    GeneratedRequest r = gen.RandomRequest();
    Decision d = engine->Check(*everything, r.resource, r.action);
    ++checks;
    EXPECT_FALSE(d.allowed) << DescribeRequest(r);
  }
  EXPECT_GT(checks, 10000);
}

TEST(Properties, OrderAndDuplicatesDoNotChangeDecisions) {
  int compared = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 1000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    Decisions base = Decide(policy, acl, w);
    ASSERT_TRUE(base.ok) << "seed " << seed;

    std::mt19937_64& rng = gen.rng();
    Policy shuffled = policy;
    AclData shuffled_acl = acl;
    Shuffle(&shuffled.rules, &rng);
    Shuffle(&shuffled.roles, &rng);
    Shuffle(&shuffled.flags, &rng);
    for (RoleDeclaration& decl : shuffled.roles) Shuffle(&decl.parents, &rng);
    for (Rule& rule : shuffled.rules) Shuffle(&rule.roles, &rng);
    Shuffle(&shuffled_acl.resources, &rng);
    Shuffle(&shuffled_acl.rules, &rng);
    for (ResourceAcl& res : shuffled_acl.resources) {
      Shuffle(&res.entries, &rng);
    }
    Decisions after = Decide(shuffled, shuffled_acl, w);
    ASSERT_TRUE(after.ok) << "seed " << seed;
    compared += kPrincipalsPerCase * kRequestsPerCase;
    if (Compare(Relation::kSame, base, after, seed, shuffled, shuffled_acl, w,
                "shuffling") > 0) {
      return;
    }

    Policy duplicated = shuffled;
    AclData duplicated_acl = shuffled_acl;
    DuplicateSome(&duplicated.rules, &rng);
    DuplicateSome(&duplicated.roles, &rng);
    DuplicateSome(&duplicated.flags, &rng);
    DuplicateSome(&duplicated_acl.rules, &rng);
    for (ResourceAcl& res : duplicated_acl.resources) {
      DuplicateSome(&res.entries, &rng);
      Shuffle(&res.entries, &rng);
    }
    Shuffle(&duplicated.rules, &rng);
    Decisions dup = Decide(duplicated, duplicated_acl, w);
    ASSERT_TRUE(dup.ok) << "seed " << seed;
    compared += kPrincipalsPerCase * kRequestsPerCase;
    if (Compare(Relation::kSame, base, dup, seed, duplicated, duplicated_acl, w,
                "duplicating") > 0) {
      return;
    }
  }
  EXPECT_GT(compared, 100000);
}

// A random ACL entry valid on `resource` (no `create` on leaves).
AclEntry RandomEntryFor(const std::string& resource, Generator* gen) {
  const bool leaf = IsLeafType(ResourceType(resource));
  AclEntry entry;
  do {
    entry.action = static_cast<AclAction>(gen->rng()() % 5);
  } while (leaf && entry.action == AclAction::kCreate);
  entry.role = gen->RandomAclRole();
  return entry;
}

TEST(Properties, AddingGrantsIsMonotone) {
  int allows_seen = 0;
  int denies_seen = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 2000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    Decisions base = Decide(policy, acl, w);
    ASSERT_TRUE(base.ok) << "seed " << seed;
    for (const auto& row : base.at) {
      for (const Decision& d : row) (d.allowed ? allows_seen : denies_seen)++;
    }

    // More allow rules.
    Policy more_allows = policy;
    for (int i = 0; i < 3; ++i) {
      Rule rule = gen.RandomRule();
      rule.deny = false;
      rule.location.file = "extra.warden";
      rule.location.line = 1 + i;
      more_allows.rules.push_back(std::move(rule));
    }
    Decisions allowed_more = Decide(more_allows, acl, w);
    ASSERT_TRUE(allowed_more.ok) << "seed " << seed;
    if (Compare(Relation::kKeepsAllows, base, allowed_more, seed, more_allows,
                acl, w, "adding allow rules") > 0) {
      return;
    }

    // More ACL entries, on existing lines and on a new line.
    AclData more_acl = acl;
    for (ResourceAcl& res : more_acl.resources) {
      if (gen.rng()() % 2 == 0 || res.entries.size() >= 90) continue;
      res.entries.push_back(RandomEntryFor(res.resource, &gen));
    }
    Decisions acl_more = Decide(policy, more_acl, w);
    ASSERT_TRUE(acl_more.ok) << "seed " << seed;
    if (Compare(Relation::kKeepsAllows, base, acl_more, seed, policy, more_acl,
                w, "adding ACL entries") > 0) {
      return;
    }

    // More deny rules.
    Policy more_denies = policy;
    for (int i = 0; i < 3; ++i) {
      Rule rule = gen.RandomRule();
      rule.deny = true;
      rule.location.file = "extra.warden";
      rule.location.line = 1 + i;
      more_denies.rules.push_back(std::move(rule));
    }
    Decisions denied_more = Decide(more_denies, acl, w);
    ASSERT_TRUE(denied_more.ok) << "seed " << seed;
    if (Compare(Relation::kKeepsDenies, base, denied_more, seed, more_denies,
                acl, w, "adding deny rules") > 0) {
      return;
    }
  }
  // The workload exercises both outcomes.
  EXPECT_GT(allows_seen, 1000);
  EXPECT_GT(denies_seen, 1000);
}

// True for the requests whose action is one of `actions`.
bool ActionIn(const GeneratedRequest& r,
              std::initializer_list<absl::string_view> actions) {
  for (absl::string_view a : actions) {
    if (r.action == a) return true;
  }
  return false;
}

TEST(Properties, WriteRuleIsCreateUpdateDeleteAndNeverRead) {
  int read_allows = 0;
  int write_allows = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 3000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    // Reads of the base policy, with `write` rules removed.
    std::erase_if(policy.rules,
                  [](const Rule& r) { return r.action == "write"; });
    Rule write = gen.RandomRule();
    write.action = "write";
    write.location.file = "extra.warden";
    write.location.line = 1;

    Policy with_write = policy;
    with_write.rules.push_back(write);
    Policy with_three = policy;
    for (const char* action : {"create", "update", "delete"}) {
      Rule r = write;
      r.action = action;
      with_three.rules.push_back(std::move(r));
    }
    Decisions base = Decide(policy, acl, w);
    Decisions by_write = Decide(with_write, acl, w);
    Decisions by_three = Decide(with_three, acl, w);
    ASSERT_TRUE(base.ok && by_write.ok && by_three.ok) << "seed " << seed;
    for (size_t p = 0; p < w.principals.size(); ++p) {
      for (size_t r = 0; r < w.requests.size(); ++r) {
        const GeneratedRequest& req = w.requests[r];
        bool got = by_write.at[p][r].allowed;
        bool want = ActionIn(req, {"create", "update", "delete"})
                        ? by_three.at[p][r].allowed
                        : base.at[p][r].allowed;
        if (req.action == "read") read_allows += got;
        if (ActionIn(req, {"create", "update", "delete"}) &&
            got != base.at[p][r].allowed) {
          ++write_allows;
        }
        ASSERT_EQ(got, want) << "rule " << write.ToString() << "\n"
                             << Where(seed, with_write, acl, w, p, r);
      }
    }
  }
  EXPECT_GT(read_allows, 100);
  EXPECT_GT(write_allows, 20);  // the added rule did change something
}

TEST(Properties, WriteAclEntryIsCreateUpdateDeleteAndNeverRead) {
  int changed = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 4000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    // Some requests on the ACL'd resources and the children of each.
    for (const ResourceAcl& res : acl.resources) {
      for (const char* action : {"read", "create", "update", "delete"}) {
        w.requests.push_back({res.resource, action, {}});
        w.requests.push_back(
            {absl::StrCat(res.resource, "/documents/new"), action, {}});
        w.requests.push_back(
            {absl::StrCat(res.resource, "/files/new"), action, {}});
      }
    }
    if (acl.resources.empty()) continue;
    for (ResourceAcl& res : acl.resources) {
      std::erase_if(res.entries, [](const AclEntry& e) {
        return e.action == AclAction::kWrite;
      });
      if (IsLeafType(ResourceType(res.resource))) res.security = std::nullopt;
    }
    // Security on for every collection and bucket, so leaf entries count.
    for (ResourceAcl& res : acl.resources) {
      absl::string_view type = ResourceType(res.resource);
      if (type == "collection" || type == "bucket") res.security = true;
    }
    const size_t target = gen.rng()() % acl.resources.size();
    const std::string& resource = acl.resources[target].resource;
    const bool leaf = IsLeafType(ResourceType(resource));
    const Role role = gen.RandomAclRole();

    AclData with_write = acl;
    with_write.resources[target].entries.push_back({AclAction::kWrite, role});
    AclData with_three = acl;
    for (AclAction a :
         {AclAction::kCreate, AclAction::kUpdate, AclAction::kDelete}) {
      if (leaf && a == AclAction::kCreate) continue;
      with_three.resources[target].entries.push_back({a, role});
    }
    Decisions base = Decide(policy, acl, w);
    Decisions by_write = Decide(policy, with_write, w);
    Decisions by_three = Decide(policy, with_three, w);
    ASSERT_TRUE(base.ok && by_write.ok && by_three.ok) << "seed " << seed;
    for (size_t p = 0; p < w.principals.size(); ++p) {
      for (size_t r = 0; r < w.requests.size(); ++r) {
        const GeneratedRequest& req = w.requests[r];
        bool got = by_write.at[p][r].allowed;
        bool want = ActionIn(req, {"create", "update", "delete"})
                        ? by_three.at[p][r].allowed
                        : base.at[p][r].allowed;
        changed += got != base.at[p][r].allowed;
        ASSERT_EQ(got, want) << "entry write(\"" << role.ToString() << "\") on "
                             << resource << "\n"
                             << Where(seed, policy, with_write, w, p, r);
        // On a leaf, `write` never grants `create` (create consults the
        // parent's list, and leaves take no create entries).
        if (leaf && req.action == "create") {
          ASSERT_EQ(got, base.at[p][r].allowed)
              << Where(seed, policy, with_write, w, p, r);
        }
      }
    }
  }
  EXPECT_GT(changed, 50);
}

TEST(Properties, LeafWriteEntriesNeverGrantCreate) {
  // Only leaves carry ACLs, every entry `write` to everyone, security on.
  AclData acl;
  Policy policy;
  for (const char* leaf :
       {"databases/d1/collections/c1/documents/x1",
        "databases/d1/collections/c1/documents/new", "buckets/b1/files/f1",
        "buckets/b1/files/new", "documents/x1"}) {
    ResourceAcl res;
    res.resource = leaf;
    for (const char* role : {"any", "users", "guests", "user:u1"}) {
      absl::StatusOr<Role> parsed = ParseRole(role, RoleSyntax::kAclEntry);
      ASSERT_TRUE(parsed.ok());
      res.entries.push_back({AclAction::kWrite, *parsed});
    }
    acl.resources.push_back(std::move(res));
  }
  for (const char* flag : {"databases/d1/collections/c1"}) {
    policy.flags.push_back({flag, SecurityFlagKind::kDocumentSecurity, {}});
  }
  policy.flags.push_back({"buckets/b1", SecurityFlagKind::kFileSecurity, {}});
  std::unique_ptr<CompiledPolicy> engine = CompileOrDie(policy, acl);
  ASSERT_NE(engine, nullptr);
  Generator gen(kBaseSeed + 5000);
  int updates_allowed = 0;
  for (int i = 0; i < 100; ++i) {
    PrincipalSpec p = gen.RandomPrincipal();
    absl::StatusOr<RoleSet> role_set = engine->Resolve(p);
    if (!role_set.ok() || p.kind == PrincipalKind::kApiKey) continue;
    for (const ResourceAcl& res : acl.resources) {
      for (const std::string& path :
           {res.resource, absl::StrCat(res.resource, "/comments/new")}) {
        Decision create = engine->Check(*role_set, path, "create");
        EXPECT_FALSE(create.allowed) << DescribePrincipal(p) << " " << path;
        EXPECT_FALSE(engine->Check(*role_set, path, "read").allowed) << path;
      }
      updates_allowed +=
          engine->Check(*role_set, res.resource, "update").allowed;
    }
  }
  EXPECT_GT(updates_allowed, 100);  // the entries do grant update
}

TEST(Properties, RuleNamingOnlyUnheldRolesChangesNothing) {
  int rules_added = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 6000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    Decisions base = Decide(policy, acl, w);
    ASSERT_TRUE(base.ok) << "seed " << seed;
    for (size_t p = 0; p < w.principals.size(); ++p) {
      if (!base.resolved[p]) continue;
      const std::vector<std::string>& held = base.roles[p];
      Rule rule = gen.RandomRule();
      rule.roles.clear();
      for (int tries = 0; tries < 20 && rule.roles.size() < 3; ++tries) {
        Role role = gen.RandomRuleRole();
        if (role.attribute) continue;  // held per request, not per principal
        if (std::find(held.begin(), held.end(), role.ToString()) !=
            held.end()) {
          continue;
        }
        if (std::find(rule.roles.begin(), rule.roles.end(), role) ==
            rule.roles.end()) {
          rule.roles.push_back(role);
        }
      }
      if (rule.roles.empty()) continue;
      rule.location.file = "extra.warden";
      rule.location.line = 1;
      Policy with_rule = policy;
      with_rule.rules.push_back(rule);
      Workload one = w;
      one.principals = {w.principals[p]};
      Decisions after = Decide(with_rule, acl, one);
      ASSERT_TRUE(after.ok) << "seed " << seed;
      ++rules_added;
      for (size_t r = 0; r < w.requests.size(); ++r) {
        ASSERT_EQ(after.at[0][r].allowed, base.at[p][r].allowed)
            << "rule " << rule.ToString() << "\n"
            << Where(seed, with_rule, acl, w, p, r);
        if (base.at[p][r].allowed) continue;
        EXPECT_NE(after.at[0][r].reason, Reason::kAllowedByRule);
      }
    }
  }
  EXPECT_GT(rules_added, 500);
}

// A rule pattern that matches the normalised, valid path `path`.
ResourcePattern MatchingPattern(const std::string& path, int choice) {
  ResourcePattern pattern;
  switch (choice % 4) {
    case 0:
      pattern.kind = PatternKind::kAny;
      break;
    case 1:
      pattern.kind = PatternKind::kType;
      pattern.text = std::string(ResourceType(path));
      break;
    case 2:
      pattern.kind = PatternKind::kPath;
      pattern.text = path;
      break;
    default:
      pattern.kind = PatternKind::kPath;
      pattern.text = std::string(ParentPath(path));
      if (pattern.text.empty()) {
        pattern.text = path.substr(0, path.find('/'));  // the kind
      }
      pattern.text += "/**";
      break;
  }
  return pattern;
}

TEST(Properties, MatchingDenyRuleOverridesEverything) {
  int overridden = 0;
  for (int c = 0; c < kCases; ++c) {
    const uint64_t seed = kBaseSeed + 7000 + c;
    Generator gen(seed);
    Policy policy = gen.RandomPolicy();
    AclData acl = gen.RandomAcl();
    Workload w = MakeWorkload(&gen);
    // Allow everything to everyone, by rule and by ACL, on top of the rest.
    Rule allow_all;
    allow_all.resource.kind = PatternKind::kAny;
    allow_all.action = "*";
    allow_all.roles = {Role{}};  // `any`
    allow_all.location = {"extra.warden", 1, 1};
    policy.rules.push_back(allow_all);
    for (ResourceAcl& res : acl.resources) {
      bool leaf = IsLeafType(ResourceType(res.resource));
      for (AclAction a : {AclAction::kRead, AclAction::kWrite}) {
        if (res.entries.size() < 95) res.entries.push_back({a, Role{}});
      }
      if (!leaf && res.entries.size() < 99) {
        res.entries.push_back({AclAction::kCreate, Role{}});
      }
    }
    Decisions base = Decide(policy, acl, w);
    ASSERT_TRUE(base.ok) << "seed " << seed;
    for (size_t p = 0; p < w.principals.size(); ++p) {
      if (!base.resolved[p] || base.roles[p].empty()) continue;
      for (size_t r = 0; r < w.requests.size(); ++r) {
        const GeneratedRequest& req = w.requests[r];
        absl::StatusOr<std::string> path = NormalizeResourcePath(req.resource);
        if (!path.ok() ||
            !CompiledPolicy::ValidateRequest(req.resource, req.action).ok()) {
          continue;
        }
        // An eighth of the requests per case, to stay fast.
        if (static_cast<int>(r % 8) != c % 8) continue;
        Rule deny;
        deny.deny = true;
        deny.resource = MatchingPattern(*path, static_cast<int>(gen.rng()()));
        deny.action = req.action;
        if (gen.rng()() % 3 == 0) deny.action = "*";
        if (ActionIn(req, {"create", "update", "delete"}) &&
            gen.rng()() % 3 == 0) {
          deny.action = "write";
        }
        const std::vector<std::string>& held = base.roles[p];
        absl::StatusOr<Role> role =
            ParseRole(held[gen.rng()() % held.size()], RoleSyntax::kStandalone);
        ASSERT_TRUE(role.ok()) << role.status();
        deny.roles = {*role};
        deny.location = {"deny.warden", 1, 1};
        Policy with_deny = policy;
        with_deny.rules.push_back(deny);
        Workload one;
        one.principals = {w.principals[p]};
        one.requests = {req};
        Decisions after = Decide(with_deny, acl, one);
        ASSERT_TRUE(after.ok) << "seed " << seed;
        ++overridden;
        ASSERT_FALSE(after.at[0][0].allowed)
            << "deny rule " << deny.ToString() << "\n"
            << Where(seed, with_deny, acl, w, p, r);
        EXPECT_EQ(after.at[0][0].reason, Reason::kDeniedByRule);
      }
    }
  }
  EXPECT_GT(overridden, 500);
}

}  // namespace
}  // namespace warden
