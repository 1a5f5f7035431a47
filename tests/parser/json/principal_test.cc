#include "parser/json/principal.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "parser/diagnostic.h"
#include "parser/json/acl_data.h"
#include "parser/role.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::warden::testing::IsOk;
using ::warden::testing::StatusIs;

std::vector<std::string> Strings(const std::vector<Role>& roles) {
  std::vector<std::string> out;
  for (const Role& r : roles) out.push_back(r.ToString());
  return out;
}

TEST(PrincipalJson, Guest) {
  ASSERT_OK_AND_ASSIGN(PrincipalSpec spec,
                       ParsePrincipalJson(R"({"guest": true})"));
  EXPECT_EQ(spec.kind, PrincipalKind::kGuest);
}

TEST(PrincipalJson, GuestMustBeTrue) {
  EXPECT_THAT(
      ParsePrincipalJson(R"({"guest": false})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`guest`")));
  EXPECT_THAT(
      ParsePrincipalJson(R"({"guest": "yes"})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`guest`")));
}

TEST(PrincipalJson, UserFactsWithDefaults) {
  ASSERT_OK_AND_ASSIGN(PrincipalSpec spec,
                       ParsePrincipalJson(R"({"user": "u1"})"));
  EXPECT_EQ(spec.kind, PrincipalKind::kUser);
  EXPECT_EQ(spec.user.id, "u1");
  EXPECT_FALSE(spec.user.verified);
  EXPECT_THAT(spec.user.teams, IsEmpty());
  EXPECT_THAT(spec.user.labels, IsEmpty());
  EXPECT_THAT(spec.user.roles, IsEmpty());
}

TEST(PrincipalJson, FullUserFacts) {
  ASSERT_OK_AND_ASSIGN(PrincipalSpec spec,
                       ParsePrincipalJson(R"({"user": "u1", "verified": true,
        "teams": [{"team": "t1", "membership": "m1", "roles": ["owner", "editor"]},
                  {"team": "t2", "membership": "m2", "roles": [], "confirmed": false}],
        "labels": ["staff", "vip2"], "roles": ["editor", "Viewer-1"]})"));
  EXPECT_EQ(spec.kind, PrincipalKind::kUser);
  EXPECT_EQ(spec.user.id, "u1");
  EXPECT_TRUE(spec.user.verified);
  ASSERT_THAT(spec.user.teams, SizeIs(2));
  EXPECT_EQ(spec.user.teams[0].team, "t1");
  EXPECT_EQ(spec.user.teams[0].membership, "m1");
  EXPECT_THAT(spec.user.teams[0].roles, ElementsAre("owner", "editor"));
  EXPECT_TRUE(spec.user.teams[0].confirmed);  // the default
  EXPECT_EQ(spec.user.teams[1].team, "t2");
  EXPECT_FALSE(spec.user.teams[1].confirmed);
  EXPECT_THAT(spec.user.labels, ElementsAre("staff", "vip2"));
  EXPECT_THAT(spec.user.roles, ElementsAre("editor", "Viewer-1"));
}

TEST(PrincipalJson, InvalidUserFactsNameTheField) {
  struct Case {
    std::string json;
    std::string field;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"user": ""})", "`user`"},
          {R"({"user": "_u1"})", "`user`"},
          {R"({"user": "u 1"})", "`user`"},
          {R"({"user": "a234567890123456789012345678901234567"})", "`user`"},
          {R"({"user": 1})", "`user`"},
          {R"({"user": "u1", "verified": "yes"})", "`verified`"},
          {R"({"user": "u1", "teams": {}})", "`teams`"},
          {R"({"user": "u1", "teams": ["t1"]})", "`teams[0]`"},
          {R"({"user": "u1", "teams": [{"team": "-t", "membership": "m"}]})",
           "`teams[0].team`"},
          {R"({"user": "u1", "teams": [{"team": "t", "membership": "m!"}]})",
           "`teams[0].membership`"},
          {R"({"user": "u1", "teams": [{"membership": "m"}]})", "`team`"},
          {R"({"user": "u1", "teams": [{"team": "t"}]})", "`membership`"},
          {R"({"user": "u1", "teams": [{"team": "t", "membership": "m", "roles": ["a b"]}]})",
           "`teams[0].roles[0]`"},
          {R"({"user": "u1", "teams": [{"team": "t", "membership": "m", "confirmed": 1}]})",
           "`teams[0].confirmed`"},
          {R"({"user": "u1", "teams": [{"team": "t", "membership": "m", "role": []}]})",
           "`role`"},
          {R"({"user": "u1", "labels": ["a-b"]})", "`labels[0]`"},
          {R"({"user": "u1", "labels": "vip"})", "`labels`"},
          {R"({"user": "u1", "roles": ["ok", "-bad"]})", "`roles[1]`"},
          {R"({"user": "u1", "roles": [3]})", "`roles[0]`"},
      }) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(
        ParsePrincipalJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)));
  }
}

TEST(PrincipalJson, ReservedCustomRoleNameSuggestsTheBuiltinRole) {
  struct Case {
    std::string name;
    std::string builtin;
  };
  for (const Case& c : std::vector<Case>{{"all", "`any`"},
                                         {"any", "`any`"},
                                         {"guest", "`guests`"},
                                         {"guests", "`guests`"},
                                         {"users", "`users`"},
                                         {"member", "`users`"},
                                         {"user", "`user:ID`"},
                                         {"team", "`team:ID`"},
                                         {"label", "`label:NAME`"}}) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(ParsePrincipalJson(absl::StrCat(R"({"user": "u1", "roles": [")",
                                                c.name, R"("]})")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         ::testing::AllOf(HasSubstr("reserved"),
                                          HasSubstr(c.builtin))));
  }
}

TEST(PrincipalJson, RoleSetIsCanonicalised) {
  ASSERT_OK_AND_ASSIGN(
      PrincipalSpec spec,
      ParsePrincipalJson(
          R"({"roleSet": ["any", "role:all", "users[verified]", "user:u1", "role:editor", "team:t1/owner"]})"));
  EXPECT_EQ(spec.kind, PrincipalKind::kRoleSet);
  EXPECT_THAT(Strings(spec.role_set),
              ElementsAre("any", "any", "users/verified", "user:u1",
                          "role:editor", "team:t1/owner"));
  ASSERT_OK_AND_ASSIGN(PrincipalSpec empty,
                       ParsePrincipalJson(R"({"roleSet": []})"));
  EXPECT_THAT(empty.role_set, IsEmpty());
}

TEST(PrincipalJson, RoleSetRejectsAttributeRolesAndBadRoles) {
  for (const char* role : {"user:$ownerId", "users[$ownerId]", "user:", "any:x",
                           "bogus", "role:users x"}) {
    SCOPED_TRACE(role);
    EXPECT_THAT(
        ParsePrincipalJson(absl::StrCat(R"({"roleSet": [")", role, R"("]})")),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr("`roleSet[0]`")));
  }
  EXPECT_THAT(
      ParsePrincipalJson(R"({"roleSet": "any"})"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`roleSet`")));
}

TEST(PrincipalJson, ApiKeyScopesAreNormalised) {
  ASSERT_OK_AND_ASSIGN(
      PrincipalSpec spec,
      ParsePrincipalJson(
          R"({"apiKey": {"id": "k1", "scopes": ["documents.read", "tables.write", "rows.read", "execution.write"]}})"));
  EXPECT_EQ(spec.kind, PrincipalKind::kApiKey);
  EXPECT_EQ(spec.api_key.id, "k1");
  EXPECT_THAT(spec.api_key.scopes,
              ElementsAre("documents.read", "collections.write",
                          "documents.read", "execution.write"));
  ASSERT_OK_AND_ASSIGN(PrincipalSpec no_id,
                       ParsePrincipalJson(R"({"apiKey": {"scopes": []}})"));
  EXPECT_EQ(no_id.api_key.id, "");
}

TEST(PrincipalJson, ApiKeyErrors) {
  for (const char* json : {
           R"({"apiKey": {"id": "k1"}})",
           R"({"apiKey": {"scopes": ["documents.delete"]}})",
           R"({"apiKey": {"scopes": "documents.read"}})",
           R"({"apiKey": {"scopes": [], "secret": "x"}})",
           R"({"apiKey": {"id": 3, "scopes": []}})",
           R"({"apiKey": "k1"})",
       }) {
    SCOPED_TRACE(json);
    EXPECT_THAT(
        ParsePrincipalJson(json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("apiKey")));
  }
}

TEST(PrincipalJson, CredentialsAreKeptButNeverPrinted) {
  const std::string secret = "wdn_k1_TopSecretValue";
  ASSERT_OK_AND_ASSIGN(
      PrincipalSpec key,
      ParsePrincipalJson(absl::StrCat(R"({"key": ")", secret, R"("})")));
  EXPECT_EQ(key.kind, PrincipalKind::kKey);
  EXPECT_EQ(key.credential, secret);
  ASSERT_OK_AND_ASSIGN(PrincipalSpec jwt,
                       ParsePrincipalJson(R"({"jwt": "eyJ.abc.def"})"));
  EXPECT_EQ(jwt.kind, PrincipalKind::kJwt);
  EXPECT_EQ(jwt.credential, "eyJ.abc.def");

  for (const std::string& json : {
           absl::StrCat(R"({"key": ")", secret, R"(", "user": "u1"})"),
           absl::StrCat(R"({"key": ")", secret, R"(", "verified": true})"),
           absl::StrCat(R"({"key": ")", secret, R"(", "extra": 1})"),
           absl::StrCat(R"({"jwt": ")", secret, R"(", "jwt": "x"})"),
           absl::StrCat(R"({"key": ")", secret),          // unterminated
           absl::StrCat(R"({"key": ")", secret, "\x01"),  // control byte
           absl::StrCat(R"({"key": ")", secret, R"(" "x"})"),
           absl::StrCat(R"({"key": [")", secret, R"("]})"),
       }) {
    SCOPED_TRACE(json);
    absl::StatusOr<PrincipalSpec> r = ParsePrincipalJson(json);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(r.status().message()), Not(HasSubstr("TopSecret")));
  }
  EXPECT_THAT(ParsePrincipalJson(R"({"key": ""})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`key`")));
}

TEST(PrincipalJson, ShapeErrors) {
  struct Case {
    std::string json;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"", "malformed JSON"},
           {"{", "malformed JSON"},
           {"[]", "JSON object"},
           {"{}", "needs one of"},
           {R"({"name": "x"})", "unknown principal field `name`"},
           {R"({"guest": true, "user": "u1"})", "`guest` and `user`"},
           {R"({"user": "u1", "roleSet": []})", "`user` and `roleSet`"},
           {R"({"roleSet": [], "labels": []})",
            "`labels` is allowed only with `user`"},
           {R"({"guest": true, "verified": true})", "`verified`"},
           {R"({"user": "u1", "user": "u2"})", "duplicate key"},
       }) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(
        ParsePrincipalJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(NormalizeScope, AcceptsAndNormalises) {
  struct Case {
    std::string in;
    std::string out;
  };
  for (const Case& c : std::vector<Case>{
           {"documents.read", "documents.read"},
           {"files.write", "files.write"},
           {"collections.read", "collections.read"},
           {"tables.read", "collections.read"},
           {"tables.write", "collections.write"},
           {"rows.read", "documents.read"},
           {"rows.write", "documents.write"},
           {"execution.read", "execution.read"},
           {"execution.write", "execution.write"},
           {"users.read", "users.read"},
           {"my_kinds.write", "my_kinds.write"},
       }) {
    SCOPED_TRACE(c.in);
    ASSERT_OK_AND_ASSIGN(std::string scope, NormalizeScope(c.in));
    EXPECT_EQ(scope, c.out);
  }
}

TEST(NormalizeScope, RejectsMalformedScopes) {
  for (const char* scope :
       {"", "documents", "documents.", ".read", "documents.delete",
        "documents.read.x", "Documents.read", "document.read", "s.read",
        "execution.execute", "executions2.read", "documents.*", "*.read",
        "docu ments.read", "1documents.read", "documents.Read"}) {
    SCOPED_TRACE(scope);
    EXPECT_THAT(
        NormalizeScope(scope),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scope")));
  }
}

TEST(RequestJson, ParsesAndNormalises) {
  ASSERT_OK_AND_ASSIGN(RequestSpec request,
                       ParseRequestJson(R"({"principal": {"user": "u1"},
        "resource": "databases/d/tables/t/rows/r", "action": "read",
        "attributes": {"ownerId": "u1", "_x": ""}})"));
  EXPECT_EQ(request.principal.kind, PrincipalKind::kUser);
  EXPECT_EQ(request.principal.user.id, "u1");
  EXPECT_EQ(request.resource, "databases/d/collections/t/documents/r");
  EXPECT_EQ(request.action, "read");
  ASSERT_THAT(request.attributes, SizeIs(2));
  std::vector<std::string> names;
  for (const Attribute& a : request.attributes) {
    names.push_back(a.name + "=" + a.value);
  }
  std::sort(names.begin(), names.end());
  EXPECT_THAT(names, ElementsAre("_x=", "ownerId=u1"));

  ASSERT_OK_AND_ASSIGN(
      RequestSpec custom,
      ParseRequestJson(
          R"({"principal": {"guest": true}, "resource": "functions/f", "action": "execute"})"));
  EXPECT_EQ(custom.action, "execute");
  EXPECT_THAT(custom.attributes, IsEmpty());
}

TEST(RequestJson, WriteAndStarAreNotRequestActions) {
  for (const char* action : {"write", "*"}) {
    SCOPED_TRACE(action);
    EXPECT_THAT(
        ParseRequestJson(absl::StrCat(
            R"({"principal": {"guest": true}, "resource": "buckets/b", "action": ")",
            action, R"("})")),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("one action")));
  }
}

TEST(RequestJson, InvalidRequests) {
  struct Case {
    std::string json;
    std::string message;
  };
  const std::string p = R"("principal": {"guest": true})";
  for (
      const Case& c : std::vector<Case>{
          {"[]", "JSON object"},
          {R"({"resource": "buckets/b", "action": "read"})", "`principal`"},
          {absl::StrCat("{", p, R"(, "action": "read"})"), "`resource`"},
          {absl::StrCat("{", p, R"(, "resource": "buckets/b"})"), "`action`"},
          {absl::StrCat("{", p,
                        R"(, "resource": "buckets", "action": "read"})"),
           "in `resource`: resource path `buckets`"},
          {absl::StrCat("{", p,
                        R"(, "resource": "buckets/*", "action": "read"})"),
           "in `resource`"},
          {absl::StrCat("{", p, R"(, "resource": 1, "action": "read"})"),
           "`resource`"},
          {absl::StrCat("{", p,
                        R"(, "resource": "buckets/b", "action": "READ"})"),
           "invalid action `READ`"},
          {absl::StrCat("{", p, R"(, "resource": "buckets/b", "action": ""})"),
           "invalid action"},
          {absl::StrCat("{", p,
                        R"(, "resource": "buckets/b", "action": ["read"]})"),
           "`action`"},
          {absl::StrCat(
               "{", p,
               R"(, "resource": "buckets/b", "action": "read", "attributes": {"a": 1}})"),
           "attribute `a`"},
          {absl::StrCat(
               "{", p,
               R"(, "resource": "buckets/b", "action": "read", "attributes": {"1a": "x"}})"),
           "attribute name `1a`"},
          {absl::StrCat(
               "{", p,
               R"(, "resource": "buckets/b", "action": "read", "attributes": []})"),
           "attributes"},
          {absl::StrCat(
               "{", p,
               R"(, "resource": "buckets/b", "action": "read", "extra": 1})"),
           "unknown request field `extra`"},
          {R"({"principal": {"user": "-u"}, "resource": "buckets/b", "action": "read"})",
           "in `principal`"},
          {R"({"principal": "u1", "resource": "buckets/b", "action": "read"})",
           "in `principal`"},
      }) {
    SCOPED_TRACE(c.json);
    EXPECT_THAT(
        ParseRequestJson(c.json),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  }
}

TEST(AttributesJson, StringValuesOnly) {
  ASSERT_OK_AND_ASSIGN(std::vector<Attribute> attributes,
                       ParseAttributesJson(R"({"ownerId": "u1"})"));
  ASSERT_THAT(attributes, SizeIs(1));
  EXPECT_EQ(attributes[0].name, "ownerId");
  EXPECT_EQ(attributes[0].value, "u1");
  EXPECT_THAT(ParseAttributesJson("{}"), IsOk());
  EXPECT_THAT(ParseAttributesJson(R"({"a": null})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseAttributesJson(R"({"a": true})"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseAttributesJson(R"("x")"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseAttributesJson(R"({"a-b": "x"})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`a-b`")));
  EXPECT_THAT(ParseAttributesJson(
                  absl::StrCat(R"({")", std::string(65, 'a'), R"(": "x"})")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// The `principal` lines of appwrite_extra.jsonl use Appwrite's field names;
// they are translated to our principal JSON, parsed, and the role set that
// APPWRITE.md §3 derives from the parsed facts must be the line's `roles`.
nlohmann::json TranslateFacts(const nlohmann::json& facts) {
  if (facts.contains("session") && !facts["session"].get<bool>()) {
    return {{"guest", true}};
  }
  nlohmann::json out;
  out["user"] = facts["userId"];
  out["verified"] = facts.value("emailVerification", false) ||
                    facts.value("phoneVerification", false);
  if (facts.contains("memberships")) {
    nlohmann::json teams = nlohmann::json::array();
    for (const auto& m : facts["memberships"]) {
      teams.push_back({{"team", m["teamId"]},
                       {"membership", m["$id"]},
                       {"roles", m["roles"]},
                       {"confirmed", m["confirm"]}});
    }
    out["teams"] = teams;
  }
  if (facts.contains("labels")) out["labels"] = facts["labels"];
  return out;
}

std::vector<std::string> DeriveRoles(const PrincipalSpec& spec) {
  std::vector<std::string> roles = {"any"};
  if (spec.kind == PrincipalKind::kGuest) {
    roles.push_back("guests");
    return roles;
  }
  const UserFacts& u = spec.user;
  const std::string dim = u.verified ? "verified" : "unverified";
  roles.push_back("users");
  roles.push_back("user:" + u.id);
  roles.push_back("user:" + u.id + "/" + dim);
  roles.push_back("users/" + dim);
  for (const TeamMembership& m : u.teams) {
    if (!m.confirmed) continue;
    roles.push_back("team:" + m.team);
    roles.push_back("member:" + m.membership);
    for (const std::string& r : m.roles)
      roles.push_back("team:" + m.team + "/" + r);
  }
  for (const std::string& l : u.labels) roles.push_back("label:" + l);
  return roles;
}

TEST(PrincipalJson, AppwriteExtraPrincipalVectors) {
  std::ifstream in(absl::StrCat(WARDEN_SOURCE_DIR,
                                "/tests/data/vectors/appwrite_extra.jsonl"));
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(v.is_discarded()) << line;
    if (v.value("kind", "") != "principal") continue;
    SCOPED_TRACE(v.value("describe", ""));
    const nlohmann::json ours = TranslateFacts(v["facts"]);
    ASSERT_OK_AND_ASSIGN(PrincipalSpec spec, ParsePrincipalJson(ours.dump()));
    std::vector<std::string> expected =
        v["roles"].get<std::vector<std::string>>();
    std::vector<std::string> derived = DeriveRoles(spec);
    std::sort(expected.begin(), expected.end());
    std::sort(derived.begin(), derived.end());
    EXPECT_EQ(derived, expected);
    ++checked;
  }
  EXPECT_EQ(checked, 7);
}

// Every input of the rule vectors is valid input for these readers, and the
// `request_invalid` lines are invalid requests.
TEST(RequestJson, RulesVectorInputs) {
  std::ifstream in(
      absl::StrCat(WARDEN_SOURCE_DIR, "/tests/data/vectors/rules.jsonl"));
  ASSERT_TRUE(in.good());
  std::string line;
  int decides = 0, invalid = 0;
  while (std::getline(in, line)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(v.is_discarded()) << line;
    const std::string kind = v.value("kind", "");
    if (kind != "rule_decide" && kind != "request_invalid") continue;
    SCOPED_TRACE(line);
    nlohmann::json request = {{"principal", v["principal"]},
                              {"resource", v["resource"]},
                              {"action", v["action"]}};
    if (v.contains("attributes")) request["attributes"] = v["attributes"];
    if (kind == "request_invalid") {
      EXPECT_THAT(ParseRequestJson(request.dump()),
                  StatusIs(absl::StatusCode::kInvalidArgument));
      ++invalid;
      continue;
    }
    EXPECT_THAT(ParsePrincipalJson(v["principal"].dump()), IsOk());
    ASSERT_OK_AND_ASSIGN(RequestSpec spec, ParseRequestJson(request.dump()));
    EXPECT_EQ(spec.action, v["action"].get<std::string>());
    std::string acl;
    for (const auto& entry : v.value("acl", nlohmann::json::array())) {
      acl += entry.dump() + "\n";
    }
    AclParseResult parsed = ParseAclJsonLines(acl, "acl.jsonl");
    EXPECT_TRUE(parsed.ok()) << FormatDiagnostics(parsed.diagnostics);
    ++decides;
  }
  EXPECT_GT(decides, 50);
  EXPECT_EQ(invalid, 1);
}

}  // namespace
}  // namespace warden

namespace warden {
namespace {

TEST(RequiredScope, NamesTheScopeThatCoversTheAction) {
  EXPECT_EQ(RequiredScope("document", "read"), "documents.read");
  EXPECT_EQ(RequiredScope("document", "create"), "documents.write");
  EXPECT_EQ(RequiredScope("file", "delete"), "files.write");
  EXPECT_EQ(RequiredScope("collection", "update"), "collections.write");
  EXPECT_EQ(RequiredScope("function", "execute"), "execution.write");
  EXPECT_EQ(RequiredScope("execution", "read"), "execution.read");
  EXPECT_EQ(RequiredScope("execution", "create"), "execution.write");
  // No scope covers other custom actions.
  EXPECT_EQ(RequiredScope("document", "archive"), "");
  EXPECT_EQ(RequiredScope("document", "execute"), "");
  EXPECT_EQ(RequiredScope("", "read"), "");
}

}  // namespace
}  // namespace warden
