#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/acl_entry.h"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/role.h"
#include "parser/rule.h"

namespace warden {
namespace {

using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

std::string ReadData(const std::string& name) {
  const std::string path =
      absl::StrCat(WARDEN_SOURCE_DIR, "/tests/data/appwrite/", name);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

AclParseResult ImportData(const std::string& name) {
  return ImportAppwriteProject(ReadData(name), name);
}

std::vector<std::string> Entries(const ResourceAcl& acl) {
  std::vector<std::string> out;
  for (const AclEntry& e : acl.entries) out.push_back(e.ToString());
  return out;
}

const ResourceAcl* Find(const AclData& data, const std::string& path) {
  for (const ResourceAcl& acl : data.resources) {
    if (acl.resource == path) return &acl;
  }
  return nullptr;
}

std::vector<std::string> Paths(const AclData& data) {
  std::vector<std::string> out;
  for (const ResourceAcl& acl : data.resources) out.push_back(acl.resource);
  return out;
}

std::vector<std::string> Rules(const AclData& data) {
  std::vector<std::string> out;
  for (const Rule& rule : data.rules) out.push_back(rule.ToString());
  return out;
}

std::string Errors(const AclParseResult& r) {
  return FormatDiagnostics(r.diagnostics);
}

constexpr const char* kDataFiles[] = {
    "Meldiron__almost-gist__appwrite.json",
    "christyjacob4__30-days-of-appwrite__appwrite.json",
    "Meldiron__almost-kialo__appwrite.json",
    "Zaara-Labs__Furniture-Store-HCI__appwrite.json",
    "CruuzAzul__app-appwrite-workshop__appwrite.json",
    "Buildathonzx__whisperrnote__appwrite.json",
};

TEST(AppwriteProject, EveryRealFileImportsWithoutDiagnostics) {
  for (const char* name : kDataFiles) {
    SCOPED_TRACE(name);
    AclParseResult r = ImportData(name);
    EXPECT_TRUE(r.ok()) << Errors(r);
    EXPECT_THAT(r.diagnostics, IsEmpty()) << Errors(r);
    EXPECT_THAT(r.data.resources, Not(IsEmpty()));
    for (const ResourceAcl& acl : r.data.resources) {
      EXPECT_EQ(acl.location.file, name);
      EXPECT_GE(acl.location.line, 1);
      EXPECT_LE(acl.entries.size(), 100u);
    }
  }
}

// 0.x: `$read`/`$write` and `"permission": "document"|"collection"`.
TEST(AppwriteProject, AlmostGistLegacyForm) {
  AclParseResult r = ImportData("Meldiron__almost-gist__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_THAT(Paths(r.data),
              ElementsAre("databases/prod/collections/gists",
                          "databases/prod/collections/comments",
                          "databases/prod/collections/reactions"));
  for (const char* path : {"databases/prod/collections/gists",
                           "databases/prod/collections/comments"}) {
    SCOPED_TRACE(path);
    const ResourceAcl* acl = Find(r.data, path);
    ASSERT_NE(acl, nullptr);
    // role:all -> any; role:member -> users; $write -> write.
    EXPECT_THAT(Entries(*acl), ElementsAre("read(\"any\")", "write(\"users\")",
                                           "write(\"team:mods\")"));
    EXPECT_EQ(acl->security, std::optional<bool>(true));
  }
  const ResourceAcl* reactions =
      Find(r.data, "databases/prod/collections/reactions");
  ASSERT_NE(reactions, nullptr);
  EXPECT_THAT(Entries(*reactions), ElementsAre("read(\"users\")"));
  EXPECT_EQ(reactions->security, std::optional<bool>(false));

  // The function's 1.x-style `execute` list in an otherwise 0.x file.
  ASSERT_THAT(r.data.rules, SizeIs(1));
  const Rule& rule = r.data.rules[0];
  EXPECT_FALSE(rule.deny);
  EXPECT_EQ(rule.resource.kind, PatternKind::kPath);
  EXPECT_EQ(rule.resource.text, "functions/toggleReaction");
  EXPECT_EQ(rule.action, "execute");
  ASSERT_THAT(rule.roles, SizeIs(1));
  EXPECT_EQ(rule.roles[0].kind, RoleKind::kUsers);
  EXPECT_EQ(rule.location.file, "Meldiron__almost-gist__appwrite.json");
  EXPECT_GT(rule.location.line, 1);
}

TEST(AppwriteProject, ThirtyDaysLegacyMinimal) {
  AclParseResult r =
      ImportData("christyjacob4__30-days-of-appwrite__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_THAT(Paths(r.data),
              ElementsAre("databases/default/collections/posts",
                          "databases/default/collections/profiles",
                          "databases/default/collections/comments"));
  const ResourceAcl* posts =
      Find(r.data, "databases/default/collections/posts");
  ASSERT_NE(posts, nullptr);
  EXPECT_THAT(posts->entries, IsEmpty());
  EXPECT_EQ(posts->security, std::optional<bool>(true));
  const ResourceAcl* comments =
      Find(r.data, "databases/default/collections/comments");
  ASSERT_NE(comments, nullptr);
  EXPECT_THAT(Entries(*comments),
              ElementsAre("read(\"any\")", "write(\"users\")"));
  EXPECT_EQ(comments->security, std::optional<bool>(false));
  EXPECT_THAT(r.data.rules, IsEmpty());
}

TEST(AppwriteProject, AlmostKialoCollectionsWithATeamRole) {
  AclParseResult r = ImportData("Meldiron__almost-kialo__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.resources, SizeIs(2));
  const ResourceAcl* profiles =
      Find(r.data, "databases/main/collections/profiles");
  ASSERT_NE(profiles, nullptr);
  EXPECT_THAT(Entries(*profiles), ElementsAre("read(\"any\")"));
  EXPECT_EQ(profiles->security, std::optional<bool>(false));
  const ResourceAcl* discussions =
      Find(r.data, "databases/main/collections/discussions");
  ASSERT_NE(discussions, nullptr);
  EXPECT_THAT(Entries(*discussions),
              ElementsAre("create(\"users\")", "read(\"any\")",
                          "update(\"team:mods\")", "delete(\"team:mods\")"));
  EXPECT_EQ(discussions->security, std::optional<bool>(true));
  // Four functions, all with `"execute": []`: no rules.
  EXPECT_THAT(r.data.rules, IsEmpty());
}

TEST(AppwriteProject, FurnitureStoreLabelsGuestsAndBuckets) {
  AclParseResult r =
      ImportData("Zaara-Labs__Furniture-Store-HCI__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.resources, SizeIs(10));
  const std::string db = "databases/67f5616b000b636218db/collections/";
  for (const char* id : {"67f69b00000c211cf835", "67f6abb3002b8c37ca9f",
                         "67f7d9a80003dd74b3d3"}) {
    const ResourceAcl* acl = Find(r.data, db + id);
    ASSERT_NE(acl, nullptr) << id;
    EXPECT_THAT(Entries(*acl), ElementsAre("read(\"any\")"));
  }
  const ResourceAcl* cart = Find(r.data, db + "681acbd00005fcf4b221");
  ASSERT_NE(cart, nullptr);
  EXPECT_THAT(
      Entries(*cart),
      ElementsAre("create(\"users\")", "read(\"users\")", "update(\"users\")"));
  const ResourceAcl* design = Find(r.data, db + "681acfaa00300e79201f");
  ASSERT_NE(design, nullptr);
  EXPECT_THAT(
      Entries(*design),
      ElementsAre("create(\"label:designer\")", "read(\"label:designer\")",
                  "update(\"label:designer\")", "delete(\"label:designer\")"));
  int collections = 0;
  for (const ResourceAcl& acl : r.data.resources) {
    if (acl.resource.rfind("databases/", 0) == 0) {
      ++collections;
      EXPECT_EQ(acl.security, std::optional<bool>(true)) << acl.resource;
    }
  }
  EXPECT_EQ(collections, 6);

  const ResourceAcl* images = Find(r.data, "buckets/67f801cc00070efc4e4e");
  ASSERT_NE(images, nullptr);
  EXPECT_THAT(Entries(*images), ElementsAre("read(\"any\")", "read(\"guests\")",
                                            "read(\"users\")"));
  EXPECT_EQ(images->security, std::optional<bool>(true));
  const ResourceAcl* models = Find(r.data, "buckets/67f80221000956fd5a30");
  ASSERT_NE(models, nullptr);
  EXPECT_THAT(Entries(*models), ElementsAre("read(\"any\")"));
  EXPECT_EQ(models->security, std::optional<bool>(false));
  const ResourceAcl* thumbs = Find(r.data, "buckets/681ae81f0008111016d3");
  ASSERT_NE(thumbs, nullptr);
  EXPECT_THAT(
      Entries(*thumbs),
      ElementsAre("create(\"label:designer\")", "read(\"label:designer\")",
                  "update(\"label:designer\")", "delete(\"label:designer\")",
                  "read(\"any\")"));
}

TEST(AppwriteProject, WorkshopUserRole) {
  AclParseResult r =
      ImportData("CruuzAzul__app-appwrite-workshop__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.resources, SizeIs(2));
  const std::string db = "databases/64b18f4292b1b7ee67d4/collections/";
  const ResourceAcl* destinations = Find(r.data, db + "64b18f4a6adafa07be90");
  ASSERT_NE(destinations, nullptr);
  EXPECT_THAT(Entries(*destinations), ElementsAre("read(\"any\")"));
  EXPECT_EQ(destinations->security, std::optional<bool>(true));
  const ResourceAcl* coordinates = Find(r.data, db + "64ff7c041e837ecd31d2");
  ASSERT_NE(coordinates, nullptr);
  EXPECT_THAT(
      Entries(*coordinates),
      ElementsAre("read(\"any\")", "create(\"user:64bd99dc01eb36848ab3\")",
                  "read(\"user:64bd99dc01eb36848ab3\")",
                  "update(\"user:64bd99dc01eb36848ab3\")",
                  "delete(\"user:64bd99dc01eb36848ab3\")", "create(\"users\")",
                  "read(\"users\")", "update(\"users\")", "delete(\"users\")"));
  EXPECT_EQ(coordinates->security, std::optional<bool>(false));
  EXPECT_THAT(r.data.rules, IsEmpty());
}

TEST(AppwriteProject, WhisperrnoteTablesForm) {
  AclParseResult r = ImportData("Buildathonzx__whisperrnote__appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  const std::vector<std::string> create_only = {"create(\"users\")"};
  const std::vector<std::string> crud = {"create(\"users\")", "read(\"users\")",
                                         "update(\"users\")",
                                         "delete(\"users\")"};
  std::vector<std::string> crud_any = crud;
  crud_any.push_back("read(\"any\")");

  std::map<std::string, int> tables_per_database;
  int secure_create_only = 0, open_crud_any = 0;
  int buckets_secure_crud = 0, buckets_open_crud = 0, buckets_create_only = 0;
  for (const ResourceAcl& acl : r.data.resources) {
    const std::vector<std::string> entries = Entries(acl);
    ASSERT_TRUE(acl.security.has_value()) << acl.resource;
    if (acl.resource.rfind("databases/", 0) == 0) {
      const std::string db =
          acl.resource.substr(10, acl.resource.find('/', 10) - 10);
      ++tables_per_database[db];
      EXPECT_NE(acl.resource.find("/collections/"), std::string::npos);
      if (*acl.security && entries == create_only) ++secure_create_only;
      if (!*acl.security && entries == crud_any) ++open_crud_any;
    } else {
      ASSERT_EQ(acl.resource.rfind("buckets/", 0), 0u) << acl.resource;
      if (*acl.security && entries == crud) ++buckets_secure_crud;
      if (!*acl.security && entries == crud) ++buckets_open_crud;
      if (*acl.security && entries == create_only) ++buckets_create_only;
    }
  }
  EXPECT_EQ(tables_per_database["67ff05a9000296822396"], 15);
  EXPECT_EQ(tables_per_database["passwordManagerDb"], 6);
  EXPECT_EQ(tables_per_database["chat"], 20);
  EXPECT_THAT(tables_per_database, SizeIs(3));
  EXPECT_EQ(secure_create_only, 22);
  EXPECT_EQ(open_crud_any, 19);
  EXPECT_EQ(buckets_secure_crud, 7);
  EXPECT_EQ(buckets_open_crud, 11);
  EXPECT_EQ(buckets_create_only, 2);
  EXPECT_THAT(r.data.resources, SizeIs(41 + 20));
  for (const char* id : {"encryptedDataBackups", "secureDocuments"}) {
    const ResourceAcl* acl = Find(r.data, absl::StrCat("buckets/", id));
    ASSERT_NE(acl, nullptr) << id;
    EXPECT_THAT(Entries(*acl), ElementsAre("create(\"users\")"));
  }
  const ResourceAcl* messages =
      Find(r.data, "databases/chat/collections/messages");
  ASSERT_NE(messages, nullptr);
  EXPECT_EQ(messages->security, std::optional<bool>(false));
}

TEST(AppwriteProject, LegacyRoleMapping) {
  const std::string text = R"({
  "collections": [
    {"$id": "c1", "permission": "collection",
     "$read": ["*", "role:guest", "role:member", "user:u1", "team:t1/owner",
               "member:m1", "team:t2"],
     "$write": ["*", "role:all", "user:u2", "team:t1/editor", "member:m2"]},
    {"$id": "c2", "databaseId": "db2", "$read": [], "$write": ["role:member"]}
  ],
  "buckets": [
    {"$id": "b1", "permission": "file", "$read": ["role:all"], "$write": ["role:member"]}
  ]
})";
  AclParseResult r = ImportAppwriteProject(text, "appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  EXPECT_THAT(r.diagnostics, IsEmpty());
  // No databaseId: the 0.x default database.
  const ResourceAcl* c1 = Find(r.data, "databases/default/collections/c1");
  ASSERT_NE(c1, nullptr);
  EXPECT_THAT(
      Entries(*c1),
      ElementsAre("read(\"any\")", "read(\"guests\")", "read(\"users\")",
                  "read(\"user:u1\")", "read(\"team:t1/owner\")",
                  "read(\"member:m1\")", "read(\"team:t2\")",
                  // `*` and role:all in $write: users.
                  "write(\"users\")", "write(\"users\")", "write(\"user:u2\")",
                  "write(\"team:t1/editor\")", "write(\"member:m2\")"));
  EXPECT_EQ(c1->security, std::optional<bool>(false));
  const ResourceAcl* c2 = Find(r.data, "databases/db2/collections/c2");
  ASSERT_NE(c2, nullptr);
  EXPECT_THAT(Entries(*c2), ElementsAre("write(\"users\")"));
  EXPECT_EQ(c2->security, std::nullopt);
  const ResourceAcl* b1 = Find(r.data, "buckets/b1");
  ASSERT_NE(b1, nullptr);
  EXPECT_THAT(Entries(*b1), ElementsAre("read(\"any\")", "write(\"users\")"));
  EXPECT_EQ(b1->security, std::optional<bool>(true));
}

TEST(AppwriteProject, GuestInLegacyWriteIsDroppedWithAWarning) {
  const std::string text =
      "{\"collections\": [\n"
      "  {\"$id\": \"c\", \"databaseId\": \"d\", \"permission\": "
      "\"document\",\n"
      "   \"$read\": [\"role:guest\"],\n"
      "   \"$write\": [\"role:guest\", \"role:member\"]}\n"
      "]}\n";
  AclParseResult r = ImportAppwriteProject(text, "appwrite.json");
  EXPECT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.severity, Severity::kWarning);
  EXPECT_THAT(d.message, HasSubstr("role:guest"));
  EXPECT_THAT(d.message, HasSubstr("$write"));
  EXPECT_EQ(d.location.line, 4);
  EXPECT_EQ(d.location.column, 15);  // the `"role:guest"` in $write
  const ResourceAcl* c = Find(r.data, "databases/d/collections/c");
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(Entries(*c), ElementsAre("read(\"guests\")", "write(\"users\")"));
  EXPECT_EQ(c->security, std::optional<bool>(true));
}

TEST(AppwriteProject, InvalidLegacyRoleIsAnError) {
  AclParseResult r = ImportAppwriteProject(
      R"({"collections": [{"$id": "c", "$read": ["role:admin", "user:"], "$write": []}]})",
      "appwrite.json");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(2));
  EXPECT_THAT(r.diagnostics[0].message, HasSubstr("role:admin"));
  EXPECT_THAT(r.diagnostics[1].message, HasSubstr("`user:`"));
}

TEST(AppwriteProject, LegacyPermissionModelMustBeKnown) {
  AclParseResult r = ImportAppwriteProject(
      R"({"collections": [{"$id": "c", "$read": [], "permission": "row"}]})",
      "appwrite.json");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Errors(r), HasSubstr("`permission`"));
}

TEST(AppwriteProject, MixingLegacyAndCurrentFormsIsAnError) {
  AclParseResult r = ImportAppwriteProject(
      R"j({"collections": [{"$id": "c", "databaseId": "d", "$read": ["role:all"], "$permissions": ["read(\"any\")"]}]})j",
      "appwrite.json");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Errors(r), HasSubstr("mixes"));
}

TEST(AppwriteProject, TablesUseRowSecurity) {
  AclParseResult r = ImportAppwriteProject(R"j({
  "tablesDB": [{"$id": "db", "name": "x"}],
  "tables": [
    {"$id": "t1", "databaseId": "db", "$permissions": ["read(\"users\")"], "rowSecurity": true},
    {"$id": "t2", "databaseId": "db", "$permissions": []}
  ]
})j",
                                           "appwrite.config.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.resources, SizeIs(2));
  EXPECT_EQ(r.data.resources[0].resource, "databases/db/collections/t1");
  EXPECT_EQ(r.data.resources[0].security, std::optional<bool>(true));
  EXPECT_THAT(Entries(r.data.resources[0]), ElementsAre("read(\"users\")"));
  EXPECT_EQ(r.data.resources[1].security, std::nullopt);
}

TEST(AppwriteProject, FunctionExecuteLists) {
  AclParseResult r = ImportAppwriteProject(R"({
  "functions": [
    {"$id": "f1", "execute": ["any", "team:t1/owner", "any", "user:u1/verified"]},
    {"$id": "f2", "execute": []},
    {"$id": "f3"},
    {"$id": "f4", "execute": ["label:vip"]}
  ]
})",
                                           "appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.rules, SizeIs(2));
  EXPECT_EQ(r.data.rules[0].resource.text, "functions/f1");
  std::vector<std::string> roles;
  for (const Role& role : r.data.rules[0].roles)
    roles.push_back(role.ToString());
  // Duplicates removed, first kept.
  EXPECT_THAT(roles, ElementsAre("any", "team:t1/owner", "user:u1/verified"));
  EXPECT_EQ(r.data.rules[0].location.line, 3);
  EXPECT_EQ(r.data.rules[1].resource.text, "functions/f4");
  EXPECT_THAT(r.data.resources, IsEmpty());
}

TEST(AppwriteProject, InvalidExecuteRoleIsAnError) {
  // Only Appwrite's own spelling in a 1.x file: `role:all` and `*` are not.
  for (const char* role :
       {"role:all", "*", "users[any]", "user:", "team:a/b/c"}) {
    SCOPED_TRACE(role);
    AclParseResult r = ImportAppwriteProject(
        absl::StrCat(R"({"functions": [{"$id": "f", "execute": [")", role,
                     R"("]}]})"),
        "appwrite.json");
    EXPECT_FALSE(r.ok());
    ASSERT_THAT(r.diagnostics, SizeIs(1));
    EXPECT_THAT(r.diagnostics[0].message,
                HasSubstr("`execute` of function `f`"));
    EXPECT_THAT(r.data.rules, IsEmpty());
  }
}

TEST(AppwriteProject, LegacyFileMapsLegacyExecuteRoles) {
  AclParseResult r = ImportAppwriteProject(R"({
  "collections": [{"$id": "c", "$read": [], "$write": []}],
  "functions": [{"$id": "f", "execute": ["role:all", "role:member"]}]
})",
                                           "appwrite.json");
  ASSERT_TRUE(r.ok()) << Errors(r);
  ASSERT_THAT(r.data.rules, SizeIs(1));
  EXPECT_EQ(r.data.rules[0].ToString(), "functions/f:execute(any, users)");
}

TEST(AppwriteProject, MalformedInputsAreDiagnosticsNeverCrashes) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (
      const Case& c : std::vector<Case>{
          {"", "malformed JSON"},
          {"{\"collections\": [", "malformed JSON"},
          {"[]", "must be a JSON object"},
          {R"({"collections": {}})", "`collections` must be an array"},
          {R"({"buckets": "b"})", "`buckets` must be an array"},
          {R"({"functions": 3})", "`functions` must be an array"},
          {R"({"collections": [7]})", "must be an object"},
          {R"({"collections": [{"databaseId": "d", "$permissions": []}]})",
           "has no `$id`"},
          {R"({"collections": [{"$id": "c", "$permissions": []}]})",
           "has no `databaseId`"},
          {R"({"collections": [{"$id": 5, "databaseId": "d"}]})",
           "must be a string"},
          {R"({"collections": [{"$id": "a/b", "databaseId": "d"}]})",
           "invalid `$id` `a/b`"},
          {R"({"collections": [{"$id": "c", "databaseId": ""}]})",
           "invalid `databaseId`"},
          {R"j({"buckets": [{"$id": "b", "$permissions": "read(\"any\")"}]})j",
           "must be an array"},
          {R"({"buckets": [{"$id": "b", "$permissions": [null]}]})",
           "must be a string"},
          {R"({"buckets": [{"$id": "b", "$permissions": [], "fileSecurity": 1}]})",
           "must be true or false"},
          {R"({"collections": [{"$id": "c", "databaseId": "d", "documentSecurity": "yes"}]})",
           "must be true or false"},
          {R"({"collections": [{"$id": "c", "databaseId": "d", "$read": "x"}]})",
           "must be an array"},
          {R"({"functions": [{"$id": "f", "execute": "any"}]})",
           "must be an array"},
          {R"({"functions": [{"$id": "f", "execute": [1]}]})",
           "must be a string"},
          {R"({"functions": [{"$id": "f"}, {"$id": "f"}]})",
           "duplicate function"},
          {R"({"collections": [{"$id": "c", "databaseId": "d"}], "tables": [{"$id": "c", "databaseId": "d"}]})",
           "duplicate resource `databases/d/collections/c`"},
          {R"j({"collections": [{"$id": "c", "databaseId": "d", "$permissions": ["create(\"role:all\")"]}]})j",
           "role:"},
      }) {
    SCOPED_TRACE(c.text);
    AclParseResult r = ImportAppwriteProject(c.text, "p.json");
    EXPECT_FALSE(r.ok());
    EXPECT_THAT(Errors(r), HasSubstr(c.message));
    for (const Diagnostic& d : r.diagnostics) {
      EXPECT_EQ(d.location.file, "p.json");
      EXPECT_GE(d.location.line, 1);
      EXPECT_GE(d.location.column, 1);
    }
  }
}

TEST(AppwriteProject, TooManyPermissionsIsAnError) {
  std::string list;
  for (int i = 0; i < 101; ++i) {
    absl::StrAppend(&list, i ? ", " : "", "\"read(\\\"user:u", i, "\\\")\"");
  }
  AclParseResult r = ImportAppwriteProject(
      absl::StrCat(R"({"buckets": [{"$id": "b", "$permissions": [)", list,
                   "]}]}"),
      "p.json");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(Errors(r), HasSubstr("too many permissions"));
}

TEST(AppwriteProject, BadPermissionIsLocatedAndShown) {
  const std::string text =
      "{\n"
      "  \"collections\": [{\n"
      "    \"$id\": \"c\", \"databaseId\": \"d\",\n"
      "    \"$permissions\": [\n"
      "      \"read(\\\"any\\\")\",\n"
      "      \"raed(\\\"any\\\")\"\n"
      "    ]\n"
      "  }]\n"
      "}\n";
  AclParseResult r = ImportAppwriteProject(text, "p.json");
  EXPECT_FALSE(r.ok());
  ASSERT_THAT(r.diagnostics, SizeIs(1));
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.location.line, 6);
  EXPECT_GE(d.location.column, 7);  // at or after the opening quote
  EXPECT_EQ(d.source_line, "      \"raed(\\\"any\\\")\"");
  absl::StatusOr<AclEntry> expected = ParseAclEntry("raed(\"any\")");
  ASSERT_FALSE(expected.ok());
  EXPECT_EQ(d.message, expected.status().message());
  // The valid entry is kept.
  const ResourceAcl* c = Find(r.data, "databases/d/collections/c");
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(Entries(*c), ElementsAre("read(\"any\")"));
}

// Every string of the result, for looking for leaked secrets.
std::string Everything(const AclParseResult& r) {
  std::string out;
  for (const ResourceAcl& acl : r.data.resources) {
    absl::StrAppend(&out, acl.resource, "\n");
    for (const AclEntry& e : acl.entries)
      absl::StrAppend(&out, e.ToString(), "\n");
  }
  for (const Rule& rule : r.data.rules)
    absl::StrAppend(&out, rule.ToString(), "\n");
  for (const Diagnostic& d : r.diagnostics)
    absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

TEST(AppwriteProject, SecretsNeverReachTheResultOrAMessage) {
  const std::string secret = "s3cr3t-Value-42";
  // Minified: everything is on one line, next to an error.
  const std::string minified = absl::StrCat(
      R"({"projectId": "p", "apiKey": ")", secret,
      R"(", "keys": [{"secret": ")", secret,
      R"("}], "functions": [{"$id": "f", "execute": ["bogus"], "vars": {"API_KEY": ")",
      secret, R"("}, "variables": [{"key": "K", "value": ")", secret,
      R"j("}]}], "collections": [{"$id": "c", "databaseId": "d", "$permissions": ["read(\"nope\")"], "env": {"TOKEN": ")j",
      secret, R"("}}]})");
  AclParseResult r = ImportAppwriteProject(minified, "p.json");
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.diagnostics, SizeIs(2));
  EXPECT_THAT(Everything(r), Not(HasSubstr(secret)));
  EXPECT_THAT(Everything(r), Not(HasSubstr("s3cr3t")));
  for (const Diagnostic& d : r.diagnostics) EXPECT_EQ(d.source_line, "");

  // A syntax error next to a secret: the message does not quote the input.
  const std::string broken = absl::StrCat(
      R"({"functions": [{"$id": "f", "vars": {"K": ")", secret, R"(" "x"}}]})");
  AclParseResult b = ImportAppwriteProject(broken, "p.json");
  EXPECT_FALSE(b.ok());
  EXPECT_THAT(Everything(b), Not(HasSubstr(secret)));

  // An unterminated secret string.
  AclParseResult u = ImportAppwriteProject(
      absl::StrCat(R"({"vars": {"K": ")", secret), "p.json");
  EXPECT_FALSE(u.ok());
  EXPECT_THAT(Everything(u), Not(HasSubstr(secret)));

  // A valid file with secrets imports cleanly and keeps none of them.
  const std::string clean = absl::StrCat(
      R"({"apiKey": ")", secret,
      R"(", "functions": [{"$id": "f", "execute": ["users"], "vars": {"K": ")",
      secret, R"("}}]})");
  AclParseResult c = ImportAppwriteProject(clean, "p.json");
  EXPECT_TRUE(c.ok()) << Errors(c);
  EXPECT_THAT(Rules(c.data), ElementsAre("functions/f:execute(users)"));
  EXPECT_THAT(Everything(c), Not(HasSubstr(secret)));
}

TEST(AppwriteProject, SourceLineShownWhenItHoldsOnlyWhatWasRead) {
  const std::string text =
      "{\"functions\": [{\n"
      "  \"$id\": \"f\",\n"
      "  \"vars\": {\"K\": \"hidden\"}, \"execute\": [\"bad role\"]\n"
      "}, {\n"
      "  \"$id\": \"g\",\n"
      "  \"execute\": [\"bad role\"]\n"
      "}]}\n";
  AclParseResult r = ImportAppwriteProject(text, "p.json");
  ASSERT_THAT(r.diagnostics, SizeIs(2));
  EXPECT_EQ(r.diagnostics[0].location.line, 3);
  EXPECT_EQ(r.diagnostics[0].source_line, "");
  EXPECT_EQ(r.diagnostics[1].location.line, 6);
  EXPECT_EQ(r.diagnostics[1].source_line, "  \"execute\": [\"bad role\"]");
}

TEST(AppwriteProject, TruncatedAndCorruptedFilesNeverCrash) {
  for (const char* name : kDataFiles) {
    SCOPED_TRACE(name);
    const std::string text = ReadData(name);
    // Fewer cuts in the big file, to keep the test fast.
    const size_t cuts = text.size() > 50000 ? 10 : 60;
    const size_t step = std::max<size_t>(1, text.size() / cuts);
    for (size_t cut = 0; cut < text.size(); cut += step) {
      AclParseResult r = ImportAppwriteProject(text.substr(0, cut), name);
      EXPECT_FALSE(r.ok());  // a prefix of an object is never valid JSON
      // Overwrite one byte with a character that often changes the type or
      // the meaning of what follows.
      std::string corrupt = text;
      corrupt[cut] = "\"[{}]:,0\\x"[cut % 9];
      AclParseResult c = ImportAppwriteProject(corrupt, name);
      for (const Diagnostic& d : c.diagnostics) {
        EXPECT_GE(d.location.line, 1) << d.ToString();
        EXPECT_GE(d.location.column, 1) << d.ToString();
      }
    }
  }
}

TEST(AppwriteProject, RealFilesReadNoSecretLikeFields) {
  // The whisperrnote file has an endpoint and project ids; none is copied.
  AclParseResult r = ImportData("Buildathonzx__whisperrnote__appwrite.json");
  ASSERT_TRUE(r.ok());
  EXPECT_THAT(Everything(r), Not(HasSubstr("https://")));
  EXPECT_THAT(Everything(r), Not(HasSubstr("endpoint")));
}

}  // namespace
}  // namespace warden
