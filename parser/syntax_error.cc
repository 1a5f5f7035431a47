#include "parser/syntax_error.h"

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "parser/text_internal.h"

namespace warden {
namespace {

// The payload that carries the byte offset, as a decimal string.
constexpr absl::string_view kOffsetPayloadUrl = "warden/offset";

}  // namespace

absl::Status SyntaxError(absl::string_view message, size_t offset) {
  // Messages quote user text; control characters in it are escaped so that
  // every message stays on one line.
  absl::Status status = absl::InvalidArgumentError(
      parser_internal::EscapeControlCharacters(message));
  status.SetPayload(kOffsetPayloadUrl, absl::Cord(absl::StrCat(offset)));
  return status;
}

std::optional<size_t> ErrorOffset(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kOffsetPayloadUrl);
  if (!payload.has_value()) return std::nullopt;
  std::string text(*payload);
  size_t offset = 0;
  if (!absl::SimpleAtoi(text, &offset)) return std::nullopt;
  return offset;
}

absl::Status ShiftErrorOffset(const absl::Status& status, size_t delta) {
  std::optional<size_t> offset = ErrorOffset(status);
  if (!offset.has_value()) return status;
  absl::Status shifted = status;
  shifted.SetPayload(kOffsetPayloadUrl,
                     absl::Cord(absl::StrCat(*offset + delta)));
  return shifted;
}

}  // namespace warden
