// Request paths and actions, read without allocating: validation
// (LANGUAGE.md §6), normalisation on the fly (`tables` -> `collections`,
// `rows` -> `documents` in kind positions), hashing of the normalised path
// and of its parent, and matching against stored (normalised) paths and path
// patterns.
#ifndef WARDEN_ENGINE_REQUEST_PATH_H_
#define WARDEN_ENGINE_REQUEST_PATH_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"
#include "engine/bundle_format.h"

namespace warden::engine_internal {

// [a-z][a-z0-9_]{0,63}
bool IsLowerIdent(absl::string_view text);

// `tables` -> `collections`, `rows` -> `documents`, anything else unchanged
// (the result points into `kind` or into static storage). Inline: called
// for every kind segment a check reads.
inline absl::string_view NormalizeKindView(absl::string_view kind) {
  if (kind.size() == 6 && std::memcmp(kind.data(), "tables", 6) == 0) {
    return "collections";
  }
  if (kind.size() == 4 && std::memcmp(kind.data(), "rows", 4) == 0) {
    return "documents";
  }
  return kind;
}

// A request path, checked and described. Trivially copyable; points into the
// caller's string.
struct RequestPath {
  absl::string_view raw;   // as given
  uint32_t segments = 0;   // even, >= 2
  absl::string_view type;  // normalised type (`document`)
  bool leaf = false;       // document or file
  size_t parent_end = 0;   // raw.substr(0, parent_end) is the parent (0: none)
  uint64_t hash = 0;       // PathHash of the normalised path
  uint64_t parent_hash = 0;  // PathHash of the normalised parent
  bool normalised = true;    // raw needs no normalisation
  size_t normalised_size = 0;
};

enum class PathError : uint8_t {
  kOk,
  kEmpty,
  kEmptySegment,
  kSegmentTooLong,
  kBadCharacter,
  kBadKind,
  kOddSegments,
};

// Parses `raw`; on failure returns the error and sets *offset to the first
// offending byte. Allocates nothing.
PathError ParseRequestPath(absl::string_view raw, RequestPath* out,
                           size_t* offset);

// A one-line description of `error` (no user text).
absl::string_view PathErrorText(PathError error);

// True if the normalised form of `raw_prefix` (a valid path or a prefix of
// one ending at a segment boundary) equals `stored`.
bool NormalisedEquals(absl::string_view raw_prefix, absl::string_view stored);

// Writes the normalised path into buf (capacity `cap`); returns its size, or
// 0 if it does not fit.
size_t WriteNormalised(absl::string_view raw, char* buf, size_t cap);

// Matches a normalised path pattern (LANGUAGE.md §4: `*` one segment, a
// final `**` any number, zero included) against the normalised form of the
// valid path `raw`.
bool GlobMatch(absl::string_view pattern, absl::string_view raw);

// Calls fn(segment) for each segment of the valid path `raw`, kinds
// normalised; stops when fn returns false.
template <typename Fn>
void ForEachNormalisedSegment(absl::string_view raw, Fn fn) {
  size_t start = 0;
  bool kind = true;
  while (true) {
    size_t end = bundle_internal::FindSlash(raw, start);
    absl::string_view seg = raw.substr(start, end - start);
    if (kind) seg = NormalizeKindView(seg);
    if (!fn(seg)) return;
    if (end >= raw.size()) return;
    start = end + 1;
    kind = !kind;
  }
}

// Checks a path pattern's syntax (for the compiler and the loader).
bool IsValidPathPattern(absl::string_view pattern);

// True if `type` (a normalised type) is a leaf type: document or file.
inline bool IsLeafTypeView(absl::string_view type) {
  return type == "document" || type == "file";
}

}  // namespace warden::engine_internal

#endif  // WARDEN_ENGINE_REQUEST_PATH_H_
