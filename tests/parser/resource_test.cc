#include "parser/resource.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "parser/action.h"
#include "parser/syntax_error.h"
#include "tests/testing/status_matchers.h"

namespace warden {
namespace {

using ::warden::testing::IsOk;

TEST(Resource, ValidatesPaths) {
  EXPECT_THAT(ValidateResourcePath("databases/D/collections/C/documents/X"),
              IsOk());
  EXPECT_THAT(ValidateResourcePath("buckets/B"), IsOk());
  EXPECT_THAT(ValidateResourcePath("custom_kind/a.b-c_D"), IsOk());
  const struct {
    const char* path;
    size_t offset;
  } kBad[] = {
      {"", 0},           {"buckets", 7},          {"buckets/", 8},
      {"/buckets/B", 0}, {"buckets//B", 8},       {"buckets/*", 8},
      {"Buckets/B", 0},  {"buckets/B/files", 15}, {"buckets/b c", 9},
      {"9kinds/x", 0},
  };
  for (const auto& c : kBad) {
    absl::Status status = ValidateResourcePath(c.path);
    EXPECT_FALSE(status.ok()) << c.path;
    EXPECT_EQ(ErrorOffset(status), c.offset) << c.path;
  }
  std::string long_id(64, 'x');
  EXPECT_THAT(ValidateResourcePath("users/" + long_id), IsOk());
  EXPECT_EQ(ErrorOffset(ValidateResourcePath("users/" + long_id + "x")),
            6u + 64u);
}

TEST(Resource, NormalizesKindPositionsOnly) {
  absl::StatusOr<std::string> path =
      NormalizeResourcePath("databases/tables/tables/rows/rows/tables");
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, "databases/tables/collections/rows/documents/tables");
  EXPECT_FALSE(NormalizeResourcePath("buckets").ok());
  EXPECT_EQ(NormalizeKind("tables"), "collections");
  EXPECT_EQ(NormalizeKind("rows"), "documents");
  EXPECT_EQ(NormalizeKind("files"), "files");
  EXPECT_EQ(NormalizeTypeName("table"), "collection");
  EXPECT_EQ(NormalizeTypeName("row"), "document");
  EXPECT_EQ(NormalizeTypeName("bucket"), "bucket");
}

TEST(Resource, TypeParentAndLeaves) {
  EXPECT_EQ(ResourceType("databases/D/collections/C/documents/X"), "document");
  EXPECT_EQ(ResourceType("buckets/B"), "bucket");
  EXPECT_EQ(ResourceType("status/x"), "statu");
  EXPECT_EQ(ResourceType("news/x"), "new");
  EXPECT_EQ(ResourceType("fish/x"), "fish");
  EXPECT_EQ(ParentPath("databases/D/collections/C/documents/X"),
            "databases/D/collections/C");
  EXPECT_EQ(ParentPath("databases/D/collections/C"), "databases/D");
  EXPECT_EQ(ParentPath("buckets/B"), "");
  EXPECT_TRUE(IsLeafType("document"));
  EXPECT_TRUE(IsLeafType("file"));
  EXPECT_FALSE(IsLeafType("collection"));
  EXPECT_FALSE(IsLeafType("bucket"));
}

TEST(Action, Predicates) {
  EXPECT_TRUE(IsLowerIdentifier("execute"));
  EXPECT_TRUE(IsLowerIdentifier("a_1"));
  EXPECT_FALSE(IsLowerIdentifier("Execute"));
  EXPECT_FALSE(IsLowerIdentifier("1a"));
  EXPECT_FALSE(IsLowerIdentifier(""));
  EXPECT_TRUE(IsLowerIdentifier(std::string(64, 'a')));
  EXPECT_FALSE(IsLowerIdentifier(std::string(65, 'a')));
  EXPECT_TRUE(IsBuiltinAction("read"));
  EXPECT_TRUE(IsBuiltinAction("delete"));
  EXPECT_FALSE(IsBuiltinAction("write"));
  EXPECT_FALSE(IsBuiltinAction("execute"));
  EXPECT_TRUE(IsRequestAction("read"));
  EXPECT_TRUE(IsRequestAction("execute"));
  EXPECT_FALSE(IsRequestAction("write"));
  EXPECT_FALSE(IsRequestAction("*"));
  EXPECT_FALSE(IsRequestAction("Read"));
}

TEST(SyntaxError, CarriesAndShiftsTheOffset) {
  absl::Status status = SyntaxError("bad thing", 7);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "bad thing");
  EXPECT_EQ(ErrorOffset(status), 7u);
  EXPECT_EQ(ErrorOffset(ShiftErrorOffset(status, 5)), 12u);
  absl::Status plain = absl::InvalidArgumentError("no offset");
  EXPECT_EQ(ErrorOffset(plain), std::nullopt);
  EXPECT_EQ(ShiftErrorOffset(plain, 3), plain);
  EXPECT_EQ(ErrorOffset(absl::OkStatus()), std::nullopt);
}

TEST(SyntaxError, MessagesStayOnOneLine) {
  absl::Status status = SyntaxError("bad `a\nb\tc\x01`", 0);
  EXPECT_EQ(status.message(), "bad `a\\nb\\tc\\x01`");
}

}  // namespace
}  // namespace warden
