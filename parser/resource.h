// Resource paths (LANGUAGE.md §6): `kind/id` pairs such as
// `databases/D/collections/C/documents/X`, normalised so that `tables` is
// `collections` and `rows` is `documents` (kind positions only).
#ifndef WARDEN_PARSER_RESOURCE_H_
#define WARDEN_PARSER_RESOURCE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace warden {

// Checks that `path` is a valid resource path: an even, non-zero number of
// segments, each 1-64 of [A-Za-z0-9._-] (so no `*`, no empty segment), kinds
// lower-case identifiers. Allocates nothing when the path is valid. The error
// carries the offset of the offending byte.
absl::Status ValidateResourcePath(absl::string_view path);

// Validates and normalises (`tables` -> `collections`, `rows` -> `documents`
// in kind positions).
absl::StatusOr<std::string> NormalizeResourcePath(absl::string_view path);

// `tables` -> `collections`, `rows` -> `documents`, anything else unchanged.
absl::string_view NormalizeKind(absl::string_view kind);

// `table` -> `collection`, `row` -> `document`, anything else unchanged.
absl::string_view NormalizeTypeName(absl::string_view type);

// The type of a valid, normalised path: its last kind with one trailing `s`
// removed (`documents` -> `document`). Points into `path`.
absl::string_view ResourceType(absl::string_view path);

// The path without its last `kind/id` pair; empty for a top-level resource.
// Points into `path`.
absl::string_view ParentPath(absl::string_view path);

// Documents and files are leaves; every other type is a container.
bool IsLeafType(absl::string_view type);

}  // namespace warden

#endif  // WARDEN_PARSER_RESOURCE_H_
