// Checks every parsing case of the conformance vectors
// (tests/data/vectors/*.jsonl) and the round trip of every valid input.
#include <cstddef>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

using json = nlohmann::json;

struct Vector {
  std::string file;
  int line = 0;
  json value;

  std::string Where() const { return file + ":" + std::to_string(line); }
};

std::vector<Vector> LoadVectors(const std::string& name) {
  std::string path =
      std::string(WARDEN_SOURCE_DIR) + "/tests/data/vectors/" + name;
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<Vector> out;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    json value = json::parse(line, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(value.is_discarded()) << name << ":" << number;
    if (value.is_discarded() || !value.is_object()) continue;
    out.push_back(Vector{name, number, std::move(value)});
  }
  return out;
}

std::string Str(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

bool Bool(const json& object, const char* key, bool fallback) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

bool IsKind(const Vector& v, absl::string_view kind) {
  return Str(v.value, "kind") == kind;
}

// The offset must lie within the input (the end included).
void ExpectOffsetWithin(const absl::Status& status, absl::string_view input,
                        const std::string& where) {
  std::optional<size_t> offset = ErrorOffset(status);
  ASSERT_TRUE(offset.has_value()) << where << ": no offset in " << status;
  EXPECT_LE(*offset, input.size()) << where;
}

void ExpectRoleParts(const Role& role, const json& v,
                     const std::string& where) {
  EXPECT_EQ(RoleKindName(role.kind), Str(v, "role")) << where;
  EXPECT_EQ(role.id, Str(v, "identifier")) << where;
  EXPECT_EQ(role.dimension, Str(v, "dimension")) << where;
}

TEST(Conformance, AppwriteParseVectors) {
  int checked = 0;
  for (const Vector& v : LoadVectors("appwrite.jsonl")) {
    if (!IsKind(v, "parse")) continue;
    ++checked;
    std::string input = Str(v.value, "input");
    absl::StatusOr<AclEntry> entry = ParseAclEntry(input);
    if (Bool(v.value, "valid", false)) {
      ASSERT_TRUE(entry.ok()) << v.Where() << ": " << entry.status();
      EXPECT_EQ(AclActionName(entry->action), Str(v.value, "permission"))
          << v.Where();
      ExpectRoleParts(entry->role, v.value, v.Where());
      EXPECT_EQ(entry->ToString(), input) << v.Where();
    } else {
      ASSERT_FALSE(entry.ok()) << v.Where() << ": accepted `" << input << "`";
      EXPECT_EQ(entry.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(entry.status().message(), Str(v.value, "appwrite_error"))
          << v.Where();
      ExpectOffsetWithin(entry.status(), input, v.Where());
    }
  }
  EXPECT_GT(checked, 50);
}

TEST(Conformance, AppwriteExtraVectors) {
  int checked = 0;
  for (const Vector& v : LoadVectors("appwrite_extra.jsonl")) {
    std::string kind = Str(v.value, "kind");
    std::string input = Str(v.value, "input");
    if (kind == "parse_quirk") {
      ++checked;
      EXPECT_FALSE(Bool(v.value, "recommended_strict_valid", true));
      absl::StatusOr<AclEntry> entry = ParseAclEntry(input);
      ASSERT_FALSE(entry.ok())
          << v.Where() << ": accepted quirk `" << input << "`";
      ExpectOffsetWithin(entry.status(), input, v.Where());
      // A message of ours: not one of Appwrite's capitalised messages.
      EXPECT_FALSE(entry.status().message().empty());
    } else if (kind == "parse_scoped") {
      ++checked;
      std::string scope = Str(v.value, "scope");
      ASSERT_TRUE(scope == "document" || scope == "file") << v.Where();
      absl::StatusOr<AclEntry> entry = ParseAclEntry(input, AclScope::kLeaf);
      if (Bool(v.value, "valid", false)) {
        ASSERT_TRUE(entry.ok()) << v.Where() << ": " << entry.status();
        EXPECT_EQ(entry->ToString(), input) << v.Where();
        // The same entry is fine on a container too.
        EXPECT_TRUE(ParseAclEntry(input, AclScope::kContainer).ok());
      } else {
        ASSERT_FALSE(entry.ok()) << v.Where();
        EXPECT_EQ(entry.status().message(), Str(v.value, "appwrite_error"))
            << v.Where();
        ExpectOffsetWithin(entry.status(), input, v.Where());
      }
    } else if (kind == "legacy" || kind == "non_appwrite_form") {
      ++checked;
      absl::StatusOr<AclEntry> entry = ParseAclEntry(input);
      ASSERT_FALSE(entry.ok()) << v.Where();
      EXPECT_EQ(entry.status().message(), Str(v.value, "appwrite_error"))
          << v.Where();
      ExpectOffsetWithin(entry.status(), input, v.Where());
    } else if (kind == "role") {
      ++checked;
      absl::StatusOr<Role> role = ParseRole(input, RoleSyntax::kStandalone);
      if (Bool(v.value, "valid", false)) {
        ASSERT_TRUE(role.ok()) << v.Where() << ": " << role.status();
        if (v.value.contains("canonical")) {
          EXPECT_EQ(role->ToString(), Str(v.value, "canonical")) << v.Where();
        } else {
          ExpectRoleParts(*role, v.value, v.Where());
        }
      } else {
        ASSERT_FALSE(role.ok()) << v.Where();
        ExpectOffsetWithin(role.status(), input, v.Where());
      }
      // As Appwrite reads a bare role: its message when it refuses one.
      std::string appwrite_error = Str(v.value, "appwrite_error");
      absl::StatusOr<Role> acl_role = ParseRole(input, RoleSyntax::kAclEntry);
      if (!appwrite_error.empty()) {
        ASSERT_FALSE(acl_role.ok()) << v.Where();
        EXPECT_EQ(acl_role.status().message(), appwrite_error) << v.Where();
      } else {
        EXPECT_TRUE(acl_role.ok()) << v.Where() << ": " << acl_role.status();
      }
    } else if (kind == "sdk") {
      ++checked;
      std::string output = Str(v.value, "output");
      std::string call = Str(v.value, "call");
      bool server_rejects = absl::StrContains(output, "user:\"") ||
                            output == "user:" ||
                            absl::StrContains(output, "team:/") ||
                            absl::StrContains(output, "users/bogus") ||
                            absl::StrContains(output, "\xc3\xbc");
      if (absl::StrContains(output, "(\"")) {
        absl::StatusOr<AclEntry> entry = ParseAclEntry(output);
        EXPECT_EQ(entry.ok(), !server_rejects)
            << v.Where() << ": " << call << " -> " << output;
        if (entry.ok()) {
          EXPECT_EQ(entry->ToString(), output);
        }
      } else {
        absl::StatusOr<Role> role = ParseRole(output, RoleSyntax::kAclEntry);
        EXPECT_EQ(role.ok(), !server_rejects)
            << v.Where() << ": " << call << " -> " << output;
        absl::StatusOr<Role> standalone =
            ParseRole(output, RoleSyntax::kStandalone);
        EXPECT_EQ(standalone.ok(), !server_rejects) << v.Where();
        if (role.ok()) {
          EXPECT_EQ(role->ToString(), output);
        }
      }
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(Conformance, RuleParseVectors) {
  int checked = 0;
  for (const Vector& v : LoadVectors("rules.jsonl")) {
    if (!IsKind(v, "rule_parse")) continue;
    ++checked;
    std::string input = Str(v.value, "input");
    absl::StatusOr<Rule> rule = ParseRule(input);
    if (Bool(v.value, "valid", false)) {
      ASSERT_TRUE(rule.ok()) << v.Where() << ": " << rule.status();
      EXPECT_EQ(rule->ToString(), Str(v.value, "canonical")) << v.Where();
    } else {
      ASSERT_FALSE(rule.ok()) << v.Where() << ": accepted `" << input << "`";
      EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument);
      ExpectOffsetWithin(rule.status(), input, v.Where());
    }
  }
  EXPECT_GT(checked, 40);
}

TEST(Conformance, PolicyErrorVectors) {
  int checked = 0;
  for (const Vector& v : LoadVectors("rules.jsonl")) {
    if (!IsKind(v, "policy_error")) continue;
    ++checked;
    const json& lines = v.value["policy"];
    ASSERT_TRUE(lines.is_array()) << v.Where();
    std::string text;
    for (const json& line : lines) {
      ASSERT_TRUE(line.is_string());
      text += line.get<std::string>() + "\n";
    }
    std::vector<int> expected_lines;
    for (const json& n : v.value["lines"]) {
      ASSERT_TRUE(n.is_number_integer());
      expected_lines.push_back(n.get<int>());
    }
    PolicyParseResult result =
        ParsePolicyFiles({PolicyFile{"vector.warden", text}});
    ASSERT_FALSE(result.ok()) << v.Where();
    bool found = false;
    for (const Diagnostic& d : result.diagnostics) {
      if (d.severity != Severity::kError) continue;
      EXPECT_EQ(d.location.file, "vector.warden");
      for (int n : expected_lines) found = found || d.location.line == n;
    }
    EXPECT_TRUE(found) << v.Where() << ":\n"
                       << FormatDiagnostics(result.diagnostics);
  }
  EXPECT_GT(checked, 2);
}

// Every valid input: the canonical printing parses back to the same value
// and prints the same bytes.
TEST(Conformance, RoundTripOfEveryValidInput) {
  int checked = 0;
  for (const char* file :
       {"appwrite.jsonl", "appwrite_extra.jsonl", "rules.jsonl"}) {
    for (const Vector& v : LoadVectors(file)) {
      std::string kind = Str(v.value, "kind");
      std::string input = Str(v.value, "input");
      if (!Bool(v.value, "valid", false)) continue;
      if (kind == "parse" || kind == "parse_scoped") {
        AclScope scope =
            kind == "parse" ? AclScope::kContainer : AclScope::kLeaf;
        absl::StatusOr<AclEntry> first = ParseAclEntry(input, scope);
        ASSERT_TRUE(first.ok()) << v.Where();
        std::string printed = first->ToString();
        absl::StatusOr<AclEntry> second = ParseAclEntry(printed, scope);
        ASSERT_TRUE(second.ok()) << v.Where() << ": " << printed;
        EXPECT_EQ(*first, *second) << v.Where();
        EXPECT_EQ(second->ToString(), printed) << v.Where();
        ++checked;
      } else if (kind == "role") {
        absl::StatusOr<Role> first = ParseRole(input, RoleSyntax::kStandalone);
        ASSERT_TRUE(first.ok()) << v.Where();
        std::string printed = first->ToString();
        absl::StatusOr<Role> second =
            ParseRole(printed, RoleSyntax::kStandalone);
        ASSERT_TRUE(second.ok()) << v.Where() << ": " << printed;
        EXPECT_EQ(*first, *second) << v.Where();
        EXPECT_EQ(second->ToString(), printed) << v.Where();
        ++checked;
      } else if (kind == "rule_parse") {
        absl::StatusOr<Rule> first = ParseRule(input);
        ASSERT_TRUE(first.ok()) << v.Where();
        std::string printed = first->ToString();
        absl::StatusOr<Rule> second = ParseRule(printed);
        ASSERT_TRUE(second.ok()) << v.Where() << ": " << printed;
        EXPECT_TRUE(first->SameValue(*second)) << v.Where();
        EXPECT_EQ(second->ToString(), printed) << v.Where();
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 60);
}

// Parses `text` as an ACL entry (if it has the `x("…")` shape) or else as a
// role, in Appwrite's spelling, and checks that it prints back unchanged.
void ExpectCanonicalAppwriteString(const std::string& text,
                                   const std::string& where) {
  if (absl::StrContains(text, "(\"")) {
    absl::StatusOr<AclEntry> entry = ParseAclEntry(text);
    ASSERT_TRUE(entry.ok()) << where << ": " << text << ": " << entry.status();
    EXPECT_EQ(entry->ToString(), text) << where;
    return;
  }
  absl::StatusOr<Role> role = ParseRole(text, RoleSyntax::kAclEntry);
  ASSERT_TRUE(role.ok()) << where << ": " << text << ": " << role.status();
  EXPECT_EQ(role->ToString(), text) << where;
  absl::StatusOr<Role> standalone = ParseRole(text, RoleSyntax::kStandalone);
  ASSERT_TRUE(standalone.ok()) << where;
  EXPECT_EQ(*standalone, *role) << where;
}

void ForEachString(const json& value, const char* key,
                   const std::function<void(const std::string&)>& f) {
  auto it = value.find(key);
  if (it == value.end()) return;
  if (it->is_string()) f(it->get<std::string>());
  if (!it->is_array()) return;
  for (const json& item : *it) {
    if (item.is_string()) f(item.get<std::string>());
  }
}

// Every permission string and role the vectors use as data (decisions,
// aggregates, principals, what Appwrite stores) is a valid, canonical
// string of its form.
TEST(Conformance, PermissionsAndRolesUsedAsDataAreCanonical) {
  int checked = 0;
  for (const char* file : {"appwrite.jsonl", "appwrite_extra.jsonl"}) {
    for (const Vector& v : LoadVectors(file)) {
      std::string kind = Str(v.value, "kind");
      auto check = [&](const std::string& text) {
        ExpectCanonicalAppwriteString(text, v.Where());
        ++checked;
      };
      if (kind == "decide" || kind == "principal") {
        ForEachString(v.value, "roles", check);
      }
      if (kind == "decide") ForEachString(v.value, "permissions", check);
      if (kind == "aggregate") {
        ForEachString(v.value, "input", check);
        ForEachString(v.value, "output", check);
      }
      if (kind == "parse_quirk") {
        ForEachString(v.value, "appwrite_stored_as", check);
      }
      if (kind == "parse_scoped") ForEachString(v.value, "stored_as", check);
      if (kind == "legacy") ForEachString(v.value, "maps_to_1x", check);
    }
  }
  EXPECT_GT(checked, 100);
}

// The policies of rule_decide / request_invalid vectors are valid policies:
// they parse without errors and their printing parses back to the same
// statements.
TEST(Conformance, DecisionPoliciesParseAndRoundTrip) {
  int checked = 0;
  for (const Vector& v : LoadVectors("rules.jsonl")) {
    std::string kind = Str(v.value, "kind");
    if (kind != "rule_decide" && kind != "request_invalid") continue;
    const json& lines = v.value["policy"];
    if (!lines.is_array()) continue;
    std::string text;
    for (const json& line : lines) {
      if (line.is_string()) text += line.get<std::string>() + "\n";
    }
    PolicyParseResult result = ParsePolicy(text, "decide.warden");
    ASSERT_TRUE(result.ok()) << v.Where() << ":\n"
                             << FormatDiagnostics(result.diagnostics);
    std::string printed = PrintPolicy(result.policy);
    PolicyParseResult again = ParsePolicy(printed, "printed.warden");
    ASSERT_TRUE(again.ok()) << v.Where() << ":\n" << printed;
    ASSERT_EQ(again.policy.rules.size(), result.policy.rules.size());
    for (size_t i = 0; i < result.policy.rules.size(); ++i) {
      EXPECT_TRUE(again.policy.rules[i].SameValue(result.policy.rules[i]))
          << v.Where();
    }
    EXPECT_EQ(PrintPolicy(again.policy), printed) << v.Where();
    absl::StatusOr<std::string> formatted = FormatPolicy(text, "decide.warden");
    ASSERT_TRUE(formatted.ok()) << v.Where() << ": " << formatted.status();
    absl::StatusOr<std::string> twice =
        FormatPolicy(*formatted, "decide.warden");
    ASSERT_TRUE(twice.ok()) << v.Where();
    EXPECT_EQ(*twice, *formatted) << v.Where();
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace warden
