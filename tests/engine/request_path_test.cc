#include "engine/request_path.h"

#include <string>

#include "engine/bundle_format.h"
#include "gtest/gtest.h"

namespace warden::engine_internal {
namespace {

RequestPath MustParse(absl::string_view raw) {
  RequestPath p;
  size_t offset = 0;
  EXPECT_EQ(ParseRequestPath(raw, &p, &offset), PathError::kOk) << raw;
  return p;
}

PathError ErrorOf(absl::string_view raw, size_t* offset) {
  RequestPath p;
  return ParseRequestPath(raw, &p, offset);
}

TEST(RequestPath, DescribesALeaf) {
  RequestPath p = MustParse("databases/d1/collections/c1/documents/x1");
  EXPECT_EQ(p.segments, 6u);
  EXPECT_EQ(p.type, "document");
  EXPECT_TRUE(p.leaf);
  EXPECT_EQ(p.raw.substr(0, p.parent_end), "databases/d1/collections/c1");
  EXPECT_EQ(p.hash, bundle_internal::PathHash(
                        "databases/d1/collections/c1/documents/x1"));
  EXPECT_EQ(p.parent_hash,
            bundle_internal::PathHash("databases/d1/collections/c1"));
  EXPECT_TRUE(p.normalised);
}

TEST(RequestPath, NormalisesTablesAndRowsInKindPositionsOnly) {
  RequestPath p = MustParse("databases/rows/tables/t1/rows/r1");
  EXPECT_FALSE(p.normalised);
  EXPECT_EQ(p.type, "document");
  EXPECT_EQ(p.hash, bundle_internal::PathHash(
                        "databases/rows/collections/t1/documents/r1"));
  EXPECT_EQ(p.parent_hash,
            bundle_internal::PathHash("databases/rows/collections/t1"));
  char buf[128];
  const size_t n = WriteNormalised(p.raw, buf, sizeof(buf));
  EXPECT_EQ(absl::string_view(buf, n),
            "databases/rows/collections/t1/documents/r1");
  EXPECT_EQ(p.normalised_size, n);
  EXPECT_TRUE(NormalisedEquals("databases/rows/tables/t1",
                               "databases/rows/collections/t1"));
  EXPECT_FALSE(NormalisedEquals("databases/rows/tables/t1",
                                "databases/rows/collections/t2"));
  EXPECT_EQ(WriteNormalised(p.raw, buf, 10), 0u);
}

TEST(RequestPath, TopLevelHasNoParent) {
  RequestPath p = MustParse("buckets/b1");
  EXPECT_EQ(p.parent_end, 0u);
  EXPECT_EQ(p.type, "bucket");
  EXPECT_FALSE(p.leaf);
}

TEST(RequestPath, RejectsInvalidPaths) {
  size_t offset = 0;
  EXPECT_EQ(ErrorOf("", &offset), PathError::kEmpty);
  EXPECT_EQ(ErrorOf("databases", &offset), PathError::kOddSegments);
  EXPECT_EQ(ErrorOf("databases/d1/collections", &offset),
            PathError::kOddSegments);
  EXPECT_EQ(ErrorOf("databases//x", &offset), PathError::kEmptySegment);
  EXPECT_EQ(offset, 10u);
  EXPECT_EQ(ErrorOf("databases/d1/", &offset), PathError::kEmptySegment);
  EXPECT_EQ(ErrorOf("databases/*", &offset), PathError::kBadCharacter);
  EXPECT_EQ(offset, 10u);
  EXPECT_EQ(ErrorOf("Databases/d1", &offset), PathError::kBadKind);
  EXPECT_EQ(ErrorOf("databases/d 1", &offset), PathError::kBadCharacter);
  EXPECT_EQ(ErrorOf("databases/" + std::string(65, 'a'), &offset),
            PathError::kSegmentTooLong);
  EXPECT_EQ(ErrorOf("databases/" + std::string(64, 'a'), &offset),
            PathError::kOk);
}

TEST(GlobMatch, StarIsExactlyOneSegment) {
  const char* pattern = "databases/main/collections/posts/documents/*";
  EXPECT_TRUE(
      GlobMatch(pattern, "databases/main/collections/posts/documents/p1"));
  EXPECT_FALSE(GlobMatch(pattern, "databases/main/collections/posts"));
  EXPECT_FALSE(GlobMatch(
      pattern, "databases/main/collections/posts/documents/p1/files/f"));
}

TEST(GlobMatch, DoubleStarMatchesAnyNumberIncludingZero) {
  const char* pattern = "databases/*/collections/posts/**";
  EXPECT_TRUE(GlobMatch(pattern, "databases/x/collections/posts"));
  EXPECT_TRUE(GlobMatch(pattern, "databases/x/collections/posts/documents/d"));
  EXPECT_FALSE(
      GlobMatch(pattern, "databases/x/collections/postsx/documents/d"));
  EXPECT_FALSE(GlobMatch(pattern, "databases/x"));
}

TEST(GlobMatch, NormalisesTheRequestPath) {
  EXPECT_TRUE(GlobMatch("databases/d/collections/*/documents/*",
                        "databases/d/tables/t/rows/r"));
  EXPECT_FALSE(GlobMatch("databases/d/tables/*", "databases/d/tables/t"));
}

TEST(PathPattern, Validates) {
  EXPECT_TRUE(IsValidPathPattern("a/*/b/**"));
  EXPECT_FALSE(IsValidPathPattern("a/**/b"));
  EXPECT_FALSE(IsValidPathPattern("a//b"));
  EXPECT_FALSE(IsValidPathPattern("a/post*"));
  EXPECT_FALSE(IsValidPathPattern("document"));
}

TEST(ContentHash, EverySingleByteChangeChangesTheHash) {
  std::string data(100, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const uint64_t base = bundle_internal::ContentHash(bytes, data.size(), 40);
  for (size_t i = 0; i < data.size(); ++i) {
    std::string copy = data;
    copy[i] = static_cast<char>(copy[i] ^ 0x10);
    const uint64_t h = bundle_internal::ContentHash(
        reinterpret_cast<const uint8_t*>(copy.data()), copy.size(), 40);
    if (i >= 40 && i < 48) {
      EXPECT_EQ(h, base) << "the hash field itself is read as zero";
    } else {
      EXPECT_NE(h, base) << i;
    }
  }
}

}  // namespace
}  // namespace warden::engine_internal
