#include "engine/request_path.h"

#include <cstring>

#include "engine/bundle_format.h"

namespace warden::engine_internal {

namespace {

inline bool IsSegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

constexpr size_t kMaxSegment = 64;

// Character classes: kSegment for [A-Za-z0-9._-], kLowerIdent for
// [a-z0-9_] (the first character of a kind is checked apart).
constexpr uint8_t kSegment = 1;
constexpr uint8_t kLowerIdent = 2;
constexpr uint8_t kSlash = 4;
constexpr auto kCharClass = [] {
  struct Table {
    uint8_t v[256] = {};
    constexpr uint8_t operator[](size_t i) const { return v[i]; }
  } t;
  for (int c = 0; c < 256; ++c) {
    const bool lower = c >= 'a' && c <= 'z';
    const bool upper = c >= 'A' && c <= 'Z';
    const bool digit = c >= '0' && c <= '9';
    uint8_t cls = 0;
    if (lower || upper || digit || c == '.' || c == '_' || c == '-') {
      cls |= kSegment;
    }
    if (lower || digit || c == '_') cls |= kLowerIdent;
    if (c == '/') cls = kSlash;
    t.v[c] = cls;
  }
  return t;
}();

// Calls fn(segment, is_kind) for each segment of `raw` ('/'-separated), with
// kind segments normalised. Stops early if fn returns false; returns false
// then.
template <typename Fn>
bool ForEachSegment(absl::string_view raw, Fn fn) {
  size_t start = 0;
  bool kind = true;
  while (true) {
    size_t end = bundle_internal::FindSlash(raw, start);
    absl::string_view seg = raw.substr(start, end - start);
    if (kind) seg = NormalizeKindView(seg);
    if (!fn(seg, kind)) return false;
    if (end >= raw.size()) return true;
    start = end + 1;
    kind = !kind;
  }
}

}  // namespace

bool IsLowerIdent(absl::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  if (text[0] < 'a' || text[0] > 'z') return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

PathError ParseRequestPath(absl::string_view raw, RequestPath* out,
                           size_t* offset) {
  *offset = 0;
  if (raw.empty()) return PathError::kEmpty;
  RequestPath p;
  p.raw = raw;
  bundle_internal::PathHasher hasher;
  bundle_internal::PathHasher parent_hasher;
  size_t start = 0;
  uint32_t index = 0;
  absl::string_view last_kind;
  size_t last_kind_start = 0;
  size_t normalised_size = 0;
  const char* data = raw.data();
  const size_t size = raw.size();
  while (true) {
    // One pass over the segment: find its end and AND its character
    // classes (a bad character is located below, off the fast path).
    size_t end = start;
    uint8_t classes = kSegment | kLowerIdent;
    while (end < size) {
      const uint8_t cls = kCharClass[static_cast<unsigned char>(data[end])];
      if (cls & kSlash) break;
      classes &= cls;
      ++end;
    }
    const size_t len = end - start;
    if (len == 0) {
      *offset = start;
      return PathError::kEmptySegment;
    }
    if (len > kMaxSegment) {
      *offset = start + kMaxSegment;
      return PathError::kSegmentTooLong;
    }
    absl::string_view seg(data + start, len);
    const bool kind = index % 2 == 0;
    const uint8_t need = kind ? kLowerIdent : kSegment;
    for (size_t i = 0; (classes & need) == 0 && i < len; ++i) {
      if ((kCharClass[static_cast<unsigned char>(seg[i])] & need) == 0) {
        *offset = start + i;
        if (kind &&
            (kCharClass[static_cast<unsigned char>(seg[i])] & kSegment) != 0) {
          *offset = start;
          return PathError::kBadKind;
        }
        return PathError::kBadCharacter;
      }
    }
    if (kind) {
      if (seg[0] < 'a' || seg[0] > 'z') {
        *offset = start;
        return PathError::kBadKind;
      }
      absl::string_view norm = NormalizeKindView(seg);
      if (norm.size() != seg.size()) p.normalised = false;
      // Before this pair: the parent of a path ending with it.
      parent_hasher = hasher;
      last_kind = norm;
      last_kind_start = start;
      seg = norm;
    }
    normalised_size += seg.size() + (index > 0 ? 1 : 0);
    hasher.AddSegment(seg);
    ++index;
    if (end >= raw.size()) break;
    start = end + 1;
  }
  if (index % 2 != 0) {
    *offset = raw.size();
    return PathError::kOddSegments;
  }
  p.segments = index;
  p.hash = hasher.Finish();
  if (index > 2) {
    p.parent_end = last_kind_start - 1;
    p.parent_hash = parent_hasher.Finish();
  }
  absl::string_view type = last_kind;
  if (!type.empty() && type.back() == 's') type.remove_suffix(1);
  p.type = type;
  p.leaf = IsLeafTypeView(type);
  p.normalised_size = normalised_size;
  *out = p;
  return PathError::kOk;
}

absl::string_view PathErrorText(PathError error) {
  switch (error) {
    case PathError::kOk:
      return "valid";
    case PathError::kEmpty:
      return "the path is empty";
    case PathError::kEmptySegment:
      return "empty path segment";
    case PathError::kSegmentTooLong:
      return "path segment longer than 64 characters";
    case PathError::kBadCharacter:
      return "path segments are 1-64 characters of A-Z a-z 0-9 . _ -";
    case PathError::kBadKind:
      return "a kind must be a lower-case identifier";
    case PathError::kOddSegments:
      return "a path is pairs of kind/id segments (odd number of segments)";
  }
  return "invalid path";
}

bool NormalisedEquals(absl::string_view raw_prefix, absl::string_view stored) {
  size_t pos = 0;
  bool first = true;
  bool ok = ForEachSegment(raw_prefix, [&](absl::string_view seg, bool) {
    if (!first) {
      if (pos >= stored.size() || stored[pos] != '/') return false;
      ++pos;
    }
    first = false;
    if (stored.size() - pos < seg.size()) return false;
    if (stored.substr(pos, seg.size()) != seg) return false;
    pos += seg.size();
    return true;
  });
  return ok && pos == stored.size();
}

size_t WriteNormalised(absl::string_view raw, char* buf, size_t cap) {
  size_t pos = 0;
  bool first = true;
  bool ok = ForEachSegment(raw, [&](absl::string_view seg, bool) {
    const size_t need = seg.size() + (first ? 0 : 1);
    if (cap - pos < need) return false;
    if (!first) buf[pos++] = '/';
    first = false;
    std::memcpy(buf + pos, seg.data(), seg.size());
    pos += seg.size();
    return true;
  });
  return ok ? pos : 0;
}

bool GlobMatch(absl::string_view pattern, absl::string_view raw) {
  // Walk pattern segments and path segments in lockstep.
  size_t pstart = 0;
  size_t rstart = 0;
  bool kind = true;
  bool raw_done = raw.empty();
  while (true) {
    const size_t pend = bundle_internal::FindSlash(pattern, pstart);
    const bool plast = pend == pattern.size();
    absl::string_view pseg = pattern.substr(pstart, pend - pstart);
    if (pseg == "**" && plast) return true;
    if (raw_done) return false;
    const size_t rend = bundle_internal::FindSlash(raw, rstart);
    const bool rlast = rend == raw.size();
    absl::string_view rseg = raw.substr(rstart, rend - rstart);
    if (kind) rseg = NormalizeKindView(rseg);
    if (pseg != "*" && pseg != rseg) return false;
    if (rlast) {
      raw_done = true;
    } else {
      rstart = rend + 1;
    }
    kind = !kind;
    if (plast) return raw_done;
    pstart = pend + 1;
  }
}

bool IsValidPathPattern(absl::string_view pattern) {
  if (pattern.empty() || pattern.find('/') == absl::string_view::npos) {
    return false;
  }
  size_t start = 0;
  while (true) {
    size_t end = pattern.find('/', start);
    const bool last = end == absl::string_view::npos;
    if (last) end = pattern.size();
    absl::string_view seg = pattern.substr(start, end - start);
    if (seg.empty()) return false;
    if (seg == "**") {
      if (!last) return false;
    } else if (seg != "*") {
      if (seg.size() > kMaxSegment) return false;
      for (char c : seg) {
        if (!IsSegmentChar(c)) return false;
      }
    }
    if (last) return true;
    start = end + 1;
  }
}

}  // namespace warden::engine_internal
