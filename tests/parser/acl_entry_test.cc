#include "parser/acl_entry.h"

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

std::string Message(absl::string_view text,
                    AclScope scope = AclScope::kContainer) {
  absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
  if (entry.ok()) return "OK " + entry->ToString();
  return std::string(entry.status().message());
}

std::optional<size_t> Offset(absl::string_view text,
                             AclScope scope = AclScope::kContainer) {
  absl::StatusOr<AclEntry> entry = ParseAclEntry(text, scope);
  if (entry.ok()) return std::nullopt;
  return ErrorOffset(entry.status());
}

TEST(AclEntry, ParsesEveryActionAndRole) {
  absl::StatusOr<AclEntry> entry = ParseAclEntry("update(\"team:t1/owner\")");
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->action, AclAction::kUpdate);
  EXPECT_EQ(entry->role.kind, RoleKind::kTeam);
  EXPECT_EQ(entry->role.id, "t1");
  EXPECT_EQ(entry->role.dimension, "owner");
  EXPECT_EQ(entry->ToString(), "update(\"team:t1/owner\")");
  for (const char* text :
       {"read(\"any\")", "create(\"guests\")", "update(\"users\")",
        "delete(\"users/unverified\")", "write(\"user:u1/verified\")",
        "read(\"member:m1\")", "read(\"label:vip\")"}) {
    EXPECT_EQ(Message(text), std::string("OK ") + text);
  }
}

TEST(AclEntry, AppwriteValidationOrder) {
  // "*" beats everything.
  EXPECT_EQ(
      Message("*"),
      "Wildcard permission \"*\" has been replaced. Use \"any\" instead.");
  // "role:" anywhere comes before the type check.
  EXPECT_EQ(Message("xx(\"role:all\")"),
            "Permissions using the \"role:\" prefix have been replaced. Use "
            "\"users\", \"guests\", or \"any\" instead.");
  EXPECT_EQ(Message("list(\"any\")"),
            "Permission \"list(\"any\")\" is not allowed. Must be one of: "
            "create, read, update, delete, write.");
  EXPECT_EQ(Message("read(\"a\")(\"b\")"),
            "Invalid permission string format: \"read(\"a\")(\"b\")\".");
  EXPECT_EQ(Message("created(\"any\")"),
            "Invalid permission type: \"created\".");
  EXPECT_EQ(Message("read(\"team:a/b/c\")"),
            "Only one dimension can be provided");
  EXPECT_EQ(Message("read(\"team:a/\")"), "Dimension must not be empty");
  EXPECT_EQ(Message("read(\"any:x/y\")"),
            "Role \"any\" can not have an ID value.");
  EXPECT_EQ(Message("read(\"member:m/x\")"),
            "Role \"member\" can not have a dimension value.");
  EXPECT_EQ(Message("read(\"team:t/" + std::string(82, 'a') + "\")"),
            "Role \"team\" dimension value is invalid: Parameter must contain "
            "at most 81 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, "
            "and underscore. Can't start with a special char");
}

TEST(AclEntry, LeafScopeRefusesCreate) {
  EXPECT_EQ(Message("create(\"any\")", AclScope::kLeaf),
            "Permission \"create(\"any\")\" is not allowed. Must be one of: "
            "read, update, delete, write.");
  EXPECT_EQ(Offset("create(\"any\")", AclScope::kLeaf), 0u);
  EXPECT_EQ(Message("write(\"any\")", AclScope::kLeaf), "OK write(\"any\")");
  EXPECT_EQ(Message("create(\"any\")", AclScope::kContainer),
            "OK create(\"any\")");
}

TEST(AclEntry, RejectsQuirksWithMessagesOfOurs) {
  for (const char* text :
       {"read(\"any\")\")", "read(\"any", "read(\"user:abc\")x",
        "read(\"team:abc:def\")", "read(\"user:a:b:c\")", "read(\"any:0\")",
        "read(\"team:t/a:b\")"}) {
    absl::StatusOr<AclEntry> entry = ParseAclEntry(text);
    ASSERT_FALSE(entry.ok()) << text;
    EXPECT_TRUE(ErrorOffset(entry.status()).has_value()) << text;
    // Ours start lower-case; Appwrite's start with a capital letter.
    char first = entry.status().message()[0];
    EXPECT_TRUE(first >= 'a' && first <= 'z')
        << text << ": " << entry.status().message();
  }
  EXPECT_THAT(ParseAclEntry("read(\"any"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("does not end with")));
  // PHP reads the dimension "0" as empty: that is Appwrite's own error.
  EXPECT_EQ(Message("read(\"any/0\")"), "Dimension must not be empty");
  EXPECT_THAT(ParseAclEntry("read(\"user:abc\")x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unexpected text after")));
}

TEST(AclEntry, OffsetIsFirstByteThatCannotContinue) {
  EXPECT_EQ(Offset("read"), 4u);
  EXPECT_EQ(Offset("read (\"any\")"), 4u);
  EXPECT_EQ(Offset(" read(\"any\")"), 0u);
  EXPECT_EQ(Offset("readx(\"any\")"), 4u);
  EXPECT_EQ(Offset("read('any')"), 5u);
  EXPECT_EQ(Offset("read(\"any\" )"), 10u);
  EXPECT_EQ(Offset("read(\"user\")"), 10u);
  EXPECT_EQ(Offset("read(\"user:0\")"), 12u);
  EXPECT_EQ(Offset("read(\"gguest\")"), 7u);
  EXPECT_EQ(Offset("read(\"any\")\")"), 11u);
  EXPECT_EQ(Offset("read(\"any"), 9u);
  EXPECT_EQ(Offset("read(\"team:abc:def\")"), 14u);
  EXPECT_EQ(Offset("read(\"users/Verified\")"), 12u);
}

TEST(AclEntry, ActionNames) {
  EXPECT_EQ(AclActionName(AclAction::kRead), "read");
  EXPECT_EQ(AclActionName(AclAction::kCreate), "create");
  EXPECT_EQ(AclActionName(AclAction::kUpdate), "update");
  EXPECT_EQ(AclActionName(AclAction::kDelete), "delete");
  EXPECT_EQ(AclActionName(AclAction::kWrite), "write");
}

}  // namespace
}  // namespace warden
