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

// The first error of a path, found the plain way (LANGUAGE.md §6): segment
// by segment, left to right; within a segment: empty, then too long, then
// the first bad character (a kind that is not a lower-case identifier is
// reported at the segment's start), then a kind not starting with a-z; an
// odd segment count last.
PathError PlainFirstError(const std::string& raw, size_t* offset) {
  *offset = 0;
  if (raw.empty()) return PathError::kEmpty;
  size_t start = 0;
  int index = 0;
  while (true) {
    size_t end = raw.find('/', start);
    if (end == std::string::npos) end = raw.size();
    const size_t len = end - start;
    const bool kind = index % 2 == 0;
    if (len == 0) {
      *offset = start;
      return PathError::kEmptySegment;
    }
    if (len > 64) {
      *offset = start + 64;
      return PathError::kSegmentTooLong;
    }
    for (size_t i = start; i < end; ++i) {
      const char c = raw[i];
      const bool lower = c >= 'a' && c <= 'z';
      const bool digit = c >= '0' && c <= '9';
      const bool seg_char = lower || digit || (c >= 'A' && c <= 'Z') ||
                            c == '.' || c == '_' || c == '-';
      const bool ident_char = lower || digit || c == '_';
      if (kind ? !ident_char : !seg_char) {
        *offset = kind && seg_char ? start : i;
        return kind && seg_char ? PathError::kBadKind
                                : PathError::kBadCharacter;
      }
    }
    if (kind && !(raw[start] >= 'a' && raw[start] <= 'z')) {
      *offset = start;
      return PathError::kBadKind;
    }
    ++index;
    if (end == raw.size()) break;
    start = end + 1;
  }
  if (index % 2 != 0) {
    *offset = raw.size();
    return PathError::kOddSegments;
  }
  return PathError::kOk;
}

TEST(RequestPath, ErrorsAndOffsetsMatchAPlainScanOnRandomPaths) {
  // Characters of every class, weighted towards valid ones, and segments up
  // to 70 characters.
  const std::string alphabet = "aaaabbbzzsAZ0099__..--//// #\x80";
  uint64_t state = 12345;
  auto next = [&state](uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  int ok = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string raw;
    const int segments = 1 + static_cast<int>(next(7));
    for (int s = 0; s < segments; ++s) {
      if (s > 0) raw += '/';
      const size_t len = next(10) == 0   ? 60 + next(11)
                         : next(10) == 0 ? 0
                                         : 1 + next(9);
      for (size_t i = 0; i < len; ++i) {
        char c = alphabet[next(alphabet.size())];
        if (c == '/' && next(4) != 0) c = 'q';
        raw += c;
      }
    }
    size_t want_offset = 0;
    const PathError want = PlainFirstError(raw, &want_offset);
    size_t got_offset = 0;
    const PathError got = ErrorOf(raw, &got_offset);
    ASSERT_EQ(got, want) << raw;
    if (want != PathError::kOk) {
      ASSERT_EQ(got_offset, want_offset) << raw;
    } else {
      ++ok;
    }
  }
  EXPECT_GT(ok, 100);
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
