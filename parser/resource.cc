#include "parser/resource.h"

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "parser/syntax_error.h"
#include "parser/text_internal.h"

namespace warden {
namespace {

using parser_internal::IsAsciiLower;
using parser_internal::IsKeyChar;
using parser_internal::IsLowerIdentChar;

constexpr size_t kMaxSegmentBytes = 64;

}  // namespace

absl::Status ValidateResourcePath(absl::string_view path) {
  if (path.empty()) return SyntaxError("empty resource path", 0);
  size_t segment_start = 0;
  size_t segment_index = 0;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (i == segment_start) {
        return SyntaxError(
            absl::StrCat("empty segment in resource path `", path, "`"), i);
      }
      ++segment_index;
      segment_start = i + 1;
      continue;
    }
    char c = path[i];
    size_t column = i - segment_start;
    bool kind_position = segment_index % 2 == 0;
    if (kind_position) {
      bool ok = column == 0 ? IsAsciiLower(c) : IsLowerIdentChar(c);
      if (!ok) {
        return SyntaxError(
            absl::StrCat(
                "invalid kind in resource path `", path,
                "`: kinds are lower-case identifiers `[a-z][a-z0-9_]*`"),
            i);
      }
    } else if (!IsKeyChar(c)) {
      return SyntaxError(
          absl::StrCat("invalid character in resource path `", path,
                       "`: segments are 1-64 characters of `[A-Za-z0-9._-]`"),
          i);
    }
    if (column >= kMaxSegmentBytes) {
      return SyntaxError(
          absl::StrCat("segment longer than 64 bytes in resource "
                       "path `",
                       path, "`"),
          i);
    }
  }
  if (segment_index % 2 != 0) {
    return SyntaxError(
        absl::StrCat(
            "resource path `", path,
            "` has an odd number of segments; expected `kind/id` pairs"),
        path.size());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> NormalizeResourcePath(absl::string_view path) {
  absl::Status status = ValidateResourcePath(path);
  if (!status.ok()) return status;
  std::string out;
  out.reserve(path.size() + 8);
  size_t segment_index = 0;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == absl::string_view::npos) end = path.size();
    absl::string_view segment = path.substr(start, end - start);
    if (segment_index > 0) out.push_back('/');
    if (segment_index % 2 == 0) segment = NormalizeKind(segment);
    out.append(segment.data(), segment.size());
    ++segment_index;
    start = end + 1;
  }
  return out;
}

absl::string_view NormalizeKind(absl::string_view kind) {
  if (kind == "tables") return "collections";
  if (kind == "rows") return "documents";
  return kind;
}

absl::string_view NormalizeTypeName(absl::string_view type) {
  if (type == "table") return "collection";
  if (type == "row") return "document";
  return type;
}

absl::string_view ResourceType(absl::string_view path) {
  // The last kind is the segment before the last '/'.
  size_t last_slash = path.rfind('/');
  if (last_slash == absl::string_view::npos || last_slash == 0) return {};
  size_t kind_start = path.rfind('/', last_slash - 1);
  kind_start = kind_start == absl::string_view::npos ? 0 : kind_start + 1;
  absl::string_view kind = path.substr(kind_start, last_slash - kind_start);
  if (!kind.empty() && kind.back() == 's') kind.remove_suffix(1);
  return kind;
}

absl::string_view ParentPath(absl::string_view path) {
  size_t last_slash = path.rfind('/');
  if (last_slash == absl::string_view::npos || last_slash == 0) return {};
  size_t kind_slash = path.rfind('/', last_slash - 1);
  if (kind_slash == absl::string_view::npos) return {};
  return path.substr(0, kind_slash);
}

bool IsLeafType(absl::string_view type) {
  return type == "document" || type == "file";
}

}  // namespace warden
