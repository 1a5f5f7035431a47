// Syntax errors carry a byte offset into the text that was parsed.
//
// Parsers in this folder return absl::Status with code kInvalidArgument for bad
// input; the byte offset of the first byte at which no valid input can
// continue travels as a payload of that status, so errors stay absl::Status
// values everywhere and callers that want the offset can ask for it.
#ifndef WARDEN_PARSER_SYNTAX_ERROR_H_
#define WARDEN_PARSER_SYNTAX_ERROR_H_

#include <cstddef>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace warden {

// Returns kInvalidArgument with `message` and `offset` attached. ASCII control
// characters in `message` (from quoted user text) are escaped (`\n`, `\x01`)
// so that the message stays on one line.
absl::Status SyntaxError(absl::string_view message, size_t offset);

// The offset attached by SyntaxError, or nullopt if none.
std::optional<size_t> ErrorOffset(const absl::Status& status);

// Returns `status` with its offset shifted by `delta` (for errors found in a
// substring). Statuses without an offset are returned unchanged.
absl::Status ShiftErrorOffset(const absl::Status& status, size_t delta);

}  // namespace warden

#endif  // WARDEN_PARSER_SYNTAX_ERROR_H_
