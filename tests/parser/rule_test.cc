#include "parser/rule.h"

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/parse_options.h"
#include "parser/syntax_error.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::StatusIs;

std::string Canonical(absl::string_view text,
                      const ParseOptions& options = {}) {
  absl::StatusOr<Rule> rule = ParseRule(text, options);
  if (!rule.ok()) return "ERROR: " + std::string(rule.status().message());
  return rule->ToString();
}

std::optional<size_t> Offset(absl::string_view text,
                             const ParseOptions& options = {}) {
  absl::StatusOr<Rule> rule = ParseRule(text, options);
  if (rule.ok()) return std::nullopt;
  return ErrorOffset(rule.status());
}

TEST(Rule, ParsesTheParts) {
  absl::StatusOr<Rule> rule =
      ParseRule("deny table:write[role:member, team:t1/owner, users]");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_TRUE(rule->deny);
  EXPECT_EQ(rule->resource.kind, PatternKind::kType);
  EXPECT_EQ(rule->resource.text, "collection");
  EXPECT_EQ(rule->action, "write");
  ASSERT_EQ(rule->roles.size(), 2u);  // role:member is users: deduplicated
  EXPECT_EQ(rule->roles[0].ToString(), "users");
  EXPECT_EQ(rule->roles[1].ToString(), "team:t1/owner");
  EXPECT_EQ(rule->location.line, 0);
  EXPECT_EQ(rule->ToString(), "deny collection:write(users, team:t1/owner)");
}

TEST(Rule, ResourceForms) {
  EXPECT_EQ(Canonical("*:read(any)"), "any:read(any)");
  EXPECT_EQ(Canonical("any:read(any)"), "any:read(any)");
  EXPECT_EQ(Canonical("row:read(any)"), "document:read(any)");
  EXPECT_EQ(Canonical("function:execute(users)"), "function:execute(users)");
  EXPECT_EQ(Canonical("databases/*/tables/posts/rows/**:read(any)"),
            "databases/*/collections/posts/documents/**:read(any)");
  EXPECT_EQ(Canonical("tables/rows:read(any)"), "collections/rows:read(any)");
  EXPECT_EQ(Canonical("**/x:read(any)"),
            "ERROR: `**` may only be the last "
            "segment of path pattern `**/x`");
  EXPECT_EQ(Canonical("buckets/**:read(any)"), "buckets/**:read(any)");
  absl::StatusOr<Rule> rule = ParseRule("databases/d1/**:read(any)");
  ASSERT_TRUE(rule.ok());
  EXPECT_EQ(rule->resource.kind, PatternKind::kPath);
}

TEST(Rule, RegexResources) {
  absl::StatusOr<Rule> rule = ParseRule(R"(~"buckets/[a-z]+":read(any))");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->resource.kind, PatternKind::kRegex);
  EXPECT_EQ(rule->resource.text, "buckets/[a-z]+");
  // `\"` stands for `"`; printing re-escapes it.
  rule = ParseRule(R"(~"a\"b":read(any))");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->resource.text, "a\"b");
  EXPECT_EQ(rule->ToString(), R"(~"a\"b":read(any))");
  // Other backslashes go to RE2 verbatim.
  rule = ParseRule(R"(~"a\x5c\d":read(any))");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->resource.text, R"(a\x5c\d)");
  // Colons and parentheses inside the pattern belong to it.
  EXPECT_EQ(Canonical(R"(~"(a|b):c":read(any))"), R"(~"(a|b):c":read(any))");
  // Whitespace inside is an error at the space.
  EXPECT_EQ(Offset(R"(~"a b":read(any))"), 3u);
  EXPECT_EQ(Offset("~\"a\tb\":read(any)"), 3u);
  // Unterminated, invalid, empty.
  EXPECT_EQ(Offset(R"(~"abc)"), 5u);
  EXPECT_THAT(ParseRule(R"(~"(unclosed":read(any))"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("invalid regular expression")));
  EXPECT_FALSE(ParseRule(R"(~"":read(any))").ok());
}

TEST(Rule, RegexBudgets) {
  ParseOptions options;
  options.max_regex_bytes = 8;
  EXPECT_TRUE(ParseRule(R"(~"12345678":read(any))", options).ok());
  EXPECT_THAT(ParseRule(R"(~"123456789":read(any))", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_regex_bytes")));
  EXPECT_EQ(Offset(R"(~"123456789":read(any))", options), 10u);
  ParseOptions small_memory;
  small_memory.regex_max_mem = 64 << 10;
  EXPECT_THAT(ParseRule(R"(~"((a{100}){100}){100}":read(any))", small_memory),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(ParseRule(R"(~"a{10}":read(any))", small_memory).ok());
}

TEST(Rule, ActionForms) {
  EXPECT_EQ(Canonical("document:*(role:admin)"), "document:*(role:admin)");
  EXPECT_EQ(Canonical("function:execute(users)"), "function:execute(users)");
  EXPECT_EQ(Canonical("document:write(users)"), "document:write(users)");
  EXPECT_EQ(Offset("document:Read(any)"), 9u);
  EXPECT_EQ(Offset("document::read(any)"), 9u);
  EXPECT_EQ(Offset("document:re-ad(any)"), 11u);
  EXPECT_THAT(ParseRule("document:re-ad(any)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected `(` or `[` after the action")));
  EXPECT_EQ(Offset("document:" + std::string(65, 'a') + "(any)"), 9u + 64u);
}

TEST(Rule, RuleWithoutRolesSaysHowToWriteTheIntent) {
  EXPECT_THAT(ParseRule("document:read"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "rule `document:read` names no roles; write "
                       "`document:read(any)` to grant everyone"));
  EXPECT_EQ(Offset("document:read"), 13u);
  EXPECT_THAT(ParseRule("deny document:read"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`deny document:read(any)` to deny")));
  EXPECT_THAT(ParseRule("document:read()"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("`document:read(any)`")));
  EXPECT_EQ(Offset("document:read()"), 14u);
  EXPECT_EQ(Offset("document:read[]"), 14u);
}

TEST(Rule, WhitespaceRules) {
  EXPECT_EQ(Canonical("document:read(any,team:t1)"),
            "document:read(any, team:t1)");
  EXPECT_EQ(Canonical("document:read(any,    team:t1)"),
            "document:read(any, team:t1)");
  EXPECT_EQ(Offset("document:read(any ,team:t1)"), 17u);
  EXPECT_EQ(Offset("document:read(any,\tteam:t1)"), 18u);
  EXPECT_EQ(Offset("document:read( any)"), 14u);
  EXPECT_EQ(Offset("document :read(any)"), 8u);
  EXPECT_EQ(Offset("document: read(any)"), 9u);
  EXPECT_EQ(Offset("document:read (any)"), 13u);
  EXPECT_EQ(Offset("document:read(any) "), 18u);
  EXPECT_EQ(Offset("deny  document:read(any)"), 5u);
  EXPECT_EQ(Offset("deny\tdocument:read(any)"), 4u);
  EXPECT_EQ(Offset(" document:read(any)"), 0u);
  EXPECT_EQ(Offset("document:read(role:all) extra"), 23u);
}

TEST(Rule, BracketsAndErrors) {
  EXPECT_EQ(Canonical("document:read[users[any], users[u1]]"),
            "document:read(users, user:u1)");
  EXPECT_EQ(Canonical("document:read(users[verified])"),
            "document:read(users/verified)");
  EXPECT_EQ(Offset("document:read(any]"), 17u);
  EXPECT_EQ(Offset("document:read[any)"), 17u);
  EXPECT_EQ(Offset("document:read(any"), 17u);
  EXPECT_EQ(Offset("document:read(any,)"), 18u);
  EXPECT_EQ(Offset("document:read(any)x"), 18u);
  EXPECT_EQ(Offset("document:read(any)(any)"), 18u);
  EXPECT_EQ(Offset("read(\"any\")"), 4u);
  EXPECT_EQ(Offset("Document:read(any)"), 0u);
  EXPECT_EQ(Offset("documentS:read(any)"), 8u);
  EXPECT_EQ(Offset(":read(any)"), 0u);
  EXPECT_EQ(Offset(""), 0u);
  EXPECT_EQ(Offset("document"), 8u);
  // Role errors point into the rule.
  EXPECT_EQ(Offset("document:read(any, user:_x)"), 24u);
  EXPECT_EQ(Offset("document:read(any, label:vip-1)"), 28u);
}

TEST(Rule, PathPatternErrors) {
  EXPECT_EQ(Offset("databases/d1/collections/post*:read(any)"), 29u);
  EXPECT_EQ(Offset("databases//collections:read(any)"), 10u);
  EXPECT_EQ(Offset("databases/d1/:read(any)"), 13u);
  EXPECT_EQ(Offset("databases/**/documents:read(any)"), 10u);
  EXPECT_EQ(Offset("databases/" + std::string(65, 'x') + ":read(any)"),
            10u + 64u);
}

TEST(Rule, RolesDedupedAfterCanonicalisation) {
  absl::StatusOr<Rule> rule = ParseRule(
      "document:read(role:all, *, any, users[u1], user:u1, role:users[u1])");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->ToString(), "document:read(any, user:u1)");
}

TEST(Rule, MaxRolesPerRule) {
  ParseOptions options;
  options.max_roles_per_rule = 2;
  EXPECT_TRUE(ParseRule("document:read(any, users)", options).ok());
  EXPECT_THAT(ParseRule("document:read(any, users, guests)", options),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("max_roles_per_rule")));
}

TEST(Rule, SameValueIgnoresLocation) {
  absl::StatusOr<Rule> a = ParseRule("document:read(any)");
  absl::StatusOr<Rule> b = ParseRule("document:read[role:all]");
  absl::StatusOr<Rule> c = ParseRule("deny document:read(any)");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  b->location.line = 7;
  EXPECT_TRUE(a->SameValue(*b));
  EXPECT_FALSE(a->SameValue(*c));
}

TEST(Rule, PatternPrinting) {
  ResourcePattern any;
  EXPECT_EQ(any.ToString(), "any");
  ResourcePattern regex{PatternKind::kRegex, "say \"hi\""};
  EXPECT_EQ(regex.ToString(), "~\"say \\\"hi\\\"\"");
}

}  // namespace
}  // namespace warden
