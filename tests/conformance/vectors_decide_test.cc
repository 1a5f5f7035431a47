// Every decision-shaped line of the conformance vectors, checked against the
// compiled engine and against the reference evaluator:
//   appwrite.jsonl        `decide`
//   appwrite_extra.jsonl  `principal`, `aggregate`
//   rules.jsonl           `rule_decide`, `request_invalid`
// Each test counts the lines it checked and asserts that the count equals
// the number of lines of that kind in the file, so no line is skipped.
#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "engine/compiled_policy.h"
#include "engine/compiler.h"
#include "engine/decision.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/json/acl_data.h"
#include "parser/json/principal.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "tests/testing/reference_evaluator.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::nlohmann::json;
using ::warden::testing::CanonicalRoleString;
using ::warden::testing::ReferenceDecision;
using ::warden::testing::ReferenceEvaluator;
using ::warden::testing::ReferencePrincipalRoles;
using ::warden::testing::ReferenceReasonName;
using ::warden::testing::ReferenceUserRoles;

constexpr char kCollection[] = "databases/d1/collections/c1";
constexpr char kDocument[] = "databases/d1/collections/c1/documents/x1";
constexpr char kNewDocument[] = "databases/d1/collections/c1/documents/new";

struct VectorLine {
  int number = 0;  // 1-based line number in the file
  std::string text;
  json value;
};

// The lines of `file` whose `kind` is `kind`; fails the test on a line that
// is not a JSON object.
std::vector<VectorLine> ReadVectors(const std::string& file,
                                    const std::string& kind) {
  std::string path =
      absl::StrCat(WARDEN_SOURCE_DIR, "/tests/data/vectors/", file);
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<VectorLine> lines;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_object()) {
      ADD_FAILURE() << path << ":" << number << ": not a JSON object";
      continue;
    }
    if (value.contains("kind") && value["kind"].is_string() &&
        value["kind"].get<std::string>() == kind) {
      lines.push_back({number, text, std::move(value)});
    }
  }
  return lines;
}

// Counts the lines of `kind` in `file` with a plain text scan, independent of
// ReadVectors, so that a parsing slip cannot shrink both counts at once.
int CountKindInFile(const std::string& file, const std::string& kind) {
  std::ifstream in(
      absl::StrCat(WARDEN_SOURCE_DIR, "/tests/data/vectors/", file));
  std::string text;
  std::string needle = absl::StrCat("\"kind\": \"", kind, "\"");
  int count = 0;
  while (std::getline(in, text)) {
    if (text.find(needle) != std::string::npos) ++count;
  }
  return count;
}

std::vector<std::string> StringList(const json& value) {
  std::vector<std::string> out;
  if (!value.is_array()) {
    ADD_FAILURE() << "expected an array of strings: " << value.dump();
    return out;
  }
  for (const json& item : value) {
    if (!item.is_string()) {
      ADD_FAILURE() << "expected a string: " << item.dump();
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// Compiles and loads; fails the test (and returns null) on any error.
std::unique_ptr<CompiledPolicy> CompileAndLoad(const Policy& policy,
                                               const AclData& acl) {
  CompileResult compiled = CompileBundle(policy, acl);
  if (!compiled.ok()) {
    ADD_FAILURE() << "compile failed:\n"
                  << FormatDiagnostics(compiled.diagnostics);
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<CompiledPolicy>> loaded =
      CompiledPolicy::Load(std::move(compiled.bundle));
  if (!loaded.ok()) {
    ADD_FAILURE() << "load failed: " << loaded.status();
    return nullptr;
  }
  return *std::move(loaded);
}

// An ACL list parsed from Appwrite strings for one resource.
bool ParseEntries(const std::vector<std::string>& strings, AclScope scope,
                  std::vector<AclEntry>* entries) {
  for (const std::string& text : strings) {
    absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
    if (!entry.ok()) {
      ADD_FAILURE() << "ACL entry `" << text
                    << "` does not parse: " << entry.status();
      return false;
    }
    entries->push_back(*std::move(entry));
  }
  return true;
}

std::string ReasonText(Reason reason) { return ReferenceReasonName(reason); }

// One decision by both evaluators for an explicit role set; checks that they
// agree with each other (allowed and reason) and with `expected`.
void ExpectRoleSetDecision(const CompiledPolicy& engine,
                           const ReferenceEvaluator& reference,
                           const std::vector<Role>& roles,
                           const std::string& resource,
                           const std::string& action, bool expected,
                           const std::string& what) {
  SCOPED_TRACE(absl::StrCat(what, ": ", action, " on ", resource));
  absl::StatusOr<RoleSet> role_set = engine.ResolveRoles(roles);
  ASSERT_TRUE(role_set.ok()) << role_set.status();
  Decision decision = engine.Check(*role_set, resource, action);
  std::vector<std::string> role_names;
  for (const Role& role : roles)
    role_names.push_back(CanonicalRoleString(role));
  ReferenceDecision ref =
      reference.DecideForRoles(role_names, resource, action);
  EXPECT_EQ(decision.allowed, expected)
      << "engine reason " << ReasonText(decision.reason);
  EXPECT_EQ(ref.allowed, expected) << "reference " << ToString(ref);
  EXPECT_EQ(ReasonText(decision.reason), ReasonText(ref.reason))
      << "engine " << ReasonText(decision.reason) << ", reference "
      << ReasonText(ref.reason);
}

// appwrite.jsonl, kind `decide`: the roles as an explicit role set against a
// collection whose ACL is `permissions` (for `create`, a new document in it,
// since creating consults the parent). Layered lines are also checked on a
// document of that collection with the collection / document split.
TEST(AppwriteVectors, EveryDecideLine) {
  std::vector<VectorLine> lines = ReadVectors("appwrite.jsonl", "decide");
  int checked = 0;
  int layered = 0;
  for (const VectorLine& line : lines) {
    bool completed = false;
    [&] {
      SCOPED_TRACE(
          absl::StrCat("appwrite.jsonl:", line.number, ": ", line.text));
      const json& v = line.value;
      ASSERT_TRUE(v["action"].is_string());
      ASSERT_TRUE(v["allowed"].is_boolean());
      std::string action = v["action"].get<std::string>();
      bool expected = v["allowed"].get<bool>();

      std::vector<Role> roles;
      for (const std::string& text : StringList(v["roles"])) {
        absl::StatusOr<Role> role = ParseRole(text, RoleSyntax::kStandalone);
        ASSERT_TRUE(role.ok()) << text << ": " << role.status();
        roles.push_back(*std::move(role));
      }

      // Flat form: the effective list on the collection.
      {
        AclData acl;
        ResourceAcl resource;
        resource.resource = kCollection;
        ASSERT_TRUE(ParseEntries(StringList(v["permissions"]),
                                 AclScope::kContainer, &resource.entries));
        acl.resources.push_back(resource);
        std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(Policy{}, acl);
        ASSERT_NE(engine, nullptr);
        ReferenceEvaluator reference(Policy{}, acl);
        ExpectRoleSetDecision(*engine, reference, roles,
                              action == "create" ? kNewDocument : kCollection,
                              action, expected, "flat");
      }

      // Layered form: the collection's list, its flag and the document's list.
      if (v.contains("collection_permissions")) {
        ++layered;
        ASSERT_TRUE(v.contains("document_permissions"));
        ASSERT_TRUE(v.contains("documentSecurity") &&
                    v["documentSecurity"].is_boolean());
        AclData acl;
        ResourceAcl collection;
        collection.resource = kCollection;
        collection.security = v["documentSecurity"].get<bool>();
        ASSERT_TRUE(ParseEntries(StringList(v["collection_permissions"]),
                                 AclScope::kContainer, &collection.entries));
        ResourceAcl document;
        document.resource = kDocument;
        ASSERT_TRUE(ParseEntries(StringList(v["document_permissions"]),
                                 AclScope::kLeaf, &document.entries));
        acl.resources.push_back(collection);
        acl.resources.push_back(document);
        std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(Policy{}, acl);
        ASSERT_NE(engine, nullptr);
        ReferenceEvaluator reference(Policy{}, acl);
        ExpectRoleSetDecision(*engine, reference, roles,
                              action == "create" ? kNewDocument : kDocument,
                              action, expected, "layered");
      }
      completed = true;
    }();
    if (completed) ++checked;
  }
  EXPECT_EQ(checked, CountKindInFile("appwrite.jsonl", "decide"));
  EXPECT_GT(checked, 0);
  EXPECT_GT(layered, 0);
}

// appwrite_extra.jsonl, kind `principal`: Appwrite's facts map to our user
// facts; the role set computed by the engine and by the reference evaluator
// equals `roles` as a set.
TEST(AppwriteExtraVectors, EveryPrincipalLine) {
  std::vector<VectorLine> lines =
      ReadVectors("appwrite_extra.jsonl", "principal");
  std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(Policy{}, AclData{});
  ASSERT_NE(engine, nullptr);
  int checked = 0;
  for (const VectorLine& line : lines) {
    bool completed = false;
    [&] {
      SCOPED_TRACE(
          absl::StrCat("appwrite_extra.jsonl:", line.number, ": ", line.text));
      const json& facts = line.value["facts"];
      ASSERT_TRUE(facts.is_object());
      std::vector<std::string> expected = StringList(line.value["roles"]);
      std::set<std::string> expected_set(expected.begin(), expected.end());

      std::vector<std::string> engine_roles;
      std::vector<std::string> reference_roles;
      if (facts.contains("session") && facts["session"].is_boolean() &&
          !facts["session"].get<bool>()) {
        engine_roles = engine->ResolveGuest().names();
        PrincipalSpec guest;
        guest.kind = PrincipalKind::kGuest;
        ASSERT_OK_AND_ASSIGN(reference_roles,
                             ReferencePrincipalRoles(Policy{}, guest));
      } else {
        ASSERT_TRUE(facts["userId"].is_string());
        UserFacts user;
        user.id = facts["userId"].get<std::string>();
        auto flag = [&](const char* name) {
          return facts.contains(name) && facts[name].is_boolean() &&
                 facts[name].get<bool>();
        };
        // Appwrite: verified if email or phone is verified; anonymous users
        // never are.
        user.verified =
            (flag("emailVerification") || flag("phoneVerification")) &&
            !flag("anonymous");
        if (facts.contains("memberships")) {
          for (const json& m : facts["memberships"]) {
            TeamMembership membership;
            membership.membership = m["$id"].get<std::string>();
            membership.team = m["teamId"].get<std::string>();
            membership.roles = StringList(m["roles"]);
            membership.confirmed = m["confirm"].get<bool>();
            user.teams.push_back(std::move(membership));
          }
        }
        if (facts.contains("labels")) user.labels = StringList(facts["labels"]);
        ASSERT_OK_AND_ASSIGN(RoleSet role_set, engine->ResolveUser(user));
        EXPECT_EQ(role_set.kind(), RoleSet::Kind::kRoles);
        engine_roles = role_set.names();
        ASSERT_OK_AND_ASSIGN(reference_roles,
                             ReferenceUserRoles(Policy{}, user));
      }
      EXPECT_EQ(std::set<std::string>(engine_roles.begin(), engine_roles.end()),
                expected_set)
          << "engine: " << absl::StrJoin(engine_roles, ", ");
      EXPECT_EQ(engine_roles.size(), expected_set.size()) << "duplicates";
      EXPECT_EQ(
          std::set<std::string>(reference_roles.begin(), reference_roles.end()),
          expected_set)
          << "reference: " << absl::StrJoin(reference_roles, ", ");
      completed = true;
    }();
    if (completed) ++checked;
  }
  EXPECT_EQ(checked, CountKindInFile("appwrite_extra.jsonl", "principal"));
  EXPECT_GT(checked, 0);
}

// appwrite_extra.jsonl, kind `aggregate`: `write` expansion. The input list
// goes on a container when `allowed_types` has `create`, else on a leaf (a
// document of a collection with documentSecurity and no grants of its own);
// then, for every role the lists name and every action, a principal holding
// only that role is allowed exactly when `output` has `action("role")`.
TEST(AppwriteExtraVectors, EveryAggregateLine) {
  std::vector<VectorLine> lines =
      ReadVectors("appwrite_extra.jsonl", "aggregate");
  int checked = 0;
  for (const VectorLine& line : lines) {
    bool completed = false;
    [&] {
      SCOPED_TRACE(
          absl::StrCat("appwrite_extra.jsonl:", line.number, ": ", line.text));
      std::vector<std::string> allowed_types =
          StringList(line.value["allowed_types"]);
      bool container = std::find(allowed_types.begin(), allowed_types.end(),
                                 "create") != allowed_types.end();
      std::vector<std::string> output = StringList(line.value["output"]);
      std::set<std::string> output_set(output.begin(), output.end());

      AclData acl;
      ResourceAcl target;
      target.resource = container ? kCollection : kDocument;
      ASSERT_TRUE(ParseEntries(
          StringList(line.value["input"]),
          container ? AclScope::kContainer : AclScope::kLeaf, &target.entries));
      if (!container) {
        ResourceAcl collection;
        collection.resource = kCollection;
        collection.security = true;
        acl.resources.push_back(collection);
      }
      acl.resources.push_back(target);
      std::unique_ptr<CompiledPolicy> engine = CompileAndLoad(Policy{}, acl);
      ASSERT_NE(engine, nullptr);
      ReferenceEvaluator reference(Policy{}, acl);

      std::vector<Role> roles;
      for (const AclEntry& entry : target.entries) {
        if (std::find(roles.begin(), roles.end(), entry.role) == roles.end()) {
          roles.push_back(entry.role);
        }
      }
      ASSERT_FALSE(roles.empty());
      for (const Role& role : roles) {
        for (const char* action : {"read", "create", "update", "delete"}) {
          std::string resource = container ? kCollection : kDocument;
          if (std::string(action) == "create") {
            // Creating is decided by the parent: only meaningful for the
            // container form (a leaf's list never grants create).
            resource =
                container ? kNewDocument : kDocument + std::string("/sub/s1");
          }
          bool expected =
              output_set.count(absl::StrCat(
                  action, "(\"", CanonicalRoleString(role), "\")")) > 0;
          ExpectRoleSetDecision(*engine, reference, {role}, resource, action,
                                expected, "aggregate");
        }
      }
      completed = true;
    }();
    if (completed) ++checked;
  }
  EXPECT_EQ(checked, CountKindInFile("appwrite_extra.jsonl", "aggregate"));
  EXPECT_GT(checked, 0);
}

struct RuleCase {
  Policy policy;
  AclData acl;
  std::unique_ptr<CompiledPolicy> engine;
};

// Parses and compiles the `policy` and `acl` of a rules.jsonl line.
void BuildRuleCase(const json& v, RuleCase* out) {
  std::vector<std::string> policy_lines = StringList(v["policy"]);
  PolicyParseResult policy =
      ParsePolicy(absl::StrJoin(policy_lines, "\n"), "vector.warden");
  ASSERT_TRUE(policy.ok()) << FormatDiagnostics(policy.diagnostics);
  out->policy = std::move(policy.policy);
  if (v.contains("acl")) {
    ASSERT_TRUE(v["acl"].is_array());
    std::string text;
    for (const json& item : v["acl"]) absl::StrAppend(&text, item.dump(), "\n");
    AclParseResult acl = ParseAclJsonLines(text, "vector.jsonl");
    ASSERT_TRUE(acl.ok()) << FormatDiagnostics(acl.diagnostics);
    out->acl = std::move(acl.data);
  }
  out->engine = CompileAndLoad(out->policy, out->acl);
  ASSERT_NE(out->engine, nullptr);
}

// rules.jsonl, kind `rule_decide`: parse, compile, load, resolve, check; the
// reference evaluator on the same parsed inputs gives the same decision.
TEST(RuleVectors, EveryRuleDecideLine) {
  std::vector<VectorLine> lines = ReadVectors("rules.jsonl", "rule_decide");
  int checked = 0;
  for (const VectorLine& line : lines) {
    bool completed = false;
    [&] {
      SCOPED_TRACE(absl::StrCat("rules.jsonl:", line.number, ": ", line.text));
      const json& v = line.value;
      RuleCase rule_case;
      BuildRuleCase(v, &rule_case);
      ASSERT_NE(rule_case.engine, nullptr);

      ASSERT_OK_AND_ASSIGN(PrincipalSpec principal,
                           ParsePrincipalJson(v["principal"].dump()));
      ASSERT_TRUE(v["resource"].is_string());
      ASSERT_TRUE(v["action"].is_string());
      ASSERT_TRUE(v["allowed"].is_boolean());
      std::string resource = v["resource"].get<std::string>();
      std::string action = v["action"].get<std::string>();
      bool expected = v["allowed"].get<bool>();
      std::vector<Attribute> attributes;
      if (v.contains("attributes")) {
        ASSERT_OK_AND_ASSIGN(attributes,
                             ParseAttributesJson(v["attributes"].dump()));
      }
      std::vector<AttributeView> views;
      for (const Attribute& a : attributes) views.push_back({a.name, a.value});

      ASSERT_OK_AND_ASSIGN(RoleSet role_set,
                           rule_case.engine->Resolve(principal));
      Decision decision =
          rule_case.engine->Check(role_set, resource, action, views);
      EXPECT_EQ(decision.allowed, expected)
          << "engine reason " << ReasonText(decision.reason);

      ReferenceEvaluator reference(rule_case.policy, rule_case.acl);
      ReferenceDecision ref =
          reference.Decide(principal, resource, action, attributes);
      EXPECT_EQ(ref.allowed, expected) << "reference " << ToString(ref);
      EXPECT_EQ(ReasonText(decision.reason), ReasonText(ref.reason))
          << "engine " << ReasonText(decision.reason) << ", reference "
          << ReasonText(ref.reason);
      completed = true;
    }();
    if (completed) ++checked;
  }
  EXPECT_EQ(checked, CountKindInFile("rules.jsonl", "rule_decide"));
  EXPECT_GT(checked, 0);
}

// rules.jsonl, kind `request_invalid`: the policy is valid, but the principal
// or the request is not: an error, never a decision. The reference evaluator
// refuses it too.
TEST(RuleVectors, EveryRequestInvalidLine) {
  std::vector<VectorLine> lines = ReadVectors("rules.jsonl", "request_invalid");
  int checked = 0;
  for (const VectorLine& line : lines) {
    bool completed = false;
    [&] {
      SCOPED_TRACE(absl::StrCat("rules.jsonl:", line.number, ": ", line.text));
      const json& v = line.value;
      RuleCase rule_case;
      BuildRuleCase(v, &rule_case);
      ASSERT_NE(rule_case.engine, nullptr);
      std::string resource = v["resource"].get<std::string>();
      std::string action = v["action"].get<std::string>();

      absl::StatusOr<PrincipalSpec> principal =
          ParsePrincipalJson(v["principal"].dump());
      bool engine_refused = !principal.ok();
      if (principal.ok()) {
        absl::StatusOr<RoleSet> role_set =
            rule_case.engine->Resolve(*principal);
        engine_refused =
            !role_set.ok() ||
            !CompiledPolicy::ValidateRequest(resource, action).ok();
        if (role_set.ok()) {
          // Whatever the route, a check must not allow it.
          Decision decision =
              rule_case.engine->Check(*role_set, resource, action);
          EXPECT_FALSE(decision.allowed);
        }
        ReferenceEvaluator reference(rule_case.policy, rule_case.acl);
        EXPECT_EQ(reference.Decide(*principal, resource, action),
                  (ReferenceDecision{false, Reason::kInvalidRequest}));
      }
      EXPECT_TRUE(engine_refused) << "an invalid request was accepted";
      completed = true;
    }();
    if (completed) ++checked;
  }
  EXPECT_EQ(checked, CountKindInFile("rules.jsonl", "request_invalid"));
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace warden
