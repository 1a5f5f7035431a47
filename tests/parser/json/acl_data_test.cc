#include "parser/json/acl_data.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/syntax_error.h"

namespace warden {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::vector<std::string> Entries(const ResourceAcl& acl) {
  std::vector<std::string> out;
  for (const AclEntry& e : acl.entries) out.push_back(e.ToString());
  return out;
}

std::string Errors(const AclParseResult& r) {
  return FormatDiagnostics(r.diagnostics);
}

// A line of ACL data with the given resource and permission strings.
std::string Line(const std::string& resource,
                 const std::vector<std::string>& permissions,
                 const std::string& extra = "") {
  nlohmann::json j;
  j["resource"] = resource;
  j["permissions"] = permissions;
  std::string out = j.dump();
  if (!extra.empty()) {
    out.pop_back();
    out += ", " + extra + "}";
  }
  return out;
}

TEST(AclJsonLines, ReadsResourcesEntriesAndFlags) {
  const std::string text = absl::StrCat(
      R"j({"resource": "databases/d1/collections/c1", "permissions": ["read(\"any\")", "write(\"team:t1/owner\")"], "documentSecurity": true})j",
      "\n\n   \n",
      R"({"resource": "buckets/b1", "permissions": [], "fileSecurity": false})",
      "\n",
      R"j({"resource": "databases/d1/collections/c1/documents/x", "permissions": ["update(\"user:u1\")", "write(\"users\")"]})j",
      "\n");
  AclParseResult r = ParseAclJsonLines(text, "acl.jsonl");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  ASSERT_THAT(r.data.resources, SizeIs(3));

  const ResourceAcl& c1 = r.data.resources[0];
  EXPECT_EQ(c1.resource, "databases/d1/collections/c1");
  EXPECT_THAT(Entries(c1),
              ElementsAre("read(\"any\")", "write(\"team:t1/owner\")"));
  EXPECT_EQ(c1.security, std::optional<bool>(true));
  EXPECT_EQ(c1.location.file, "acl.jsonl");
  EXPECT_EQ(c1.location.line, 1);
  EXPECT_EQ(c1.location.column, 1);

  const ResourceAcl& b1 = r.data.resources[1];
  EXPECT_EQ(b1.resource, "buckets/b1");
  EXPECT_THAT(b1.entries, IsEmpty());
  EXPECT_EQ(b1.security, std::optional<bool>(false));
  EXPECT_EQ(b1.location.line, 4);  // blank lines count

  const ResourceAcl& doc = r.data.resources[2];
  EXPECT_THAT(Entries(doc),
              ElementsAre("update(\"user:u1\")", "write(\"users\")"));
  EXPECT_EQ(doc.security, std::nullopt);
  EXPECT_THAT(r.data.rules, IsEmpty());
}

TEST(AclJsonLines, NormalisesTablesAndRowsAndAcceptsRowSecurity) {
  const std::string text = absl::StrCat(
      Line("databases/d/tables/t", {"read(\"users\")"},
           R"("rowSecurity": true)"),
      "\r\n", Line("databases/d/tables/t/rows/r1", {"read(\"any\")"}), "\r\n");
  AclParseResult r = ParseAclJsonLines(text, "acl.jsonl");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.resources, SizeIs(2));
  EXPECT_EQ(r.data.resources[0].resource, "databases/d/collections/t");
  EXPECT_EQ(r.data.resources[0].security, std::optional<bool>(true));
  EXPECT_EQ(r.data.resources[1].resource,
            "databases/d/collections/t/documents/r1");
}

TEST(AclJsonLines, EmptyInputGivesNothing) {
  AclParseResult r = ParseAclJsonLines("", "acl.jsonl");
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(r.data.resources, IsEmpty());
  EXPECT_THAT(r.diagnostics, IsEmpty());
}

TEST(AclJsonLines, MalformedJsonIsAnErrorWithLineAndColumn) {
  const std::string bad = R"({"resource": "buckets/b", "permissions": [})";
  const std::string text =
      absl::StrCat(Line("buckets/a", {"read(\"any\")"}), "\n", bad, "\n");
  AclParseResult r = ParseAclJsonLines(text, "data.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.severity, Severity::kError);
  EXPECT_EQ(d.location.file, "data.jsonl");
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(d.location.column, static_cast<int>(bad.find('}')) + 1);
  EXPECT_THAT(d.message, HasSubstr("malformed JSON"));
  EXPECT_EQ(d.source_line, bad);
  // The good line is still read.
  ASSERT_THAT(r.data.resources, SizeIs(1));
  EXPECT_EQ(r.data.resources[0].resource, "buckets/a");
}

TEST(AclJsonLines, LineThatIsNotAnObjectIsAnError) {
  AclParseResult r = ParseAclJsonLines("[1, 2]\n\"x\"\n", "a.jsonl");
  ASSERT_THAT(r.diagnostics, SizeIs(2));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("expected a JSON object"));
  EXPECT_EQ(r.diagnostics[1].location.line, 2);
}

TEST(AclJsonLines, BadPermissionGivesParserMessageAtTheOffendingByte) {
  for (const std::string bad :
       {"raed(\"any\")", "read(\"anyone\")", "read(\"team:t1/\")",
        "read(\"any\") ", "read(\"role:all\")"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<AclEntry> expected = ParseAclEntry(bad);
    ASSERT_FALSE(expected.ok());
    const size_t error_at = ErrorOffset(expected.status()).value_or(0);

    const std::string line = Line("buckets/b", {"read(\"any\")", bad});
    AclParseResult r = ParseAclJsonLines(line, "a.jsonl");
    ASSERT_THAT(r.diagnostics, SizeIs(1));
    const Diagnostic& d = r.diagnostics[0];
    EXPECT_EQ(d.message, expected.status().message());
    // The column of the byte the parser points at, in the escaped JSON text.
    const std::string literal = nlohmann::json(bad).dump();
    const size_t start = line.find(literal);
    ASSERT_NE(start, std::string::npos);
    const std::string escaped_prefix =
        nlohmann::json(bad.substr(0, error_at)).dump();
    // dump() adds two quotes; the opening one is the literal's own.
    EXPECT_EQ(d.location.column,
              static_cast<int>(start + escaped_prefix.size() - 1) + 1);
    EXPECT_EQ(d.location.line, 1);
    EXPECT_EQ(d.source_line, line);
    // The valid entry is kept.
    ASSERT_THAT(r.data.resources, SizeIs(1));
    EXPECT_THAT(Entries(r.data.resources[0]), ElementsAre("read(\"any\")"));
  }
}

TEST(AclJsonLines, PermissionThatIsNotAStringIsAnError) {
  AclParseResult r = ParseAclJsonLines(
      R"j({"resource": "buckets/b", "permissions": ["read(\"any\")", 7]})j",
      "a.jsonl");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Errors(r), HasSubstr("must be a string"));
}

TEST(AclJsonLines, CreateOnADocumentIsAnError) {
  const std::string path = "databases/d/collections/c/documents/x";
  AclParseResult r = ParseAclJsonLines(
      Line(path, {"create(\"any\")", "write(\"users\")"}), "a.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  absl::StatusOr<AclEntry> expected =
      ParseAclEntry("create(\"any\")", AclScope::kLeaf);
  ASSERT_FALSE(expected.ok());
  EXPECT_EQ(r.diagnostics[0].message, expected.status().message());
  // The same entry is fine on the collection (a container).
  AclParseResult ok = ParseAclJsonLines(
      Line("databases/d/collections/c", {"create(\"any\")"}), "a.jsonl");
  EXPECT_TRUE(ok.ok()) << Errors(ok);
  // And on files of a bucket it is refused too.
  AclParseResult file = ParseAclJsonLines(
      Line("buckets/b/files/f", {"create(\"users\")"}), "a.jsonl");
  EXPECT_FALSE(file.ok());
}

TEST(AclJsonLines, AtMostOneHundredEntries) {
  std::vector<std::string> hundred;
  for (int i = 0; i < 100; ++i) {
    hundred.push_back(absl::StrCat("read(\"user:u", i, "\")"));
  }
  AclParseResult at_limit =
      ParseAclJsonLines(Line("buckets/b", hundred), "a.jsonl");
  EXPECT_TRUE(at_limit.ok()) << Errors(at_limit);
  ASSERT_THAT(at_limit.data.resources, SizeIs(1));
  EXPECT_THAT(at_limit.data.resources[0].entries, SizeIs(100));

  // Counted as written: 101 entries, even with duplicates, is too many.
  std::vector<std::string> over = hundred;
  over.push_back("read(\"user:u0\")");
  AclParseResult r = ParseAclJsonLines(Line("buckets/b", over), "a.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("101"));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("100"));
}

TEST(AclJsonLines, DuplicateResourceNamesTheFirstLine) {
  const std::string text =
      absl::StrCat(Line("databases/d/collections/c", {"read(\"any\")"}), "\n",
                   Line("buckets/b", {}), "\n",
                   // The same resource once normalised.
                   Line("databases/d/tables/c", {"read(\"users\")"}), "\n");
  AclParseResult r = ParseAclJsonLines(text, "a.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.location.line, 3);
  EXPECT_THAT(d.message, HasSubstr("duplicate resource"));
  EXPECT_THAT(d.message, HasSubstr("databases/d/collections/c"));
  EXPECT_THAT(d.message, HasSubstr("line 1"));
  // The first one stands.
  ASSERT_THAT(r.data.resources, SizeIs(2));
  EXPECT_THAT(Entries(r.data.resources[0]), ElementsAre("read(\"any\")"));
}

TEST(AclJsonLines, SecurityFlagOnTheWrongKindIsAnError) {
  struct Case {
    std::string resource;
    std::string flag;
  };
  for (const Case& c : std::vector<Case>{
           {"databases/d/collections/c", R"("fileSecurity": true)"},
           {"buckets/b", R"("documentSecurity": true)"},
           {"buckets/b", R"("rowSecurity": false)"},
           {"databases/d/collections/c/documents/x",
            R"("documentSecurity": true)"},
           {"databases/d", R"("documentSecurity": true)"},
           {"buckets/b/files/f", R"("fileSecurity": true)"},
       }) {
    SCOPED_TRACE(c.resource + " " + c.flag);
    AclParseResult r =
        ParseAclJsonLines(Line(c.resource, {}, c.flag), "a.jsonl");
    EXPECT_FALSE(r.ok());
    ASSERT_THAT(r.diagnostics, SizeIs(1));
    EXPECT_THAT(r.diagnostics[0].message, HasSubstr("applies only to"));
    // The column points at the flag's key.
    const std::string line = Line(c.resource, {}, c.flag);
    EXPECT_EQ(r.diagnostics[0].location.column,
              static_cast<int>(line.find(c.flag)) + 1);
  }
}

TEST(AclJsonLines, DocumentAndRowSecurityMustAgree) {
  AclParseResult same = ParseAclJsonLines(
      Line("databases/d/collections/c", {},
           R"("documentSecurity": true, "rowSecurity": true)"),
      "a.jsonl");
  EXPECT_TRUE(same.ok()) << Errors(same);
  AclParseResult differ = ParseAclJsonLines(
      Line("databases/d/collections/c", {},
           R"("documentSecurity": true, "rowSecurity": false)"),
      "a.jsonl");
  EXPECT_FALSE(differ.ok());
}

TEST(AclJsonLines, FieldErrors) {
  struct Case {
    std::string line;
    std::string message;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"permissions": []})", "missing field `resource`"},
          {R"({"resource": "buckets/b"})", "missing field `permissions`"},
          {R"({"resource": "buckets/b", "permissions": [], "acl": 1})",
           "unknown field `acl`"},
          {R"({"resource": 3, "permissions": []})",
           "field `resource` must be a string"},
          {R"j({"resource": "buckets/b", "permissions": "read(\"any\")"})j",
           "must be an array"},
          {R"({"resource": "buckets/b", "permissions": [], "fileSecurity": "yes"})",
           "must be true or false"},
          {R"({"resource": "buckets", "permissions": []})",
           "resource path `buckets`"},
          {R"({"resource": "buckets/*", "permissions": []})",
           "resource path `buckets/*`"},
          {R"({"resource": "buckets//b/x", "permissions": []})",
           "empty segment"},
          {R"({"resource": "buckets/b", "resource": "buckets/c", "permissions": []})",
           "duplicate key"},
      }) {
    SCOPED_TRACE(c.line);
    AclParseResult r = ParseAclJsonLines(c.line, "a.jsonl");
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(Errors(r), HasSubstr(c.message));
    for (const Diagnostic& d : r.diagnostics) {
      EXPECT_EQ(d.location.line, 1);
      EXPECT_GE(d.location.column, 1);
    }
  }
}

TEST(AclJsonLines, ReportsEveryErrorAndKeepsGoing) {
  const std::string text = absl::StrCat(
      "{not json\n",                                             // 1
      Line("buckets/a", {"read(\"any\")"}), "\n",                // 2 fine
      Line("buckets/b", {"raed(\"any\")", "read(\"nobody\")"}),  // 3: two
      "\n", Line("buckets/c", {}, R"("documentSecurity": true)"), "\n",  // 4
      Line("buckets/a", {}), "\n",                    // 5 duplicate
      Line("buckets/d", {"read(\"users\")"}), "\n");  // 6 fine
  AclParseResult r = ParseAclJsonLines(text, "a.jsonl");
  EXPECT_FALSE(r.ok());
  std::vector<int> lines;
  for (const Diagnostic& d : r.diagnostics) lines.push_back(d.location.line);
  EXPECT_THAT(lines, ElementsAre(1, 3, 3, 4, 5));
  std::vector<std::string> resources;
  for (const ResourceAcl& acl : r.data.resources) {
    resources.push_back(acl.resource);
  }
  EXPECT_THAT(resources,
              ElementsAre("buckets/a", "buckets/b", "buckets/c", "buckets/d"));
}

TEST(AclJsonLines, ManyErrorsAreCappedWithASummary) {
  std::string text;
  for (int i = 0; i < 1200; ++i) text += "x\n";
  AclParseResult r = ParseAclJsonLines(text, "a.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1001));
  EXPECT_THAT(r.diagnostics.back().message, HasSubstr("200 more errors"));
}

TEST(AclJsonLines, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  AclParseResult r = ParseAclJsonLines(deep, "a.jsonl");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("nested"));
}

TEST(AclJsonLines, ControlCharactersInUserTextAreEscapedInMessages) {
  AclParseResult r = ParseAclJsonLines(
      R"({"resource": "buckets/b", "permissions": [], "a\nb": 1})", "a.jsonl");
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  EXPECT_THAT(r.diagnostics[0].message, Not(HasSubstr("\n")));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("a\\x0ab"));
}

TEST(AclJsonLines, DiagnosticsAreInFileOrder) {
  // The flag comes after the permissions in the line; its error is read
  // first but reported after theirs.
  const std::string text =
      absl::StrCat(Line("buckets/b", {"raed(\"any\")", "read(\"anyy\")"},
                        R"("documentSecurity": true)"),
                   "\n", Line("buckets/c", {"read(\"x\")"}));
  AclParseResult r = ParseAclJsonLines(text, "a.jsonl");
  ASSERT_THAT(r.diagnostics, SizeIs(4));
  for (size_t i = 1; i < r.diagnostics.size(); ++i) {
    const SourceLocation& a = r.diagnostics[i - 1].location;
    const SourceLocation& b = r.diagnostics[i].location;
    EXPECT_TRUE(a.line < b.line || (a.line == b.line && a.column < b.column))
        << FormatDiagnostics(r.diagnostics);
  }
  EXPECT_THAT(r.diagnostics[2].message, HasSubstr("documentSecurity"));
}

TEST(AclJsonLines, MessagesStayOnOneLine) {
  // A permission holding a newline: the parser's message quotes it, and the
  // diagnostic escapes it.
  AclParseResult r = ParseAclJsonLines(
      Line("buckets/b", {"read(\"any\")\n", std::string(5000, 'x')}),
      "a.jsonl");
  ASSERT_THAT(r.diagnostics, SizeIs(2));
  for (const Diagnostic& d : r.diagnostics) {
    EXPECT_THAT(d.message, Not(HasSubstr("\n")));
    EXPECT_LE(d.message.size(), 1003u);
  }
}

TEST(AclData, AppendKeepsOrder) {
  AclParseResult a = ParseAclJsonLines(Line("buckets/a", {}), "a.jsonl");
  AclParseResult b = ParseAclJsonLines(Line("buckets/b", {}), "b.jsonl");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  a.data.Append(std::move(b.data));
  ASSERT_THAT(a.data.resources, SizeIs(2));
  EXPECT_EQ(a.data.resources[1].resource, "buckets/b");
  EXPECT_EQ(a.data.resources[1].location.file, "b.jsonl");
}

}  // namespace
}  // namespace warden
