#include "parser/policy.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/diagnostic.h"
#include "parser/parse_options.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::StatusIs;

std::vector<std::string> Headlines(const std::vector<Diagnostic>& diagnostics) {
  std::vector<std::string> out;
  for (const Diagnostic& d : diagnostics) out.push_back(d.Headline());
  return out;
}

TEST(Policy, ParsesEveryStatementKind) {
  constexpr char kText[] =
      "# a policy\n"
      "role editor: viewer, commenter     # editors also view\n"
      "role viewer\n"
      "\n"
      "  document:read(role:viewer)\n"
      "document:write(role:editor, team:t1/owner)\n"
      "deny document:delete(guests)\n"
      "collection databases/main/collections/posts documentSecurity\n"
      "table databases/main/tables/t rowSecurity\n"
      "bucket buckets/b1 fileSecurity\n";
  PolicyParseResult result = ParsePolicy(kText, "p.warden");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  // `commenter` is declared by being named as a parent: no warning.
  EXPECT_TRUE(result.diagnostics.empty())
      << FormatDiagnostics(result.diagnostics);
  ASSERT_EQ(result.policy.roles.size(), 2u);
  EXPECT_EQ(result.policy.roles[0].name, "editor");
  EXPECT_THAT(result.policy.roles[0].parents,
              ::testing::ElementsAre("viewer", "commenter"));
  EXPECT_EQ(result.policy.roles[0].location,
            (SourceLocation{"p.warden", 2, 1}));
  ASSERT_EQ(result.policy.rules.size(), 3u);
  EXPECT_EQ(result.policy.rules[0].location,
            (SourceLocation{"p.warden", 5, 3}));
  EXPECT_EQ(result.policy.rules[2].ToString(), "deny document:delete(guests)");
  ASSERT_EQ(result.policy.flags.size(), 3u);
  EXPECT_EQ(result.policy.flags[0].container,
            "databases/main/collections/posts");
  EXPECT_EQ(result.policy.flags[1].container, "databases/main/collections/t");
  EXPECT_EQ(result.policy.flags[1].kind, SecurityFlagKind::kDocumentSecurity);
  EXPECT_EQ(result.policy.flags[2].kind, SecurityFlagKind::kFileSecurity);
  EXPECT_EQ(result.policy.flags[2].location.line, 10);
}

TEST(Policy, ReportsEveryErrorWithLineColumnAndCaret) {
  constexpr char kText[] =
      "document:read(any)\n"
      "document:read\n"
      "   document:read(user:_x)   # bad id\n"
      "role users\n"
      "collection databases/d1/collections/c1 fileSecurity\n"
      "bucket buckets/b1/files/f fileSecurity\n"
      "document:read(any) # fine\n"
      "document :read(any)\n";
  PolicyParseResult result = ParsePolicy(kText, "p.warden");
  EXPECT_FALSE(result.ok());
  std::vector<std::string> headlines = Headlines(result.diagnostics);
  ASSERT_EQ(headlines.size(), 6u) << FormatDiagnostics(result.diagnostics);
  EXPECT_THAT(headlines[0], HasSubstr("p.warden:2:14: error: rule "
                                      "`document:read` names no roles"));
  EXPECT_THAT(headlines[1], HasSubstr("p.warden:3:23: error: invalid user id"));
  EXPECT_THAT(headlines[2], HasSubstr("p.warden:4:6: error: `users` is a "
                                      "reserved role name"));
  EXPECT_THAT(headlines[3],
              HasSubstr("p.warden:5:40: error: `fileSecurity` belongs to "
                        "buckets"));
  EXPECT_THAT(headlines[4], HasSubstr("p.warden:6:8: error: `bucket` needs a "
                                      "bucket path"));
  EXPECT_THAT(headlines[5], HasSubstr("p.warden:8:9: error: unexpected "
                                      "whitespace"));
  EXPECT_EQ(result.diagnostics[1].source_line,
            "   document:read(user:_x)   # bad id");
  EXPECT_TRUE(absl::EndsWith(result.diagnostics[1].ToString(),
                             "\n   document:read(user:_x)   # bad id\n"
                             "                      ^"))
      << result.diagnostics[1].ToString();
  // The rules that parsed are kept.
  EXPECT_EQ(result.policy.rules.size(), 2u);
}

TEST(Policy, HashInsideRegexIsNotAComment) {
  PolicyParseResult result =
      ParsePolicy("~\"a#b\":read(any)  # real comment\n", "p.warden");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  ASSERT_EQ(result.policy.rules.size(), 1u);
  EXPECT_EQ(result.policy.rules[0].resource.text, "a#b");
  result = ParsePolicy("~\"a\\\"#\":read(any)\n", "p.warden");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  EXPECT_EQ(result.policy.rules[0].resource.text, "a\"#");
}

TEST(Policy, CycleNamedAndReportedWhereItCloses) {
  PolicyParseResult result =
      ParsePolicy("role a: b\nrole b: c\nrole c: a\n", "p.warden");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].location, (SourceLocation{"p.warden", 3, 1}));
  EXPECT_EQ(result.diagnostics[0].message,
            "role hierarchy has a cycle: `a -> b -> c -> a`");
  EXPECT_EQ(result.diagnostics[0].source_line, "role c: a");

  // Declared the other way round, the cycle still starts at its first role.
  result = ParsePolicy("role c: a\nrole b: c\nrole a: b\n", "p.warden");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].location.line, 3);
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("`c -> a -> b -> c`"));

  result = ParsePolicy("role a: a\n", "p.warden");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("`a -> a`"));

  // Re-declaring adds parents; a diamond is not a cycle.
  result = ParsePolicy("role a: b, c\nrole b: d\nrole c: d\nrole a: d\n",
                       "p.warden");
  EXPECT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
}

TEST(Policy, EveryCycleIsReportedOnce) {
  PolicyParseResult result = ParsePolicy(
      "role a: b\nrole b: a\nrole c: d\nrole d: e\nrole e: c, a\n"
      "role b: a\n",
      "p.warden");
  std::vector<std::string> headlines = Headlines(result.diagnostics);
  EXPECT_THAT(headlines, ::testing::ElementsAre(
                             "p.warden:2:1: error: role hierarchy has a cycle: "
                             "`a -> b -> a`",
                             "p.warden:5:1: error: role hierarchy has a cycle: "
                             "`c -> d -> e -> c`",
                             "p.warden:6:1: error: role hierarchy has a cycle: "
                             "`a -> b -> a`"));
}

TEST(Policy, LongHierarchiesStayFast) {
  std::string text;
  constexpr int kRoles = 20000;
  for (int i = 0; i < kRoles; ++i) {
    text += "role r" + std::to_string(i) + ": r" + std::to_string(i + 1) + "\n";
  }
  text += "role r" + std::to_string(kRoles) + ": r0\n";
  PolicyParseResult result = ParsePolicy(text, "long.warden");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].location.line, kRoles + 1);
  EXPECT_THAT(
      result.diagnostics[0].message,
      ::testing::StartsWith("role hierarchy has a cycle: `r0 -> r1 -> "));
  EXPECT_THAT(result.diagnostics[0].message,
              HasSubstr("r15 -> ... (19969 more roles) -> r19985 -> "));
  EXPECT_THAT(result.diagnostics[0].message,
              ::testing::EndsWith("r19999 -> r20000 -> r0`"));
}

TEST(Policy, CyclesAcrossFiles) {
  PolicyParseResult result = ParsePolicyFiles(
      {PolicyFile{"one.warden", "role a: b\n"},
       PolicyFile{"two.warden", "document:read(role:a)\nrole b: a\n"}});
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].Headline(),
            "two.warden:2:1: error: role hierarchy has a cycle: "
            "`a -> b -> a`");
  EXPECT_EQ(result.diagnostics[0].source_line, "role b: a");
  EXPECT_EQ(result.policy.rules.size(), 1u);
  EXPECT_EQ(result.policy.roles.size(), 2u);
}

TEST(Policy, UndeclaredCustomRoleIsAWarning) {
  PolicyParseResult result = ParsePolicy(
      "role editor\ndocument:read(role:editor, role:ghost, role:ghost)\n",
      "p.warden");
  EXPECT_TRUE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(result.diagnostics[0].location.line, 2);
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("`role:ghost`"));
  EXPECT_EQ(result.diagnostics[0].source_line,
            "document:read(role:editor, role:ghost, role:ghost)");

  // Declared in another file of the same policy: no warning.
  result = ParsePolicyFiles({PolicyFile{"a.warden", "document:read(role:x)\n"},
                             PolicyFile{"b.warden", "role x\n"}});
  EXPECT_TRUE(result.diagnostics.empty())
      << FormatDiagnostics(result.diagnostics);
}

TEST(Policy, DeclarationSyntax) {
  PolicyParseResult result =
      ParsePolicy("role editor:viewer,   commenter, viewer\n", "p.warden");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  EXPECT_THAT(result.policy.roles[0].parents,
              ::testing::ElementsAre("viewer", "commenter"));
  const struct {
    const char* line;
    int column;
  } kBad[] = {
      {"role editor : viewer", 12},
      {"role editor: viewer commenter", 20},
      {"role editor: ", 13},
      {"role _x", 6},
      {"role editor: guests", 14},
      {"role a.b", 7},
      {"role editor: viewer,", 21},
      {"role", 5},
      {"  role  ", 7},
  };
  for (const auto& c : kBad) {
    result = ParsePolicy(c.line, "p.warden");
    ASSERT_EQ(result.diagnostics.size(), 1u) << c.line;
    EXPECT_EQ(result.diagnostics[0].location.column, c.column)
        << c.line << ": " << result.diagnostics[0].message;
  }
}

TEST(Policy, FlagLineAgreement) {
  const struct {
    const char* line;
    int column;
    const char* message;
  } kBad[] = {
      {"collection databases/d1/collections/c1 fileSecurity", 40,
       "belongs to buckets"},
      {"bucket buckets/b1 documentSecurity", 19, "belongs to collections"},
      {"bucket databases/d1/collections/c1 fileSecurity", 8, "bucket path"},
      {"collection buckets/b1 documentSecurity", 12, "collection path"},
      {"collection databases/d1/collections/* documentSecurity", 37,
       "invalid character"},
      {"collection databases/d1/collections/c1", 39,
       "expected a security flag"},
      {"collection databases/d1/collections/c1 documentSecurity x", 57,
       "unexpected text"},
      {"collection databases/d1/collections/c1 docSecurity", 40,
       "unknown security flag"},
      {"table databases/d1/collections/c1/documents/x rowSecurity", 7,
       "collection path"},
  };
  for (const auto& c : kBad) {
    PolicyParseResult result = ParsePolicy(c.line, "p.warden");
    ASSERT_EQ(result.diagnostics.size(), 1u) << c.line;
    EXPECT_EQ(result.diagnostics[0].location.column, c.column) << c.line;
    EXPECT_THAT(result.diagnostics[0].message, HasSubstr(c.message)) << c.line;
  }
  // `collection:read(any)` is a rule, not a flag line.
  PolicyParseResult rule = ParsePolicy("collection:read(any)\n", "p.warden");
  EXPECT_TRUE(rule.ok());
  EXPECT_EQ(rule.policy.rules.size(), 1u);
}

TEST(Policy, Limits) {
  ParseOptions options;
  options.max_policy_bytes = 10;
  PolicyParseResult result =
      ParsePolicy("document:read(any)\n", "p.warden", options);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("max_policy_bytes"));

  ParseOptions few;
  few.max_diagnostics = 2;
  result = ParsePolicy("a\nb\nc\nd\ne\n", "p.warden", few);
  ASSERT_EQ(result.diagnostics.size(), 3u);
  EXPECT_EQ(result.diagnostics[0].location.line, 1);
  EXPECT_EQ(result.diagnostics[1].location.line, 2);
  EXPECT_THAT(result.diagnostics[2].message, HasSubstr("3 more"));
  EXPECT_EQ(result.diagnostics[2].severity, Severity::kError);
  // The summary has a location like every diagnostic (here the last one
  // shown, since the parser stopped collecting after two).
  EXPECT_EQ(result.diagnostics[2].location.line, 2);
  EXPECT_GE(result.diagnostics[2].location.column, 1);
  // A file over the size limit is reported at its start.
  result = ParsePolicy("document:read(any)\n", "p.warden", options);
  EXPECT_EQ(result.diagnostics[0].location.line, 1);
  EXPECT_EQ(result.diagnostics[0].location.column, 1);

  // Only warnings left out: the summary is a warning, the policy is valid.
  result = ParsePolicy(
      "document:read(role:a)\ndocument:read(role:b)\ndocument:read(role:c)\n",
      "p.warden", few);
  EXPECT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  ASSERT_EQ(result.diagnostics.size(), 3u);
  EXPECT_EQ(result.diagnostics[2].severity, Severity::kWarning);
  EXPECT_THAT(result.diagnostics[2].message, HasSubstr("1 more"));
}

TEST(Policy, CarriageReturnsAndBlankLines) {
  PolicyParseResult result = ParsePolicy(
      "document:read(any)\r\n\r\n  \t\ndocument:read\r\n", "p.warden");
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0].location,
            (SourceLocation{"p.warden", 4, 14}));
  EXPECT_EQ(result.diagnostics[0].source_line, "document:read");
}

TEST(Lint, Warnings) {
  PolicyParseResult result = ParsePolicy(
      "documents:read(any)\n"
      "databases/d1/collections:read(any)\n"
      "databases/d1/collections/**:read(any)\n"
      "deny document:delete(user:$ownerId)\n"
      "document:update(user:$ownerId)\n"
      "document:read(any)\n",
      "p.warden");
  ASSERT_TRUE(result.ok());
  std::vector<Diagnostic> lint;
  LintPolicy(result.policy, &lint);
  ASSERT_EQ(lint.size(), 3u) << FormatDiagnostics(lint);
  for (const Diagnostic& d : lint) EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_EQ(lint[0].location.line, 1);
  EXPECT_THAT(lint[0].message, HasSubstr("`document`"));
  EXPECT_EQ(lint[1].location.line, 2);
  EXPECT_THAT(lint[1].message, HasSubstr("3 segments"));
  EXPECT_EQ(lint[2].location.line, 4);
  EXPECT_THAT(lint[2].message, HasSubstr("user:$ownerId"));
  AttachSourceLines({PolicyFile{"p.warden", "documents:read(any)\n"}}, &lint);
  EXPECT_EQ(lint[0].source_line, "documents:read(any)");
  EXPECT_EQ(lint[1].source_line, "");
}

TEST(Lint, OnlyPluralsOfKnownKindsAreWarnedAbout) {
  // `bus`, `status` and `s` are ordinary types (kind `buss/…` has type
  // `bus`); only plurals of known kinds can never match.
  PolicyParseResult result = ParsePolicy(
      "bus:read(any)\nstatus:read(any)\ns:read(any)\nrows:read(any)\n",
      "p.warden");
  ASSERT_TRUE(result.ok());
  std::vector<Diagnostic> lint;
  LintPolicy(result.policy, &lint);
  ASSERT_EQ(lint.size(), 1u) << FormatDiagnostics(lint);
  EXPECT_EQ(lint[0].location.line, 4);
  EXPECT_THAT(lint[0].message, HasSubstr("did you mean `document`"));
}

TEST(Fmt, CanonicalStatementsKeepingCommentsAndBlankLines) {
  constexpr char kText[] =
      "# header comment\n"
      "\n"
      "   role editor:viewer,viewer   #  parents\n"
      "document:read[role:all,   role:member]\n"
      "\t*:write(users[$userId])#tight\n"
      "table databases/d/tables/t   rowSecurity\n"
      "\n"
      "\n"
      "bucket buckets/b fileSecurity\n"
      "deny row:delete(role:guest)\n";
  absl::StatusOr<std::string> formatted = FormatPolicy(kText, "p.warden");
  ASSERT_TRUE(formatted.ok()) << formatted.status();
  EXPECT_EQ(*formatted,
            "# header comment\n"
            "\n"
            "role editor: viewer  #  parents\n"
            "document:read(any, users)\n"
            "any:write(user:$userId)  #tight\n"
            "collection databases/d/collections/t documentSecurity\n"
            "\n"
            "\n"
            "bucket buckets/b fileSecurity\n"
            "deny document:delete(guests)\n");
  absl::StatusOr<std::string> again = FormatPolicy(*formatted, "p.warden");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *formatted);
}

TEST(Fmt, FailsWithTheDiagnostics) {
  absl::StatusOr<std::string> formatted =
      FormatPolicy("document:read(any)\ndocument:read\n", "p.warden");
  EXPECT_THAT(formatted, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("p.warden:2:14: error:")));
}

TEST(Print, RoundTrip) {
  PolicyParseResult result = ParsePolicy(
      "document:read[role:all]\nrole a: b, c\nbucket buckets/x fileSecurity\n"
      "~\"x\\\"y\":read(any)\nrole b\n",
      "p.warden");
  ASSERT_TRUE(result.ok()) << FormatDiagnostics(result.diagnostics);
  std::string printed = PrintPolicy(result.policy);
  EXPECT_EQ(printed,
            "role a: b, c\nrole b\nbucket buckets/x fileSecurity\n"
            "document:read(any)\n~\"x\\\"y\":read(any)\n");
  PolicyParseResult again = ParsePolicy(printed, "printed.warden");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(PrintPolicy(again.policy), printed);
}

TEST(Policy, Append) {
  Policy a = ParsePolicy("role x\ndocument:read(any)\n", "a").policy;
  Policy b = ParsePolicy("bucket buckets/b fileSecurity\nfile:read(any)\n", "b")
                 .policy;
  a.Append(std::move(b));
  EXPECT_EQ(a.roles.size(), 1u);
  EXPECT_EQ(a.flags.size(), 1u);
  ASSERT_EQ(a.rules.size(), 2u);
  EXPECT_EQ(a.rules[1].location.file, "b");
}

}  // namespace
}  // namespace warden
