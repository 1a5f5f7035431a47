// The bundle's format constants and hash functions, shared by the compiler
// and the loader (see engine/schema/bundle.fbs for the layout).
#ifndef WARDEN_ENGINE_BUNDLE_FORMAT_H_
#define WARDEN_ENGINE_BUNDLE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

namespace warden::bundle_internal {

// Bumped on every incompatible change of engine/schema/bundle.fbs.
inline constexpr uint32_t kFormatVersion = 2;

// acl_records layout (engine/schema/bundle.fbs): header words, words per
// entry, and the security bit of the third header word.
inline constexpr uint32_t kRecordHeaderWords = 3;
inline constexpr uint32_t kRecordEntryWords = 2;
inline constexpr uint32_t kRecordSecurityBit = 1u << 16;
inline constexpr uint32_t kRecordEntryCountMask = 0xFFFFu;

// The FlatBuffers file identifier of a bundle.
inline constexpr char kFileIdentifier[] = "WDNB";

// Well-known role ids (fixed in every bundle).
inline constexpr uint32_t kRoleAny = 0;
inline constexpr uint32_t kRoleGuests = 1;
inline constexpr uint32_t kRoleUsers = 2;
inline constexpr uint32_t kRoleUsersVerified = 3;
inline constexpr uint32_t kRoleUsersUnverified = 4;
inline constexpr uint32_t kWellKnownRoleCount = 5;
inline constexpr absl::string_view kWellKnownRoles[kWellKnownRoleCount] = {
    "any", "guests", "users", "users/verified", "users/unverified"};

// The action id of `*` in rules: matches every requested action.
inline constexpr uint32_t kWildcardAction = 0xFFFFFFFFu;

// ACL entry actions (AclEntry::action); kAclWrite only in AclEntry::written.
inline constexpr uint8_t kAclRead = 0;
inline constexpr uint8_t kAclCreate = 1;
inline constexpr uint8_t kAclUpdate = 2;
inline constexpr uint8_t kAclDelete = 3;
inline constexpr uint8_t kAclWrite = 4;

// RuleIndex lists, in order: by_type (key: type id), by_any (key 0),
// by_path (key: PathPatternKey), by_regex (key 0). The list
// that holds rules of pattern kind `kind` (fb::PatternKind: Any 0, Type 1,
// Path 2, Regex 3).
inline constexpr int kListByType = 0;
inline constexpr int kListByAny = 1;
inline constexpr int kListByPath = 2;
inline constexpr int kListByRegex = 3;
inline constexpr int ListOfPatternKind(int kind) {
  return kind == 0 ? kListByAny : kind == 1 ? kListByType : kind;
}

// The position of the first '/' at or after `from`, or s.size(). Inline:
// paths are short, and absl::string_view::find is out of line here.
inline size_t FindSlash(absl::string_view s, size_t from) {
  const char* p = s.data();
  const size_t n = s.size();
  while (from < n && p[from] != '/') ++from;
  return from;
}

// The hash of a path (or of any interned string): the bytes are split at
// '/' and each segment is hashed 8 bytes at a time into a running state, so
// a path can be hashed segment by segment as it is read (with kinds
// normalised on the fly). Finish() applies splitmix64's finaliser so that the
// low bits index hash tables well. Words are read little-endian (the bundle,
// like every FlatBuffer, is little-endian).
class PathHasher {
 public:
  // Adds one segment (no '/').
  void AddSegment(absl::string_view seg) {
    uint64_t h =
        state_ ^ (static_cast<uint64_t>(seg.size()) * 0x9e3779b97f4a7c15ULL);
    h *= 0xff51afd7ed558ccdULL;
    const char* p = seg.data();
    size_t n = seg.size();
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = Rotl((h ^ w) * 0x87c37b91114253d5ULL, 31);
      p += 8;
      n -= 8;
    }
    if (n > 0) {
      uint64_t w = 0;
      std::memcpy(&w, p, n);
      h = Rotl((h ^ w) * 0x4cf5ad432745937fULL, 29);
    }
    state_ = h * 0xc4ceb9fe1a85ec53ULL + 0x165667b19e3779f9ULL;
  }
  // Adds every '/'-separated segment of `path`.
  void AddPath(absl::string_view path) {
    size_t start = 0;
    while (true) {
      const size_t end = FindSlash(path, start);
      AddSegment(path.substr(start, end - start));
      if (end >= path.size()) return;
      start = end + 1;
    }
  }
  uint64_t Finish() const {
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

 private:
  static uint64_t Rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
  uint64_t state_ = 0x6a09e667f3bcc908ULL;
};

inline uint64_t PathHash(absl::string_view bytes) {
  PathHasher h;
  h.AddPath(bytes);
  return h.Finish();
}

// The by_path index key of a path pattern: the low 32 bits of the
// PathHash of its literal prefix (the segments before the first `*` or
// `**`; the whole pattern when it has none). A request path is probed with
// the key of each of its prefixes (0 to all segments); a key collision only
// adds candidates, which are then matched in full.
inline uint32_t PathPatternKey(absl::string_view pattern) {
  PathHasher h;
  size_t start = 0;
  while (true) {
    const size_t end = FindSlash(pattern, start);
    absl::string_view seg = pattern.substr(start, end - start);
    if (seg == "*" || seg == "**") break;
    h.AddSegment(seg);
    if (end >= pattern.size()) break;
    start = end + 1;
  }
  return static_cast<uint32_t>(h.Finish());
}

// The content hash of a bundle: a 64-bit hash of `size` bytes at `data`,
// with the 8 bytes at [zero_offset, zero_offset + 8) read as zero (the hash
// field itself). Every step is a bijection of the running state for a fixed
// input word and of the input word for a fixed state, so changing any one
// 8-byte word always changes the result.
uint64_t ContentHash(const uint8_t* data, size_t size, size_t zero_offset);

// Open-addressing table size for `count` items: a power of two >= 2 * count
// (and >= 2).
size_t SlotCountFor(size_t count);

}  // namespace warden::bundle_internal

#endif  // WARDEN_ENGINE_BUNDLE_FORMAT_H_
