#include "parser/role.h"

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/syntax_error.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::testing::HasSubstr;
using ::warden::testing::StatusIs;

std::string Canonical(absl::string_view text, RoleSyntax syntax) {
  absl::StatusOr<Role> role = ParseRole(text, syntax);
  if (!role.ok()) return "ERROR: " + std::string(role.status().message());
  return role->ToString();
}

std::optional<size_t> Offset(absl::string_view text, RoleSyntax syntax) {
  absl::StatusOr<Role> role = ParseRole(text, syntax);
  if (role.ok()) return std::nullopt;
  return ErrorOffset(role.status());
}

TEST(Role, EverySpellingOfTheTableInRules) {
  const struct {
    const char* input;
    const char* canonical;
  } kCases[] = {
      {"any", "any"},
      {"role:all", "any"},
      {"*", "any"},
      {"guests", "guests"},
      {"role:guest", "guests"},
      {"role:guests", "guests"},
      {"users", "users"},
      {"role:users", "users"},
      {"role:users[any]", "users"},
      {"role:member", "users"},
      {"users[any]", "users"},
      {"users/verified", "users/verified"},
      {"role:users[verified]", "users/verified"},
      {"users[verified]", "users/verified"},
      {"users/unverified", "users/unverified"},
      {"role:users[unverified]", "users/unverified"},
      {"users[unverified]", "users/unverified"},
      {"user:u1", "user:u1"},
      {"users[u1]", "user:u1"},
      {"role:users[u1]", "user:u1"},
      {"user:u1/verified", "user:u1/verified"},
      {"user:u1/unverified", "user:u1/unverified"},
      {"team:t1", "team:t1"},
      {"team:t1/owner", "team:t1/owner"},
      {"member:m1", "member:m1"},
      {"label:vip", "label:vip"},
      {"role:editor", "role:editor"},
      {"role:ops-team_2", "role:ops-team_2"},
      {"role:9lives", "role:9lives"},
      {"user:$ownerId", "user:$ownerId"},
      {"users[$userId]", "user:$userId"},
      {"role:users[$owner_id]", "user:$owner_id"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(Canonical(c.input, RoleSyntax::kRule), c.canonical) << c.input;
  }
}

TEST(Role, StandaloneAcceptsEverySpellingButAttributes) {
  EXPECT_EQ(Canonical("role:all", RoleSyntax::kStandalone), "any");
  EXPECT_EQ(Canonical("users[u1]", RoleSyntax::kStandalone), "user:u1");
  EXPECT_EQ(Canonical("role:editor", RoleSyntax::kStandalone), "role:editor");
  for (const char* input :
       {"user:$ownerId", "users[$userId]", "role:users[$owner]"}) {
    absl::StatusOr<Role> role = ParseRole(input, RoleSyntax::kStandalone);
    EXPECT_THAT(role, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("only inside rules")))
        << input;
  }
}

TEST(Role, AclEntrySyntaxTakesOnlyAppwriteCanonicalNames) {
  EXPECT_EQ(Canonical("team:t1/owner", RoleSyntax::kAclEntry), "team:t1/owner");
  EXPECT_EQ(Canonical("users/verified", RoleSyntax::kAclEntry),
            "users/verified");
  EXPECT_EQ(Canonical("role:all", RoleSyntax::kAclEntry),
            "ERROR: Roles using the \"role:\" prefix have been replaced. Use "
            "\"users\", \"guests\", or \"any\" instead.");
  EXPECT_EQ(Canonical("*", RoleSyntax::kAclEntry),
            "ERROR: Wildcard role \"*\" has been replaced. Use \"any\" "
            "instead.");
  EXPECT_EQ(Canonical("users[any]", RoleSyntax::kAclEntry),
            "ERROR: Role \"users[any]\" is not allowed. Must be one of: any, "
            "guests, users, user, team, member, label.");
  EXPECT_EQ(Canonical("user:$owner", RoleSyntax::kAclEntry),
            "ERROR: Role \"user\" identifier value is invalid: Parameter must "
            "contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, "
            "hyphen, and underscore. Can't start with a special char");
}

TEST(Role, AclEntrySyntaxRejectsQuirksAndPhpEmptyIds) {
  // Appwrite keeps only the first `:` segment: strictly an error of ours.
  absl::StatusOr<Role> quirk = ParseRole("team:abc:def", RoleSyntax::kAclEntry);
  EXPECT_THAT(quirk, StatusIs(absl::StatusCode::kInvalidArgument,
                              HasSubstr("not in canonical form")));
  EXPECT_EQ(ErrorOffset(quirk.status()), 8u);
  // `any:0` is accepted by Appwrite (PHP reads "0" as empty).
  EXPECT_FALSE(ParseRole("any:0", RoleSyntax::kAclEntry).ok());
  // The id "0" is refused by Appwrite ("must have an ID value").
  EXPECT_EQ(Canonical("user:0", RoleSyntax::kAclEntry),
            "ERROR: Role \"user\" must have an ID value.");
  EXPECT_EQ(Canonical("user:0", RoleSyntax::kRule), "user:0");
}

TEST(Role, CharacterAndLengthRules) {
  std::string id36(36, 'a');
  std::string id37(37, 'a');
  EXPECT_EQ(Canonical("user:" + id36, RoleSyntax::kRule), "user:" + id36);
  EXPECT_EQ(Offset("user:" + id37, RoleSyntax::kRule), 5u + 36u);
  EXPECT_EQ(Offset("user:" + id37, RoleSyntax::kAclEntry), 5u + 36u);
  std::string team81(81, 'r');
  EXPECT_EQ(Canonical("team:t/" + team81, RoleSyntax::kRule),
            "team:t/" + team81);
  EXPECT_EQ(Offset("team:t/" + team81 + "r", RoleSyntax::kRule), 7u + 81u);
  EXPECT_EQ(Offset("label:" + id37, RoleSyntax::kRule), 6u + 36u);
  EXPECT_EQ(Offset("user:_abc", RoleSyntax::kRule), 5u);
  EXPECT_EQ(Offset("user:.abc", RoleSyntax::kRule), 5u);
  EXPECT_EQ(Offset("user:a$b", RoleSyntax::kRule), 6u);
  EXPECT_EQ(Offset("label:vip-1", RoleSyntax::kRule), 9u);
  EXPECT_EQ(Offset("user:\xc3\xbc", RoleSyntax::kRule), 5u);
  EXPECT_EQ(Offset("role:-x", RoleSyntax::kRule), 5u);
  EXPECT_EQ(Offset("role:a.b", RoleSyntax::kRule), 6u);
  EXPECT_EQ(Offset("role:" + id37, RoleSyntax::kRule), 5u + 36u);
  EXPECT_EQ(Offset("users[$]", RoleSyntax::kRule), 7u);
  EXPECT_EQ(Offset("user:$9x", RoleSyntax::kRule), 6u);
  EXPECT_EQ(Canonical("user:$" + std::string(64, 'x'), RoleSyntax::kRule),
            "user:$" + std::string(64, 'x'));
  EXPECT_FALSE(
      ParseRole("user:$" + std::string(65, 'x'), RoleSyntax::kRule).ok());
}

TEST(Role, StructuralErrorsWithOffsets) {
  EXPECT_EQ(Offset("", RoleSyntax::kRule), 0u);
  EXPECT_EQ(Offset("any:x", RoleSyntax::kRule), 3u);
  EXPECT_EQ(Offset("guests/x", RoleSyntax::kRule), 6u);
  EXPECT_EQ(Offset("user:", RoleSyntax::kRule), 5u);
  EXPECT_EQ(Offset("user", RoleSyntax::kRule), 4u);
  EXPECT_EQ(Offset("team:t/a/b", RoleSyntax::kRule), 8u);
  EXPECT_EQ(Offset("team:t/", RoleSyntax::kRule), 7u);
  EXPECT_EQ(Offset("member:m1/x", RoleSyntax::kRule), 9u);
  EXPECT_EQ(Offset("users/bogus", RoleSyntax::kRule), 6u);
  EXPECT_EQ(Offset("users/verifiedx", RoleSyntax::kRule), 14u);
  EXPECT_EQ(Offset("gguest", RoleSyntax::kRule), 1u);
  EXPECT_EQ(Offset("any ", RoleSyntax::kRule), 3u);
  EXPECT_EQ(Offset("users[any", RoleSyntax::kRule), 9u);
  EXPECT_EQ(Offset("users[any]x", RoleSyntax::kRule), 10u);
  EXPECT_EQ(Offset("user:$a/verified", RoleSyntax::kRule), 7u);
}

TEST(Role, ReservedCustomNamesSuggestTheBuiltin) {
  EXPECT_THAT(
      ParseRole("role:any", RoleSyntax::kRule),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("write `any`")));
  EXPECT_THAT(
      ParseRole("role:label", RoleSyntax::kRule),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`label:NAME`")));
  EXPECT_THAT(
      ParseRole("role:team", RoleSyntax::kStandalone),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`team:ID`")));
  EXPECT_THAT(
      ParseRole("role:user", RoleSyntax::kRule),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("`user:ID`")));
}

TEST(Role, Predicates) {
  EXPECT_TRUE(IsValidId("a"));
  EXPECT_TRUE(IsValidId("A.b-c_d"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId("-a"));
  EXPECT_FALSE(IsValidId(std::string(37, 'a')));
  EXPECT_TRUE(IsValidLabel("Vip9"));
  EXPECT_FALSE(IsValidLabel("v_ip"));
  EXPECT_TRUE(IsValidTeamRole(std::string(81, 'a')));
  EXPECT_FALSE(IsValidTeamRole(std::string(82, 'a')));
  EXPECT_TRUE(IsValidCustomRoleName("Editor-1_x"));
  EXPECT_FALSE(IsValidCustomRoleName("users"));
  EXPECT_FALSE(IsValidCustomRoleName("_x"));
  EXPECT_FALSE(IsValidCustomRoleName("a.b"));
  for (const char* name : {"any", "all", "guest", "guests", "user", "users",
                           "team", "member", "label"}) {
    EXPECT_TRUE(IsReservedRoleName(name)) << name;
  }
  EXPECT_FALSE(IsReservedRoleName("editor"));
  EXPECT_TRUE(IsValidAttributeName("_x9"));
  EXPECT_FALSE(IsValidAttributeName("9x"));
  EXPECT_FALSE(IsValidAttributeName(""));
  EXPECT_EQ(RoleKindName(RoleKind::kCustom), "role");
  EXPECT_EQ(RoleKindName(RoleKind::kMember), "member");
}

TEST(Role, CaseSensitive) {
  EXPECT_FALSE(ParseRole("ANY", RoleSyntax::kRule).ok());
  EXPECT_FALSE(ParseRole("users/Verified", RoleSyntax::kRule).ok());
  EXPECT_NE(Canonical("role:Editor", RoleSyntax::kRule),
            Canonical("role:editor", RoleSyntax::kRule));
}

}  // namespace
}  // namespace warden
