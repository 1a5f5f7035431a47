// Property tests over many generated strings: parsing never crashes, every
// error carries an offset within the input and a one-line message, and every
// accepted input round-trips through its canonical printing.
#include <cstddef>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/acl_entry.h"
#include "parser/policy.h"
#include "parser/role.h"
#include "parser/rule.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

constexpr const char* kFragments[] = {
    "read",
    "create",
    "update",
    "delete",
    "write",
    "(",
    "\"",
    ")",
    "\")",
    "(\"",
    "any",
    "guests",
    "users",
    "user:",
    "team:",
    "member:",
    "label:",
    "role:",
    "role:all",
    "/",
    "[",
    "]",
    ",",
    ", ",
    " ",
    "$",
    "x",
    "0",
    "u1",
    "*",
    "**",
    "~\"",
    "\\",
    "\\\"",
    "deny ",
    "document",
    "table",
    ":",
    "verified",
    "#",
    "\t",
    "\xc3\xa9",
    "owner",
    "a.b",
    "-",
    "_",
    "users[",
    "databases/d/",
    "role ",
    "bucket ",
    "collection ",
    "fileSecurity",
    "documentSecurity",
    "\n",
    ".*",
    "(a|b)",
    "e",
};

std::string Generate(std::mt19937* rng, int max_fragments) {
  std::uniform_int_distribution<int> count(1, max_fragments);
  std::uniform_int_distribution<size_t> pick(0, std::size(kFragments) - 1);
  std::string out;
  for (int i = count(*rng); i > 0; --i) out += kFragments[pick(*rng)];
  return out;
}

void ExpectGoodError(const absl::Status& status, absl::string_view input) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << input;
  std::optional<size_t> offset = ErrorOffset(status);
  ASSERT_TRUE(offset.has_value()) << input << ": " << status;
  EXPECT_LE(*offset, input.size()) << input << ": " << status;
  EXPECT_FALSE(status.message().empty()) << input;
  EXPECT_FALSE(absl::StrContains(status.message(), '\n')) << input;
}

TEST(Robustness, RolesNeverCrashAndRoundTrip) {
  std::mt19937 rng(20260101);
  for (int i = 0; i < 20000; ++i) {
    std::string input = Generate(&rng, 4);
    for (RoleSyntax syntax :
         {RoleSyntax::kAclEntry, RoleSyntax::kRule, RoleSyntax::kStandalone}) {
      absl::StatusOr<Role> role = ParseRole(input, syntax);
      if (!role.ok()) {
        ExpectGoodError(role.status(), input);
        continue;
      }
      std::string printed = role->ToString();
      absl::StatusOr<Role> again = ParseRole(printed, syntax);
      ASSERT_TRUE(again.ok()) << input << " -> " << printed;
      EXPECT_EQ(*again, *role) << input;
      EXPECT_EQ(again->ToString(), printed);
      // Each syntax accepts a subset of the next one's spellings.
      if (syntax == RoleSyntax::kAclEntry) {
        EXPECT_EQ(printed, input);
        absl::StatusOr<Role> standalone =
            ParseRole(input, RoleSyntax::kStandalone);
        ASSERT_TRUE(standalone.ok()) << input;
        EXPECT_EQ(*standalone, *role);
      }
      if (syntax == RoleSyntax::kStandalone) {
        absl::StatusOr<Role> in_rule = ParseRole(input, RoleSyntax::kRule);
        ASSERT_TRUE(in_rule.ok()) << input;
        EXPECT_EQ(*in_rule, *role);
      }
    }
  }
}

TEST(Robustness, AclEntriesNeverCrashAndRoundTrip) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string input = Generate(&rng, 6);
    // Also try the likely-valid shape around a generated role.
    std::string shaped = "read(\"" + Generate(&rng, 3) + "\")";
    for (const std::string& text : {input, shaped}) {
      for (AclScope scope : {AclScope::kContainer, AclScope::kLeaf}) {
        absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
        if (!entry.ok()) {
          ExpectGoodError(entry.status(), text);
          continue;
        }
        // Strict: only the canonical spelling is accepted.
        EXPECT_EQ(entry->ToString(), text);
        if (scope == AclScope::kLeaf) {
          EXPECT_NE(entry->action, AclAction::kCreate);
        }
        absl::StatusOr<Role> role =
            ParseRole(entry->role.ToString(), RoleSyntax::kAclEntry);
        ASSERT_TRUE(role.ok()) << text;
        EXPECT_EQ(*role, entry->role);
      }
    }
  }
}

TEST(Robustness, RulesNeverCrashAndRoundTrip) {
  std::mt19937 rng(99);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input = Generate(&rng, 8);
    std::string shaped = Generate(&rng, 2) + ":" + Generate(&rng, 1) + "(" +
                         Generate(&rng, 3) + ")";
    for (const std::string& text : {input, shaped}) {
      absl::StatusOr<Rule> rule = ParseRule(text);
      if (!rule.ok()) {
        ExpectGoodError(rule.status(), text);
        continue;
      }
      ++accepted;
      EXPECT_FALSE(rule->roles.empty());
      std::string printed = rule->ToString();
      absl::StatusOr<Rule> again = ParseRule(printed);
      ASSERT_TRUE(again.ok())
          << text << " -> " << printed << ": " << again.status();
      EXPECT_TRUE(again->SameValue(*rule)) << text;
      EXPECT_EQ(again->ToString(), printed);
    }
  }
  EXPECT_GT(accepted, 0);
}

TEST(Robustness, PoliciesNeverCrashAndFormatIsIdempotent) {
  std::mt19937 rng(3);
  for (int i = 0; i < 3000; ++i) {
    std::string text = Generate(&rng, 30);
    PolicyParseResult result = ParsePolicy(text, "gen.warden");
    for (const Diagnostic& d : result.diagnostics) {
      EXPECT_EQ(d.location.file, "gen.warden");
      EXPECT_FALSE(absl::StrContains(d.message, '\n')) << d.message;
      if (d.location.line > 0 && d.location.column > 0) {
        EXPECT_LE(static_cast<size_t>(d.location.column),
                  d.source_line.size() + 2)
            << text << "\n"
            << d.ToString();
      }
    }
    if (!result.ok()) continue;
    absl::StatusOr<std::string> formatted = FormatPolicy(text, "gen.warden");
    ASSERT_TRUE(formatted.ok()) << text;
    absl::StatusOr<std::string> twice = FormatPolicy(*formatted, "gen.warden");
    ASSERT_TRUE(twice.ok()) << *formatted;
    EXPECT_EQ(*twice, *formatted);
    std::string printed = PrintPolicy(result.policy);
    PolicyParseResult reparsed = ParsePolicy(printed, "printed.warden");
    ASSERT_TRUE(reparsed.ok()) << printed;
    EXPECT_EQ(PrintPolicy(reparsed.policy), printed);
  }
}

}  // namespace
}  // namespace warden
