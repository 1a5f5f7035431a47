// Runs the built `warden` binary and checks the contract of CLI.md: exit
// codes, JSON shapes, eval ordering and error handling, diagnostics.

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

#ifndef WARDEN_CLI_PATH
#error "WARDEN_CLI_PATH must name the warden binary"
#endif

namespace {

using ::nlohmann::json;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFileOrDie(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
  ASSERT_TRUE(out.good()) << path;
}

// A directory of its own for the current test.
std::string TestDir() {
  const ::testing::TestInfo* info =
      ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = absl::StrCat(::testing::TempDir(), "warden_cli_test_",
                                 info->name(), "_", getpid());
  mkdir(dir.c_str(), 0700);
  return dir;
}

// Runs warden with `args`, `stdin_text` on stdin; captures stdout, stderr and
// the exit code.
RunResult RunWarden(const std::vector<std::string>& args,
                    const std::string& stdin_text = "") {
  std::string dir = TestDir();
  std::string in_path = dir + "/run.stdin";
  std::string out_path = dir + "/run.stdout";
  std::string err_path = dir + "/run.stderr";
  {
    std::ofstream in(in_path, std::ios::binary | std::ios::trunc);
    in << stdin_text;
  }
  std::vector<std::string> argv_storage = {WARDEN_CLI_PATH};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_storage) argv.push_back(arg.data());
  argv.push_back(nullptr);

  RunResult result;
  pid_t pid = fork();
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  return lines;
}

json ParseJson(const std::string& text) {
  json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(value.is_discarded()) << "not JSON: " << text;
  return value;
}

std::vector<json> JsonLines(const std::string& text) {
  std::vector<json> values;
  for (const std::string& line : Lines(text)) values.push_back(ParseJson(line));
  return values;
}

constexpr char kPolicy[] =
    "# test policy\n"
    "role editor: viewer\n"
    "document:read(users)\n"
    "document:write(role:editor)\n"
    "deny document:delete(guests)\n";

constexpr char kAcl[] =
    "{\"resource\": \"databases/d1/collections/c1\", \"permissions\": "
    "[\"read(\\\"any\\\")\", \"create(\\\"users\\\")\"], "
    "\"documentSecurity\": true}\n";

constexpr char kDoc[] = "databases/d1/collections/c1/documents/x";

// Policy and ACL files in the test's directory, as check/eval/compile flags.
std::vector<std::string> PolicyFlags(const std::string& dir) {
  WriteFileOrDie(dir + "/policy.warden", kPolicy);
  WriteFileOrDie(dir + "/acl.jsonl", kAcl);
  return {"--policy", dir + "/policy.warden", "--acl", dir + "/acl.jsonl"};
}

std::vector<std::string> Concat(std::vector<std::string> a,
                                const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// ---------------------------------------------------------------- usage

TEST(WardenCli, HelpWorksForEveryCommand) {
  RunResult top = RunWarden({"--help"});
  EXPECT_EQ(top.exit_code, 0) << top.err;
  for (const char* command :
       {"parse", "check", "eval", "compile", "fmt", "lint"}) {
    RunResult r = RunWarden({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command << ": " << r.err;
    EXPECT_THAT(r.out, HasSubstr(command)) << command;
    EXPECT_THAT(r.out, HasSubstr("--help")) << command;
    EXPECT_THAT(top.out, HasSubstr(command));
  }
}

TEST(WardenCli, UsageErrorsExit64) {
  EXPECT_EQ(RunWarden({}).exit_code, 64);
  EXPECT_EQ(RunWarden({"frobnicate"}).exit_code, 64);
  EXPECT_EQ(RunWarden({"parse", "--bogus", "any"}).exit_code, 64);
  EXPECT_EQ(RunWarden({"parse", "--form", "nonsense", "any"}).exit_code, 64);
  EXPECT_EQ(RunWarden({"lint"}).exit_code, 64);  // FILE is required
  // check without --principal.
  std::string dir = TestDir();
  RunResult r = RunWarden(Concat(
      {"check"},
      Concat(PolicyFlags(dir), {"--resource", kDoc, "--action", "read"})));
  EXPECT_EQ(r.exit_code, 64) << r.err;
  EXPECT_THAT(r.err, HasSubstr("principal"));
  // --bundle excludes --policy.
  r = RunWarden(Concat(
      {"check", "--bundle", dir + "/b"},
      Concat(PolicyFlags(dir), {"--principal", "{\"guest\": true}",
                                "--resource", kDoc, "--action", "read"})));
  EXPECT_EQ(r.exit_code, 64) << r.err;
  // No policy source at all.
  r = RunWarden({"check", "--principal", "{\"guest\": true}", "--resource",
                 kDoc, "--action", "read"});
  EXPECT_EQ(r.exit_code, 64) << r.err;
  // --threads out of range.
  r = RunWarden(
      Concat({"eval", "--requests", "-", "--threads", "0"}, PolicyFlags(dir)));
  EXPECT_EQ(r.exit_code, 64) << r.err;
}

TEST(WardenCli, MissingFileIsOtherError) {
  std::string dir = TestDir();
  RunResult r = RunWarden({"lint", dir + "/does-not-exist.warden"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("does-not-exist.warden"));
}

// ---------------------------------------------------------------- parse

TEST(WardenCli, ParseAclEntryJsonShape) {
  RunResult r = RunWarden({"parse", "--json", "read(\"team:t1/owner\")"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0], json::parse(R"json({"input": "read(\"team:t1/owner\")",
      "valid": true, "form": "acl", "canonical": "read(\"team:t1/owner\")",
      "action": "read", "role": "team", "id": "t1", "dimension": "owner"})json"));
}

TEST(WardenCli, ParseRuleJsonShape) {
  RunResult r = RunWarden(
      {"parse", "--json", "deny table:write(role:member, users[any], any)"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_EQ(out[0]["form"], "rule");
  EXPECT_EQ(out[0]["valid"], true);
  EXPECT_EQ(out[0]["deny"], true);
  EXPECT_EQ(out[0]["resource"], "collection");
  EXPECT_EQ(out[0]["action"], "write");
  // `role:member` and `users[any]` are both `users`: one is kept.
  EXPECT_EQ(out[0]["roles"], json::parse(R"(["users", "any"])"));
  EXPECT_EQ(out[0]["canonical"], "deny collection:write(users, any)");
}

TEST(WardenCli, ParseRoleFormAndAutodetection) {
  RunResult r =
      RunWarden({"parse", "--json", "--form", "role", "role:users[verified]"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json role = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(role["form"], "role");
  EXPECT_EQ(role["canonical"], "users/verified");
  EXPECT_EQ(role["role"], "users");
  EXPECT_EQ(role["id"], "");
  EXPECT_EQ(role["dimension"], "verified");
  EXPECT_FALSE(role.contains("action"));

  // Without --form: ACL entry, then rule, then role.
  r = RunWarden({"parse", "--json", "update(\"any\")", "document:read(any)",
                 "team:t1/owner"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(3));
  EXPECT_EQ(out[0]["form"], "acl");
  EXPECT_EQ(out[1]["form"], "rule");
  EXPECT_EQ(out[2]["form"], "role");
  EXPECT_EQ(out[2]["canonical"], "team:t1/owner");
}

TEST(WardenCli, ParseInvalidInputExit3WithOffset) {
  RunResult r = RunWarden({"parse", "--json", "any", "read(any)"});
  EXPECT_EQ(r.exit_code, 3);
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(2));
  EXPECT_EQ(out[0]["valid"], true);
  EXPECT_EQ(out[1]["valid"], false);
  EXPECT_EQ(out[1]["input"], "read(any)");
  ASSERT_TRUE(out[1]["error"].is_object());
  EXPECT_TRUE(out[1]["error"]["message"].is_string());
  EXPECT_FALSE(out[1]["error"]["message"].get<std::string>().empty());
  EXPECT_TRUE(out[1]["error"]["offset"].is_number_unsigned());
  EXPECT_FALSE(out[1].contains("form"));

  // --form forces the form: a rule is not a role.
  r = RunWarden({"parse", "--form", "role", "document:read(any)"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("error at offset "));
}

TEST(WardenCli, ParseReadsStdinLinesAndPrintsHumanForm) {
  RunResult r = RunWarden({"parse"}, "role:all\nread(\"users\")\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Lines(r.out),
              ElementsAre("ok  role  any", "ok  acl  read(\"users\")"));
}

// ---------------------------------------------------------------- check

TEST(WardenCli, CheckExitCodesAndJsonShape) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);

  // Allowed by a rule: exit 0, grant names the rule, its file and line.
  RunResult r =
      RunWarden(Concat({"check", "--json", "--principal", R"({"user": "u1"})",
                        "--resource", kDoc, "--action", "read"},
                       flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json allowed = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(allowed["allowed"], true);
  EXPECT_EQ(allowed["reason"], "allowed_by_rule");
  EXPECT_EQ(allowed["generation"], 0);
  ASSERT_TRUE(allowed["grant"].is_object());
  EXPECT_EQ(allowed["grant"]["kind"], "rule");
  EXPECT_EQ(allowed["grant"]["rule"], "document:read(users)");
  EXPECT_THAT(allowed["grant"]["file"].get<std::string>(),
              HasSubstr("policy.warden"));
  EXPECT_EQ(allowed["grant"]["line"], 3);

  // Allowed by an ACL entry on the collection itself.
  r = RunWarden(
      Concat({"check", "--json", "--principal", R"({"guest": true})",
              "--resource", "databases/d1/collections/c1", "--action", "read"},
             flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json by_acl = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(by_acl["reason"], "allowed_by_acl");
  EXPECT_EQ(by_acl["grant"], json::parse(R"json({"kind": "acl",
      "resource": "databases/d1/collections/c1", "index": 0,
      "entry": "read(\"any\")"})json"));

  // Denied by a deny rule: exit 2.
  r = RunWarden(Concat({"check", "--json", "--principal", R"({"guest": true})",
                        "--resource", kDoc, "--action", "delete"},
                       flags));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json denied = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(denied["allowed"], false);
  EXPECT_EQ(denied["reason"], "denied_by_rule");

  // Nothing grants: exit 2, no grant.
  r = RunWarden(Concat({"check", "--json", "--principal", R"({"guest": true})",
                        "--resource", kDoc, "--action", "update"},
                       flags));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  json nothing = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(nothing["allowed"], false);
  EXPECT_TRUE(nothing["grant"].is_null());

  // The role hierarchy: a custom role from user facts.
  r = RunWarden(
      Concat({"check", "--principal", R"({"user": "u1", "roles": ["editor"]})",
              "--resource", kDoc, "--action", "update"},
             flags));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("allowed"));
}

TEST(WardenCli, CheckInvalidRequestExit3) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);
  struct Case {
    std::string principal, resource, action;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"user": ""})", kDoc, "read"},                   // bad user id
           {R"({"guest": true, "user": "u1"})", kDoc, "read"},  // two kinds
           {"{not json", kDoc, "read"},                         // not JSON
           {R"({"guest": true})", "databases/d1/collections", "read"},
           {R"({"guest": true})", "databases/*", "read"},
           {R"({"guest": true})", kDoc, "write"},  // `write` is not asked for
           {R"({"guest": true})", kDoc, "*"},
       }) {
    RunResult r =
        RunWarden(Concat({"check", "--principal", c.principal, "--resource",
                          c.resource, "--action", c.action},
                         flags));
    EXPECT_EQ(r.exit_code, 3)
        << c.principal << " " << c.resource << " " << c.action << ": " << r.err;
    EXPECT_THAT(r.err, Not(IsEmpty()));
    EXPECT_THAT(r.out, IsEmpty());
  }
  RunResult r = RunWarden(
      Concat({"check", "--principal", R"({"guest": true})", "--resource", kDoc,
              "--action", "read", "--attributes", R"({"ownerId": 5})"},
             flags));
  EXPECT_EQ(r.exit_code, 3) << r.err;
}

TEST(WardenCli, CheckExplainListsRolesAndGrants) {
  std::string dir = TestDir();
  RunResult r = RunWarden(
      Concat({"check", "--json", "--explain", "--principal",
              R"({"user": "u1"})", "--resource", kDoc, "--action", "read"},
             PolicyFlags(dir)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json explained = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(explained["allowed"], true);
  ASSERT_TRUE(explained["roles"].is_array());
  std::vector<std::string> roles = explained["roles"];
  EXPECT_THAT(roles, ::testing::IsSupersetOf({"any", "users", "user:u1"}));
  ASSERT_TRUE(explained["considered"].is_array());
  ASSERT_FALSE(explained["considered"].empty());
  bool saw_held_rule = false;
  for (const json& grant : explained["considered"]) {
    for (const char* field : {"source", "text", "role"}) {
      EXPECT_TRUE(grant[field].is_string()) << grant.dump();
    }
    EXPECT_TRUE(grant["deny"].is_boolean());
    EXPECT_TRUE(grant["held"].is_boolean());
    if (grant["text"] == "document:read(users)" && grant["held"] == true) {
      saw_held_rule = true;
    }
  }
  EXPECT_TRUE(saw_held_rule) << explained.dump();

  // The human form says the same.
  r = RunWarden(
      Concat({"check", "--explain", "--principal", R"({"user": "u1"})",
              "--resource", kDoc, "--action", "read"},
             PolicyFlags(dir)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("allowed"), HasSubstr("user:u1"),
                           HasSubstr("document:read(users)")));
}

TEST(WardenCli, CredentialPrincipalsAreRefusedAndNeverEchoed) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);
  const std::string key = "wdn_k1_SuperSecretKeyMaterial42";
  const std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.SecretSig99";
  for (const std::string& principal :
       {absl::StrCat(R"({"key": ")", key, R"("})"),
        absl::StrCat(R"({"jwt": ")", jwt, R"("})"),
        absl::StrCat(R"({"key": ")", key, R"(", "extra": 1})"),
        absl::StrCat(R"({"jwt": ")", jwt)}) {  // truncated JSON
    RunResult r = RunWarden(Concat({"check", "--json", "--principal", principal,
                                    "--resource", kDoc, "--action", "read"},
                                   flags));
    EXPECT_EQ(r.exit_code, 3) << r.err;
    for (const std::string& secret :
         {std::string("SuperSecret"), std::string("SecretSig"),
          std::string("eyJ")}) {
      EXPECT_THAT(r.out, Not(HasSubstr(secret)));
      EXPECT_THAT(r.err, Not(HasSubstr(secret)));
    }
  }
  RunResult r = RunWarden(
      Concat({"check", "--principal", absl::StrCat(R"({"jwt": ")", jwt, "\"}"),
              "--resource", kDoc, "--action", "read"},
             flags));
  EXPECT_THAT(r.err, HasSubstr("not supported"));

  // The same in eval request lines.
  std::string requests = absl::StrCat(
      R"({"principal": {"key": ")", key,
      R"("}, "resource": "databases/d1/collections/c1/documents/x", "action": "read"})",
      "\n", R"({"principal": {"jwt": ")", jwt,
      R"("}, "resource": "databases/d1/collections/c1/documents/x", "action": "read"})",
      "\n");
  r = RunWarden(Concat({"eval", "--json", "--requests", "-"}, flags), requests);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(2));
  for (const json& line : out) {
    EXPECT_EQ(line["allowed"], false);
    EXPECT_TRUE(line.contains("error"));
  }
  EXPECT_THAT(r.out, Not(HasSubstr("SuperSecret")));
  EXPECT_THAT(r.out, Not(HasSubstr("SecretSig")));
  EXPECT_THAT(r.err, Not(HasSubstr("SuperSecret")));
  EXPECT_THAT(r.err, Not(HasSubstr("SecretSig")));
}

TEST(WardenCli, BadPolicyFileGivesLocationAndCaret) {
  std::string dir = TestDir();
  WriteFileOrDie(dir + "/bad.warden",
                 "document:read(users)\n"
                 "document:read\n");
  RunResult r =
      RunWarden({"check", "--policy", dir + "/bad.warden", "--principal",
                 R"({"guest": true})", "--resource", kDoc, "--action", "read"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("bad.warden:2:"));
  EXPECT_THAT(r.err, HasSubstr("\ndocument:read\n"));
  EXPECT_THAT(r.err, HasSubstr("^"));

  // The same for eval and compile.
  r = RunWarden({"eval", "--policy", dir + "/bad.warden", "--requests", "-"},
                "");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("bad.warden:2:"));
  r = RunWarden(
      {"compile", "--policy", dir + "/bad.warden", "-o", dir + "/out.bundle"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("bad.warden:2:"));
  EXPECT_NE(access((dir + "/out.bundle").c_str(), F_OK), 0);

  // Bad ACL data is invalid input too.
  WriteFileOrDie(
      dir + "/bad.jsonl",
      R"json({"resource": "databases/d1", "permissions": ["read(any)"]})json"
      "\n");
  r = RunWarden({"check", "--acl", dir + "/bad.jsonl", "--principal",
                 R"({"guest": true})", "--resource", kDoc, "--action", "read"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("bad.jsonl:1"));
}

TEST(WardenCli, SeveralPolicyFilesFormOnePolicy) {
  std::string dir = TestDir();
  WriteFileOrDie(dir + "/roles.warden", "role editor: viewer\n");
  WriteFileOrDie(dir + "/rules.warden", "document:read(role:viewer)\n");
  RunResult r = RunWarden({"check", "--json", "--policy", dir + "/roles.warden",
                           "--policy", dir + "/rules.warden", "--principal",
                           R"({"user": "u1", "roles": ["editor"]})",
                           "--resource", kDoc, "--action", "read"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json decision = ParseJson(Lines(r.out).at(0));
  EXPECT_THAT(decision["grant"]["file"].get<std::string>(),
              HasSubstr("rules.warden"));
  EXPECT_EQ(decision["grant"]["line"], 1);
}

TEST(WardenCli, CheckApiKeyAndAppwriteProject) {
  std::string dir = TestDir();
  WriteFileOrDie(dir + "/appwrite.json", R"json({
    "projectId": "p1",
    "databases": [{"$id": "d1", "name": "main", "enabled": true}],
    "collections": [{"$id": "c1", "databaseId": "d1", "name": "posts",
                     "enabled": true, "documentSecurity": false,
                     "$permissions": ["read(\"users\")"]}],
    "buckets": [{"$id": "b1", "name": "pictures", "enabled": true,
                 "fileSecurity": true, "$permissions": ["read(\"any\")"]}]
  })json");
  std::vector<std::string> flags = {"--appwrite", dir + "/appwrite.json"};
  RunResult r =
      RunWarden(Concat({"check", "--json", "--principal", R"({"user": "u1"})",
                        "--resource", kDoc, "--action", "read"},
                       flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json decision = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(decision["grant"]["kind"], "acl");
  EXPECT_EQ(decision["grant"]["resource"], "databases/d1/collections/c1");
  EXPECT_EQ(decision["grant"]["entry"], "read(\"users\")");
  r = RunWarden(Concat({"check", "--principal", R"({"guest": true})",
                        "--resource", kDoc, "--action", "read"},
                       flags));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = RunWarden(
      Concat({"check", "--principal", R"({"guest": true})", "--resource",
              "buckets/b1/files/f1", "--action", "read"},
             flags));
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // An already verified API key: scopes decide, and the grant names one.
  r = RunWarden(
      Concat({"check", "--json", "--principal",
              R"({"apiKey": {"id": "k1", "scopes": ["documents.read"]}})",
              "--resource", kDoc, "--action", "read"},
             flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  decision = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(decision["reason"], "allowed_by_scope");
  EXPECT_EQ(decision["grant"],
            json::parse(R"({"kind": "scope", "scope": "documents.read"})"));
  r = RunWarden(Concat({"check", "--json", "--principal",
                        R"({"apiKey": {"scopes": ["documents.read"]}})",
                        "--resource", kDoc, "--action", "delete"},
                       flags));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  decision = ParseJson(Lines(r.out).at(0));
  EXPECT_EQ(decision["reason"], "scope_missing");
  // The denial names the scope the key lacks (LANGUAGE.md §7).
  EXPECT_EQ(decision["missing_scope"], "documents.write");
  r = RunWarden(Concat(
      {"check", "--principal", R"({"apiKey": {"scopes": ["documents.read"]}})",
       "--resource", "functions/f1", "--action", "execute"},
      flags));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_THAT(r.out, ::testing::HasSubstr("lacks scope `execution.write`"));
}

// ---------------------------------------------------------------- eval

std::string ManyRequests(int count) {
  std::string requests;
  for (int i = 0; i < count; ++i) {
    std::string principal = i % 3 == 1
                                ? absl::StrCat(R"({"user": "u)", i % 7, R"("})")
                                : R"({"guest": true})";
    const char* action = i % 3 == 0 ? "delete" : i % 3 == 1 ? "read" : "update";
    absl::StrAppend(&requests, R"({"principal": )", principal,
                    R"(, "resource": "databases/d1/collections/c1/documents/d)",
                    i, R"(", "action": ")", action, "\"}\n");
  }
  return requests;
}

TEST(WardenCli, EvalKeepsInputOrderWithThreads) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);
  constexpr int kCount = 301;
  WriteFileOrDie(dir + "/requests.jsonl", ManyRequests(kCount));
  RunResult one = RunWarden(
      Concat({"eval", "--json", "--requests", dir + "/requests.jsonl"}, flags));
  RunResult two = RunWarden(Concat({"eval", "--json", "--threads", "2",
                                    "--requests", dir + "/requests.jsonl"},
                                   flags));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(one.out, two.out);
  std::vector<json> out = JsonLines(two.out);
  ASSERT_THAT(out, SizeIs(kCount));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(out[i]["allowed"], i % 3 == 1) << i << ": " << out[i].dump();
    if (i % 3 == 0) {
      EXPECT_EQ(out[i]["reason"], "denied_by_rule") << i;
    } else if (i % 3 == 1) {
      EXPECT_EQ(out[i]["reason"], "allowed_by_rule") << i;
    }
    EXPECT_TRUE(out[i].contains("generation"));
  }
  // The summary (JSON with --json) is on stderr.
  std::vector<std::string> err = Lines(two.err);
  ASSERT_FALSE(err.empty());
  json summary = ParseJson(err.back());
  EXPECT_EQ(summary["count"], kCount);
  EXPECT_EQ(summary["allowed"], (kCount + 1) / 3);
  EXPECT_EQ(summary["denied"], kCount - (kCount + 1) / 3);
  EXPECT_EQ(summary["invalid"], 0);
  EXPECT_TRUE(summary["checks_per_second"].is_number());
  EXPECT_TRUE(summary["elapsed_seconds"].is_number());
}

TEST(WardenCli, EvalCountsBadLinesAndContinues) {
  std::string dir = TestDir();
  std::string requests = absl::StrCat(
      R"({"principal": {"user": "u1"}, "resource": ")", kDoc,
      R"(", "action": "read"})", "\n", "this is not json\n",
      R"({"principal": {"user": "u1"}, "resource": "databases/d1/x", "action": "read"})",
      "\n",
      "\n",  // blank lines are skipped
      R"({"principal": {"guest": true}, "resource": ")", kDoc,
      R"(", "action": "delete"})", "\n",
      R"({"principal": {"user": "u1"}, "resource": ")", kDoc,
      R"(", "action": "read", "attributes": {"ownerId": 7}})", "\n");
  RunResult r =
      RunWarden(Concat({"eval", "--json", "--requests", "-"}, PolicyFlags(dir)),
                requests);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<json> out = JsonLines(r.out);
  ASSERT_THAT(out, SizeIs(5));
  EXPECT_EQ(out[0]["allowed"], true);
  EXPECT_FALSE(out[0].contains("error"));
  for (int i : {1, 2, 4}) {
    EXPECT_EQ(out[i]["allowed"], false);
    ASSERT_TRUE(out[i]["error"].is_object()) << out[i].dump();
    EXPECT_TRUE(out[i]["error"]["message"].is_string());
  }
  EXPECT_EQ(out[1]["error"]["line"], 2);
  EXPECT_EQ(out[2]["error"]["line"], 3);
  EXPECT_EQ(out[4]["error"]["line"], 6);
  EXPECT_EQ(out[3]["allowed"], false);
  EXPECT_EQ(out[3]["reason"], "denied_by_rule");
  json summary = ParseJson(Lines(r.err).back());
  EXPECT_EQ(summary["count"], 5);
  EXPECT_EQ(summary["allowed"], 1);
  EXPECT_EQ(summary["denied"], 1);
  EXPECT_EQ(summary["invalid"], 3);

  // The human form: one line per request, summary on stderr.
  r = RunWarden(Concat({"eval", "--requests", "-"}, PolicyFlags(dir)),
                requests);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_THAT(lines, SizeIs(5));
  EXPECT_THAT(lines[0], HasSubstr("allowed"));
  EXPECT_THAT(lines[1], HasSubstr("line 2: error"));
  EXPECT_THAT(r.err, AllOf(HasSubstr("3 invalid"), HasSubstr("checks/s")));
}

// ---------------------------------------------------------------- lint, fmt

TEST(WardenCli, LintReportsEveryMistake) {
  std::string dir = TestDir();
  WriteFileOrDie(dir + "/mistakes.warden",
                 "document:read(users)\n"
                 "document:read\n"              // line 2: no roles
                 "collection:frob(nobody:x)\n"  // line 3: bad role
                 "documents:read(any)\n"        // line 4: plural type (warn)
                 "post*/x:read(any)\n");        // line 5: bad path pattern
  RunResult r = RunWarden({"lint", dir + "/mistakes.warden"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, IsEmpty());
  for (const char* where : {"mistakes.warden:2:", "mistakes.warden:3:",
                            "mistakes.warden:4:", "mistakes.warden:5:"}) {
    EXPECT_THAT(r.err, HasSubstr(where)) << r.err;
  }
  EXPECT_THAT(r.err, AllOf(HasSubstr(": error: "), HasSubstr(": warning: "),
                           HasSubstr("^")));

  // Warnings alone do not fail.
  WriteFileOrDie(dir + "/warn.warden", "documents:read(any)\n");
  r = RunWarden({"lint", dir + "/warn.warden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("warn.warden:1:"));
  EXPECT_THAT(r.err, HasSubstr("warning"));

  WriteFileOrDie(dir + "/clean.warden", kPolicy);
  r = RunWarden({"lint", dir + "/clean.warden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(WardenCli, FmtPrintsChecksAndRewrites) {
  std::string dir = TestDir();
  const std::string messy = "table:read[role:member]   # members read\n";
  WriteFileOrDie(dir + "/messy.warden", messy);
  WriteFileOrDie(dir + "/clean.warden", kPolicy);

  RunResult r = RunWarden({"fmt", dir + "/messy.warden"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("collection:read(users)"));
  EXPECT_THAT(r.out, HasSubstr("# members read"));
  const std::string formatted = r.out;

  r = RunWarden({"fmt", "--check", dir + "/clean.warden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, IsEmpty());

  r = RunWarden(
      {"fmt", "--check", dir + "/clean.warden", dir + "/messy.warden"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("messy.warden"));
  EXPECT_THAT(r.err, Not(HasSubstr("clean.warden")));
  EXPECT_EQ(ReadFile(dir + "/messy.warden"), messy);  // --check writes nothing

  r = RunWarden({"fmt", "-i", dir + "/messy.warden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir + "/messy.warden"), formatted);
  r = RunWarden({"fmt", "--check", dir + "/messy.warden"});
  EXPECT_EQ(r.exit_code, 0) << r.err;

  // stdin, and a file that does not parse.
  r = RunWarden({"fmt", "-"}, messy);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, formatted);
  WriteFileOrDie(dir + "/bad.warden", "document:read\n");
  r = RunWarden({"fmt", "--check", dir + "/bad.warden"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("bad.warden:1:"));
  EXPECT_EQ(RunWarden({"fmt", "--check", "-i", dir + "/bad.warden"}).exit_code,
            64);
}

// ---------------------------------------------------------------- compile

TEST(WardenCli, CompileRefusesToReplaceWhatIsNotARegularFile) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);
  std::string target = dir + "/target.bin";
  std::filesystem::create_symlink(target, dir + "/link.wdnb");
  RunResult r = RunWarden(Concat({"compile", "-o", dir + "/link.wdnb"}, flags));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("not a regular file"));
  EXPECT_TRUE(std::filesystem::is_symlink(dir + "/link.wdnb"));
  EXPECT_FALSE(std::filesystem::exists(target));
}

TEST(WardenCli, UnwritableStandardOutputIsAnError) {
  // /dev/full accepts the open and fails every write with ENOSPC.
  ASSERT_TRUE(std::filesystem::exists("/dev/full"));
  int code = std::system((std::string(WARDEN_CLI_PATH) +
                          " parse 'read(\"any\")' > /dev/full 2>/dev/null")
                             .c_str());
  ASSERT_TRUE(WIFEXITED(code));
  EXPECT_EQ(WEXITSTATUS(code), 1);
}

TEST(WardenCli, CompiledBundleAgreesWithPolicy) {
  std::string dir = TestDir();
  std::vector<std::string> flags = PolicyFlags(dir);
  std::string bundle = dir + "/policy.bundle";
  RunResult r = RunWarden(Concat({"compile", "--json", "-o", bundle}, flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json counts = ParseJson(Lines(r.out).at(0));
  EXPECT_GT(counts["rules"].get<int>(), 0);
  EXPECT_EQ(counts["resources"], 1);
  EXPECT_EQ(counts["entries"], 2);
  EXPECT_GT(counts["roles"].get<int>(), 0);
  EXPECT_EQ(counts["bytes"].get<size_t>(), ReadFile(bundle).size());
  EXPECT_THAT(counts["content_hash"].get<std::string>(), SizeIs(16));

  // The human form names the same hash; compiling again gives the same bytes.
  std::string first = ReadFile(bundle);
  r = RunWarden(Concat({"compile", "-o", bundle}, flags));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(counts["content_hash"].get<std::string>()));
  EXPECT_EQ(ReadFile(bundle), first);
  // The atomic write leaves no temporary file behind.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp.")));
  }

  const std::vector<std::vector<std::string>> requests = {
      {R"({"user": "u1"})", kDoc, "read"},
      {R"({"guest": true})", kDoc, "read"},
      {R"({"guest": true})", kDoc, "delete"},
      {R"({"guest": true})", kDoc, "update"},
      {R"({"user": "u1", "roles": ["editor"]})", kDoc, "update"},
      {R"({"user": "u1"})", "databases/d1/collections/c1/documents/new",
       "create"},
      {R"({"roleSet": ["role:viewer"]})", "databases/d1/collections/c1",
       "read"},
  };
  for (const auto& request : requests) {
    std::vector<std::string> args = {"check",    "--json",     "--principal",
                                     request[0], "--resource", request[1],
                                     "--action", request[2]};
    RunResult from_policy = RunWarden(Concat(args, flags));
    RunResult from_bundle = RunWarden(Concat(args, {"--bundle", bundle}));
    EXPECT_EQ(from_policy.exit_code, from_bundle.exit_code) << request[0];
    EXPECT_TRUE(from_policy.exit_code == 0 || from_policy.exit_code == 2)
        << from_policy.err;
    EXPECT_EQ(from_policy.out, from_bundle.out) << request[0];
  }
}

TEST(WardenCli, CorruptedBundleIsRefused) {
  std::string dir = TestDir();
  std::string bundle = dir + "/policy.bundle";
  RunResult r = RunWarden(Concat({"compile", "-o", bundle}, PolicyFlags(dir)));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string good = ReadFile(bundle);
  ASSERT_GT(good.size(), 16u);

  std::string flipped = good;
  flipped[flipped.size() / 2] =
      static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  const std::vector<std::string> corruptions = {
      flipped, good.substr(0, good.size() / 2), "not a bundle at all", ""};
  for (size_t i = 0; i < corruptions.size(); ++i) {
    std::string path = absl::StrCat(dir, "/corrupt", i, ".bundle");
    WriteFileOrDie(path, corruptions[i]);
    r = RunWarden({"check", "--bundle", path, "--principal",
                   R"({"guest": true})", "--resource", kDoc, "--action",
                   "read"});
    EXPECT_EQ(r.exit_code, 3) << i << ": " << r.err;
    EXPECT_THAT(r.out, IsEmpty()) << i;
    EXPECT_THAT(r.err, HasSubstr("not a valid bundle")) << i;
  }
}

}  // namespace
