// Worst-case inputs: each is either processed in time roughly linear in its
// size or refused by a documented limit (docs/LIMITS.md) whose name the error
// gives. Wall-clock bounds here are sanity limits against quadratic or
// exponential blow-ups, never speed targets.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/acl_entry.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/parse_options.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::StatusIs;

// Far above what any of these inputs needs when processed linearly.
constexpr double kSanitySeconds = 10.0;

class Stopwatch {
 public:
  Stopwatch() : start_(std::chrono::steady_clock::now()) {}
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start_)
        .count();
  }

 private:
  std::chrono::steady_clock::time_point start_;
};

// The messages of every error diagnostic, joined.
std::string Errors(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> messages;
  for (const Diagnostic& d : diagnostics) {
    if (d.severity == Severity::kError) messages.push_back(d.message);
  }
  return absl::StrJoin(messages, "\n");
}

size_t ErrorCount(const std::vector<Diagnostic>& diagnostics) {
  size_t n = 0;
  for (const Diagnostic& d : diagnostics) n += d.severity == Severity::kError;
  return n;
}

std::unique_ptr<CompiledPolicy> CompileAndLoad(const Policy& policy,
                                               const AclData& acl) {
  CompileResult compiled = CompileBundle(policy, acl);
  EXPECT_TRUE(compiled.ok()) << Errors(compiled.diagnostics);
  if (!compiled.ok()) return nullptr;
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  if (!loaded.ok()) return nullptr;
  return *std::move(loaded);
}

Policy ParseOk(absl::string_view text, const ParseOptions& options = {}) {
  PolicyParseResult result = ParsePolicy(text, "limits.warden", options);
  EXPECT_TRUE(result.ok()) << Errors(result.diagnostics);
  return std::move(result.policy);
}

// ---------------------------------------------------------------------------
// ParseOptions

TEST(ParseLimits, MaxRegexBytes) {
  const std::string at_limit(1024, 'a');
  EXPECT_TRUE(ParseRule(absl::StrCat("~\"", at_limit, "\":read(any)")).ok());
  absl::StatusOr<Rule> over =
      ParseRule(absl::StrCat("~\"", at_limit, "a\":read(any)"));
  EXPECT_THAT(over, StatusIs(absl::StatusCode::kInvalidArgument,
                             HasSubstr("(max_regex_bytes)")));
  ParseOptions small;
  small.max_regex_bytes = 8;
  EXPECT_TRUE(ParseRule("~\"abcdefgh\":read(any)", small).ok());
  EXPECT_THAT(ParseRule("~\"abcdefghi\":read(any)", small),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("longer than 8 bytes (max_regex_bytes)")));
}

TEST(ParseLimits, MegabyteRegexLineIsRefusedByMaxRegexBytes) {
  const std::string line =
      absl::StrCat("~\"", std::string(1 << 20, 'a'), "\":read(any)\n");
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(line, "big.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_EQ(ErrorCount(result.diagnostics), 1u);
  EXPECT_THAT(Errors(result.diagnostics), HasSubstr("(max_regex_bytes)"));
}

TEST(ParseLimits, RegexMaxMem) {
  // Fits the default budget, not a small one.
  const std::string rule = "~\".{1000}\":read(any)";
  EXPECT_TRUE(ParseRule(rule).ok());
  ParseOptions small;
  small.regex_max_mem = int64_t{64} << 10;
  EXPECT_THAT(ParseRule(rule, small),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(regex_max_mem)")));
  // Under 1 KiB as written, over the default budget once compiled.
  EXPECT_THAT(ParseRule("~\"\\pL{1000}\":read(any)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(regex_max_mem)")));
}

// A valid path of `KIND/<64 x c>` pairs, about `bytes` long, whose last
// segment ends in `last`.
std::string LongPath(size_t bytes, char c, char last,
                     absl::string_view kind = "kinds") {
  std::string path;
  while (path.size() + kind.size() + 66 <= bytes) {
    absl::StrAppend(&path, path.empty() ? "" : "/", kind, "/",
                    std::string(64, c));
  }
  path.back() = last;
  return path;
}

TEST(ParseLimits, PathologicalRegexesMatchInLinearTime) {
  // None of these matches the paths below...
  const std::vector<std::string> never = {
      "(a*)*b",      "(x+x+)+y",   "((a|aa)*)*c",      "(a|a?)+z",
      "((a*)*|b)*q", "(.*a){20}z", "([a-z]+/)*[a-z]+!"};
  // ... and these match the paths that end in `b`.
  const std::vector<std::string> matching = {"(kinds/(a|aa)+/)*kinds/(a|aa)*b",
                                             "((k*i*n*d*s*/)*(a*)*)*b"};
  std::string text;
  for (const std::string& p : never) {
    absl::StrAppend(&text, "~\"", p, "\":read(any)\n");
  }
  for (const std::string& p : matching) {
    absl::StrAppend(&text, "~\"", p, "\":update(any)\n");
  }
  Policy policy = ParseOk(text);
  ASSERT_EQ(policy.rules.size(), never.size() + matching.size());
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  RoleSet guest = engine->ResolveGuest();
  // Paths up to the engine's regex path limit (8 KiB, a constant; see
  // docs/LIMITS.md) are matched.
  Stopwatch watch;
  for (int i = 0; i < 100; ++i) {
    for (char c : {'a', 'x'}) {
      const std::string path = LongPath(8000, c, c);
      Decision read = engine->Check(guest, path, "read");
      EXPECT_FALSE(read.allowed);
      EXPECT_NE(read.reason, Reason::kEvaluationError);
    }
    const std::string ends_in_b = LongPath(8000, 'a', 'b');
    EXPECT_TRUE(engine->Check(guest, ends_in_b, "update").allowed);
    EXPECT_FALSE(
        engine->Check(guest, LongPath(8000, 'a', 'a'), "update").allowed);
  }
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  // Longer paths are matched in place when they need no normalisation...
  EXPECT_TRUE(
      engine->Check(guest, LongPath(100000, 'a', 'b'), "update").allowed);
  // ... but one whose normalised copy (`tables` -> `collections`) would
  // exceed 8 KiB is not matched against regex rules: denied, fail closed.
  Decision over =
      engine->Check(guest, LongPath(20000, 'a', 'b', "tables"), "update");
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.reason, Reason::kEvaluationError);
}

TEST(ParseLimits, MaxPolicyBytes) {
  ParseOptions small;
  small.max_policy_bytes = 100;
  EXPECT_TRUE(ParsePolicy(std::string(100, '\n'), "f.warden", small).ok());
  PolicyParseResult over =
      ParsePolicy(std::string(101, '\n'), "f.warden", small);
  EXPECT_FALSE(over.ok());
  EXPECT_THAT(Errors(over.diagnostics),
              HasSubstr("over the limit of 100 bytes (max_policy_bytes)"));
}

// `n` bytes of distinct rules, each line `PATTERN:read(ROLE)`.
std::string RulesOfSize(size_t n) {
  std::string text;
  text.reserve(n + 100);
  for (int i = 0; text.size() < n; ++i) {
    absl::StrAppend(&text, "databases/d", i % 1000, "/collections/c", i,
                    ":read(user:u", i % 977, ", team:t", i % 13, "/owner)\n");
  }
  text.resize(n);
  text.back() = '\n';
  // The cut line may be broken; drop it.
  text.resize(text.rfind('\n', text.size() - 2) + 1);
  return text;
}

TEST(ParseLimits, DefaultMaxPolicyBytesIs16MiB) {
  const size_t limit = ParseOptions{}.max_policy_bytes;
  ASSERT_EQ(limit, size_t{16} << 20);
  std::string text = RulesOfSize(limit);
  text.resize(limit, '\n');  // exactly at the limit
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(text, "huge.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_TRUE(result.ok()) << Errors(result.diagnostics);
  EXPECT_GT(result.policy.rules.size(), 200000u);

  text += '\n';
  PolicyParseResult over = ParsePolicy(text, "huge.warden");
  EXPECT_EQ(ErrorCount(over.diagnostics), 1u);
  EXPECT_THAT(Errors(over.diagnostics), HasSubstr("(max_policy_bytes)"));
}

TEST(ParseLimits, MegabytePolicyCompilesAndChecks) {
  const std::string text = RulesOfSize(1 << 20);
  Stopwatch watch;
  Policy policy = ParseOk(text);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  UserFacts user;
  user.id = "u5";
  absl::StatusOr<RoleSet> role_set = engine->ResolveUser(user);
  ASSERT_TRUE(role_set.ok()) << role_set.status();
  int allowed = 0;
  for (int i = 0; i < 2000; ++i) {
    allowed +=
        engine
            ->Check(*role_set,
                    absl::StrCat("databases/d", i % 1000, "/collections/c", i),
                    "read")
            .allowed;
  }
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_GT(allowed, 0);
}

TEST(ParseLimits, MaxRolesPerRule) {
  auto rule_with = [](int n) {
    std::vector<std::string> roles;
    for (int i = 0; i < n; ++i) roles.push_back(absl::StrCat("user:u", i));
    return absl::StrCat("document:read(", absl::StrJoin(roles, ","), ")");
  };
  EXPECT_TRUE(ParseRule(rule_with(1000)).ok());
  EXPECT_THAT(ParseRule(rule_with(1001)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("more than 1000 roles in one rule "
                                 "(max_roles_per_rule)")));
  ParseOptions small;
  small.max_roles_per_rule = 3;
  EXPECT_TRUE(ParseRule(rule_with(3), small).ok());
  EXPECT_THAT(ParseRule(rule_with(4), small),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(max_roles_per_rule)")));
}

TEST(ParseLimits, MegabyteRoleListIsRefusedByMaxRolesPerRule) {
  std::string line = "document:read(";
  for (int i = 0; line.size() < (1 << 20); ++i) {
    absl::StrAppend(&line, i == 0 ? "" : ", ", "user:u", i);
  }
  line += ")\n";
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(line, "roles.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_EQ(ErrorCount(result.diagnostics), 1u);
  EXPECT_THAT(Errors(result.diagnostics), HasSubstr("(max_roles_per_rule)"));
}

// The worst case max_roles_per_rule allows: a 16 MiB file of rules with
// 1,000 distinct roles each (de-duplication is quadratic per rule, so the
// limit bounds it).
TEST(ParseLimits, SixteenMegabytesOfLongestRoleLists) {
  std::string line = "document:read(";
  for (int i = 0; i < 1000; ++i) {
    absl::StrAppend(&line, i == 0 ? "" : ",", "user:user", 10000 + i);
  }
  line += ")\n";
  std::string text;
  const size_t limit = ParseOptions{}.max_policy_bytes;
  while (text.size() + line.size() <= limit) text += line;
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(text, "wide.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  ASSERT_TRUE(result.ok()) << Errors(result.diagnostics);
  ASSERT_FALSE(result.policy.rules.empty());
  EXPECT_EQ(result.policy.rules[0].roles.size(), 1000u);
}

TEST(ParseLimits, MaxParentsPerDeclaration) {
  auto declaration_with = [](int n) {
    std::vector<std::string> parents;
    for (int i = 0; i < n; ++i) parents.push_back(absl::StrCat("p", i));
    return absl::StrCat("role child: ", absl::StrJoin(parents, ", "), "\n");
  };
  PolicyParseResult at = ParsePolicy(declaration_with(1000), "r.warden");
  EXPECT_TRUE(at.ok()) << Errors(at.diagnostics);
  ASSERT_EQ(at.policy.roles.size(), 1u);
  EXPECT_EQ(at.policy.roles[0].parents.size(), 1000u);
  PolicyParseResult over = ParsePolicy(declaration_with(1001), "r.warden");
  EXPECT_THAT(Errors(over.diagnostics),
              HasSubstr("more than 1000 parent roles in one declaration "
                        "(max_parents_per_declaration)"));
  ParseOptions small;
  small.max_parents_per_declaration = 2;
  EXPECT_TRUE(ParsePolicy("role a: b, c\n", "r.warden", small).ok());
  // Counted as written, before de-duplication.
  EXPECT_THAT(
      Errors(ParsePolicy("role a: b, c, b\n", "r.warden", small).diagnostics),
      HasSubstr("(max_parents_per_declaration)"));
}

TEST(ParseLimits, MegabyteParentListIsRefusedQuickly) {
  std::string line = "role child: ";
  for (int i = 0; line.size() < (1 << 20); ++i) {
    absl::StrAppend(&line, i == 0 ? "" : ", ", "p", i);
  }
  line += "\n";
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(line, "parents.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_EQ(ErrorCount(result.diagnostics), 1u);
  EXPECT_THAT(Errors(result.diagnostics),
              HasSubstr("(max_parents_per_declaration)"));
}

TEST(ParseLimits, MaxDiagnostics) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "document:read\n";  // no roles
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(text, "bad.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  ASSERT_EQ(result.diagnostics.size(), 1001u);
  EXPECT_EQ(result.diagnostics.back().severity, Severity::kError);
  EXPECT_THAT(result.diagnostics.back().message,
              HasSubstr("4000 more diagnostics not shown (max_diagnostics)"));

  ParseOptions small;
  small.max_diagnostics = 10;
  PolicyParseResult capped = ParsePolicy(text, "bad.warden", small);
  ASSERT_EQ(capped.diagnostics.size(), 11u);
  EXPECT_THAT(capped.diagnostics.back().message,
              HasSubstr("4990 more diagnostics not shown (max_diagnostics)"));
}

// ---------------------------------------------------------------------------
// Role hierarchies

// `role r0: r1`, `role r1: r2`, ... (each role inherits from the next),
// declared from the top of the chain down when `top_down`.
std::string Chain(int depth, bool top_down) {
  std::string text;
  for (int k = 0; k < depth; ++k) {
    int i = top_down ? depth - 1 - k : k;
    absl::StrAppend(&text, "role r", i, ": r", i + 1, "\n");
  }
  return text;
}

TEST(HierarchyLimits, TenThousandDeepChainParsesInLinearTime) {
  for (bool top_down : {false, true}) {
    Stopwatch watch;
    Policy policy = ParseOk(Chain(10000, top_down));
    EXPECT_LT(watch.Seconds(), kSanitySeconds);
    EXPECT_EQ(policy.roles.size(), 10000u);
  }
  // Closing the chain into one cycle of 10,001 roles: one error, the cycle
  // named in a shortened form.
  std::string text = Chain(10000, false);
  text += "role r10000: r0\n";
  Stopwatch watch;
  PolicyParseResult result = ParsePolicy(text, "cycle.warden");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  ASSERT_EQ(ErrorCount(result.diagnostics), 1u);
  EXPECT_THAT(Errors(result.diagnostics),
              HasSubstr("role hierarchy has a cycle: `r0 -> r1 ->"));
  EXPECT_THAT(Errors(result.diagnostics), HasSubstr("more roles)"));
  EXPECT_LT(Errors(result.diagnostics).size(), 1000u);
}

// The compiler stores the closed hierarchy (every role's ancestors), whose
// size is quadratic in a chain's depth, and no CompileOptions field bounds
// it; so the engine is exercised on a 1,000-deep chain only.
TEST(HierarchyLimits, DeepChainCompilesAndResolves) {
  const int depth = 1000;
  std::string text = Chain(depth, true);
  absl::StrAppend(&text, "document:read(role:r", depth, ")\n");
  Stopwatch watch;
  Policy policy = ParseOk(text);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  UserFacts user;
  user.id = "u1";
  user.roles = {"r0"};
  absl::StatusOr<RoleSet> role_set = engine->ResolveUser(user);
  ASSERT_TRUE(role_set.ok()) << role_set.status();
  EXPECT_TRUE(engine->Check(*role_set, "documents/x", "read").allowed);
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
}

TEST(HierarchyLimits, TenThousandWideHierarchy) {
  // 10,000 roles under one parent, and one role with 10,000 parents
  // (declared again and again, within max_parents_per_declaration).
  std::string text;
  for (int i = 0; i < 10000; ++i) {
    absl::StrAppend(&text, "role c", i, ": base\n");
    absl::StrAppend(&text, "role top: c", i, "\n");
  }
  text += "document:read(role:base)\n";
  text += "collection:read(role:c9999)\n";
  Stopwatch watch;
  Policy policy = ParseOk(text);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  UserFacts user;
  user.id = "u1";
  user.roles = {"top"};
  absl::StatusOr<RoleSet> role_set = engine->ResolveUser(user);
  ASSERT_TRUE(role_set.ok()) << role_set.status();
  EXPECT_TRUE(engine->Check(*role_set, "documents/x", "read").allowed);
  EXPECT_TRUE(
      engine->Check(*role_set, "databases/d/collections/c", "read").allowed);
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
}

// ---------------------------------------------------------------------------
// Path patterns

TEST(PatternLimits, FiveThousandGlobPatterns) {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    switch (i % 4) {
      case 0:
        absl::StrAppend(&text, "databases/d", i, "/collections/*/documents/*",
                        ":read(user:u", i % 50, ")\n");
        break;
      case 1:
        absl::StrAppend(&text, "databases/d", i, "/**:update(users)\n");
        break;
      case 2:
        absl::StrAppend(&text, "*/d", i, "/*/c", i, "/**:read(any)\n");
        break;
      default:
        absl::StrAppend(&text, "buckets/*/files/f", i,
                        ":delete(team:t1/owner)\n");
        break;
    }
  }
  Stopwatch watch;
  Policy policy = ParseOk(text);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  UserFacts user;
  user.id = "u8";
  absl::StatusOr<RoleSet> role_set = engine->ResolveUser(user);
  ASSERT_TRUE(role_set.ok());
  int allowed = 0;
  for (int i = 0; i < 5000; ++i) {
    allowed += engine
                   ->Check(*role_set,
                           absl::StrCat("databases/d", i, "/collections/c", i,
                                        "/documents/x"),
                           i % 2 == 0 ? "read" : "update")
                   .allowed;
  }
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_GT(allowed, 2000);
}

TEST(PatternLimits, PathologicalGlobsAgainstLongPaths) {
  // 1,000 `*` segments then `**`, and `*` patterns of many lengths, against
  // paths of thousands of segments.
  std::vector<std::string> stars(1000, "*");
  std::string text = absl::StrCat(absl::StrJoin(stars, "/"), "/**:read(any)\n");
  for (int n = 2; n <= 200; n += 2) {
    std::vector<std::string> s(n, "*");
    absl::StrAppend(&text, absl::StrJoin(s, "/"), "/x/**:update(any)\n");
  }
  Policy policy = ParseOk(text);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  RoleSet guest = engine->ResolveGuest();
  std::vector<std::string> segments;
  for (int i = 0; i < 4000; ++i) segments.push_back(i % 2 ? "id" : "kinds");
  const std::string long_path = absl::StrJoin(segments, "/");
  Stopwatch watch;
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(engine->Check(guest, long_path, "read").allowed);
    EXPECT_FALSE(engine->Check(guest, long_path, "update").allowed);
    EXPECT_FALSE(engine->Check(guest, "kinds/id", "read").allowed);
  }
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
}

// ---------------------------------------------------------------------------
// CompileOptions

TEST(CompileLimits, MaxRules) {
  Policy policy = ParseOk("document:write(any)\n");  // 3 rules once expanded
  CompileOptions options;
  options.max_rules = 3;
  EXPECT_TRUE(CompileBundle(policy, {}, options).ok());
  options.max_rules = 2;
  CompileResult over = CompileBundle(policy, {}, options);
  EXPECT_FALSE(over.ok());
  EXPECT_TRUE(over.bundle.empty());
  EXPECT_THAT(Errors(over.diagnostics), HasSubstr("(max_rules)"));
}

AclData AclOf(int resources) {
  AclData acl;
  for (int i = 0; i < resources; ++i) {
    ResourceAcl res;
    res.resource = absl::StrCat("databases/d", i);
    res.entries.push_back({AclAction::kRead, Role{}});
    acl.resources.push_back(std::move(res));
  }
  return acl;
}

TEST(CompileLimits, MaxResources) {
  CompileOptions options;
  options.max_resources = 3;
  EXPECT_TRUE(CompileBundle({}, AclOf(3), options).ok());
  CompileResult over = CompileBundle({}, AclOf(4), options);
  EXPECT_FALSE(over.ok());
  EXPECT_TRUE(over.bundle.empty());
  EXPECT_THAT(Errors(over.diagnostics), HasSubstr("(max_resources)"));
}

TEST(CompileLimits, MaxStrings) {
  Policy policy = ParseOk("document:read(user:u1, user:u2, user:u3)\n");
  CompileOptions options;
  options.max_strings = 1;
  CompileResult over = CompileBundle(policy, {}, options);
  EXPECT_FALSE(over.ok());
  EXPECT_TRUE(over.bundle.empty());
  EXPECT_THAT(Errors(over.diagnostics), HasSubstr("(max_strings)"));
  options.max_strings = 1000;
  EXPECT_TRUE(CompileBundle(policy, {}, options).ok());
}

// ---------------------------------------------------------------------------
// LoadOptions

std::string SmallBundle() {
  Policy policy = ParseOk(
      "document:read(users)\n~\"databases/.*\":update(any)\n"
      "deny file:delete(guests)\n");
  CompileResult compiled = CompileBundle(policy, AclOf(5));
  EXPECT_TRUE(compiled.ok()) << Errors(compiled.diagnostics);
  return compiled.bundle;
}

TEST(LoadLimits, MaxBundleBytes) {
  const std::string bundle = SmallBundle();
  ASSERT_FALSE(bundle.empty());
  LoadOptions options;
  options.max_bundle_bytes = bundle.size();
  EXPECT_TRUE(CompiledPolicy::Load(bundle, options).ok());
  options.max_bundle_bytes = bundle.size() - 1;
  EXPECT_THAT(CompiledPolicy::Load(bundle, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("(max_bundle_bytes)")));
}

// The verifier's refusal does not name the option (see docs/LIMITS.md).
TEST(LoadLimits, VerifierMaxDepth) {
  const std::string bundle = SmallBundle();
  LoadOptions options;
  EXPECT_TRUE(CompiledPolicy::Load(bundle, options).ok());
  options.verifier_max_depth = 1;
  EXPECT_THAT(CompiledPolicy::Load(bundle, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("FlatBuffers verification")));
}

TEST(LoadLimits, VerifierMaxTables) {
  const std::string bundle = SmallBundle();
  LoadOptions options;
  options.verifier_max_tables = 1;
  EXPECT_THAT(CompiledPolicy::Load(bundle, options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("FlatBuffers verification")));
}

TEST(LoadLimits, RegexSetMaxMem) {
  // Each pattern fits the parser's per-pattern budget; together they do not
  // fit a 1 MiB set.
  std::string text;
  for (int i = 0; i < 300; ++i) {
    absl::StrAppend(&text, "~\"databases/d", i,
                    "[a-z0-9]{20}/collections/[a-z]{30}\":read(any)\n");
  }
  Policy policy = ParseOk(text);
  CompileResult compiled = CompileBundle(policy, {});
  ASSERT_TRUE(compiled.ok()) << Errors(compiled.diagnostics);
  EXPECT_TRUE(CompiledPolicy::Load(compiled.bundle).ok());
  LoadOptions options;
  options.regex_set_max_mem = int64_t{1} << 20;
  EXPECT_THAT(CompiledPolicy::Load(compiled.bundle, options),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("(regex_set_max_mem)")));
}

// ---------------------------------------------------------------------------
// JSON inputs

TEST(JsonLimits, HundredThousandLineAclJsonl) {
  std::string text;
  for (int i = 0; i < 100000; ++i) {
    absl::StrAppend(&text, "{\"resource\": \"databases/d", i % 100,
                    "/collections/c", i,
                    "\", \"permissions\": [\"read(\\\"user:u", i % 7,
                    "\\\")\", \"write(\\\"team:t1\\\")\"], "
                    "\"documentSecurity\": ",
                    i % 2 ? "true" : "false", "}\n");
  }
  Stopwatch watch;
  AclParseResult parsed = ParseAclJsonLines(text, "acl.jsonl");
  ASSERT_TRUE(parsed.ok()) << Errors(parsed.diagnostics);
  ASSERT_EQ(parsed.data.resources.size(), 100000u);
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad({}, parsed.data);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->resource_count(), 100000u);
  UserFacts user;
  user.id = "u3";
  absl::StatusOr<RoleSet> role_set = engine->ResolveUser(user);
  ASSERT_TRUE(role_set.ok());
  int allowed = 0;
  for (int i = 0; i < 10000; ++i) {
    allowed +=
        engine
            ->Check(*role_set,
                    absl::StrCat("databases/d", i % 100, "/collections/c", i),
                    "read")
            .allowed;
  }
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_GT(allowed, 1000);
}

// JSON nesting is bounded by json_internal::kMaxJsonDepth (128), a constant
// rather than an options field.
std::string Nested(int depth, absl::string_view inner) {
  std::string text;
  for (int i = 0; i < depth; ++i) text += '[';
  absl::StrAppend(&text, inner);
  for (int i = 0; i < depth; ++i) text += ']';
  return text;
}

TEST(JsonLimits, DeeplyNestedPrincipalIsRefused) {
  Stopwatch watch;
  absl::StatusOr<PrincipalSpec> principal = ParsePrincipalJson(
      absl::StrCat("{\"user\": \"u1\", \"teams\": ", Nested(100000, ""), "}"));
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_THAT(principal, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("nested more than 128 levels")));
  // Within the depth limit, the same shape is refused for its type only.
  EXPECT_THAT(ParsePrincipalJson(absl::StrCat(
                  "{\"user\": \"u1\", \"teams\": ", Nested(100, ""), "}")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ::testing::Not(HasSubstr("nested more than"))));
}

TEST(JsonLimits, DeeplyNestedAttributesAreRefused) {
  std::string text = "{\"a\": ";
  for (int i = 0; i < 50000; ++i) text += "{\"a\": ";
  text += "\"x\"";
  for (int i = 0; i < 50001; ++i) text += '}';
  EXPECT_THAT(ParseAttributesJson(text),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("nested more than 128 levels")));
}

TEST(JsonLimits, DeeplyNestedAclLineIsRefused) {
  std::string text =
      absl::StrCat("{\"resource\": \"databases/d1\", \"permissions\": ",
                   Nested(100000, "\"read(\\\"any\\\")\""), "}\n");
  Stopwatch watch;
  AclParseResult parsed = ParseAclJsonLines(text, "deep.jsonl");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_FALSE(parsed.ok());
  EXPECT_THAT(Errors(parsed.diagnostics),
              HasSubstr("nested more than 128 levels"));
}

TEST(JsonLimits, MegabyteStringsInPrincipal) {
  // A 1 MB user id breaks the id rule; the error quotes at most a little.
  Stopwatch watch;
  absl::StatusOr<PrincipalSpec> long_id = ParsePrincipalJson(
      absl::StrCat("{\"user\": \"", std::string(1 << 20, 'u'), "\"}"));
  EXPECT_THAT(long_id, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_LT(long_id.status().message().size(), 2000u);
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
}

// No limit bounds the size of a role set (see docs/LIMITS.md): a 1 MB list
// is read and resolved in linear time.
TEST(JsonLimits, MegabyteRoleSet) {
  std::string text = "{\"roleSet\": [";
  int count = 0;
  for (; text.size() < (1 << 20); ++count) {
    absl::StrAppend(&text, count == 0 ? "" : ", ", "\"user:u", count, "\"");
  }
  text += "]}";
  Stopwatch watch;
  absl::StatusOr<PrincipalSpec> principal = ParsePrincipalJson(text);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->role_set.size(), static_cast<size_t>(count));
  Policy policy = ParseOk("document:read(user:u7777)\n");
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(policy, {});
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<RoleSet> role_set = engine->Resolve(*principal);
  ASSERT_TRUE(role_set.ok()) << role_set.status();
  EXPECT_TRUE(engine->Check(*role_set, "documents/x", "read").allowed);
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
}

TEST(JsonLimits, AclEntriesPerResource) {
  auto line_with = [](int n) {
    std::vector<std::string> entries;
    for (int i = 0; i < n; ++i) {
      entries.push_back(absl::StrCat("\"read(\\\"user:u", i, "\\\")\""));
    }
    return absl::StrCat("{\"resource\": \"databases/d1\", \"permissions\": [",
                        absl::StrJoin(entries, ","), "]}\n");
  };
  EXPECT_TRUE(
      ParseAclJsonLines(line_with(kMaxAclEntriesPerResource), "a").ok());
  AclParseResult over =
      ParseAclJsonLines(line_with(kMaxAclEntriesPerResource + 1), "a");
  EXPECT_FALSE(over.ok());
  EXPECT_THAT(Errors(over.diagnostics), HasSubstr("100"));
}

TEST(JsonLimits, AclDiagnosticsAreCapped) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "{\"resource\": 1}\n";
  Stopwatch watch;
  AclParseResult parsed = ParseAclJsonLines(text, "bad.jsonl");
  EXPECT_LT(watch.Seconds(), kSanitySeconds);
  EXPECT_FALSE(parsed.ok());
  EXPECT_LE(parsed.diagnostics.size(), 1001u);
  EXPECT_GE(parsed.diagnostics.size(), 1000u);
}

}  // namespace
}  // namespace warden
