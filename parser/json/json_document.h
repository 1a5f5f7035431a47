// Internal to parser/json: a JSON document parsed by nlohmann-json that also
// knows where its values are in the text, so that errors can name
// line:column and point at the offending string; and the small helpers the
// JSON readers share (diagnostic collection, quoting user text).
#ifndef WARDEN_PARSER_JSON_JSON_DOCUMENT_H_
#define WARDEN_PARSER_JSON_JSON_DOCUMENT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"
#include "parser/diagnostic.h"

namespace warden::json_internal {

using Json = nlohmann::json;

// Deepest nesting of arrays and objects accepted in any JSON input.
inline constexpr size_t kMaxJsonDepth = 128;

struct JsonParseError {
  // One line, lower-case start, never quoting the input (it may hold
  // secrets): `malformed JSON: syntax error while parsing value - ...`.
  std::string message;
  size_t offset = 0;  // byte offset of the offending byte in the text
};

// A JSON value with the byte offsets of its strings, objects, arrays and
// object keys. Parsing rejects duplicate object keys (an ambiguous input) and
// nesting deeper than kMaxJsonDepth. The text must outlive the document.
// Not copyable or movable: offsets are keyed by the addresses of the values'
// storage. Thread-compatible; MarkRead is the only mutation after Parse.
class JsonDocument {
 public:
  JsonDocument() = default;
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;

  // Parses `text`. Returns false and fills `error` when it is not one valid
  // JSON value (surrounding whitespace allowed).
  bool Parse(absl::string_view text, JsonParseError* error);

  const Json& root() const { return root_; }
  absl::string_view text() const { return text_; }

  // Offset of the first byte of `value` (a string's opening quote, `{`, `[`)
  // when `value` is a string, object or array of this document.
  std::optional<size_t> ValueOffset(const Json& value) const;

  // Offset of the opening quote of member `key` of object `object`.
  std::optional<size_t> KeyOffset(const Json& object,
                                  absl::string_view key) const;

  // Where to point at member `key` of `object`: its key, else the object,
  // else `fallback`.
  size_t MemberOffset(const Json& object, absl::string_view key,
                      size_t fallback = 0) const;

  // Where to point at `value`: its own offset, else `fallback`.
  size_t OffsetOr(const Json& value, size_t fallback) const;

  // The text offset of byte `index` of the decoded string `value` (a string
  // of this document), accounting for escapes; the offset just after the
  // opening quote if the string is unknown.
  std::optional<size_t> StringByteOffset(const Json& value, size_t index) const;

  // Records that the caller read string `value` (see UnreadScalarOffsets).
  void MarkRead(const Json& value) const;

  // Offsets of every string and number value never passed to MarkRead. Lines
  // holding one may hold data the reader did not look at (a secret, say) and
  // are not shown in diagnostics.
  std::vector<size_t> UnreadScalarOffsets() const;

 private:
  friend class DocumentBuilder;

  absl::string_view text_;
  Json root_;
  // Keyed by the address of the value's heap storage (object_t, array_t,
  // string_t), which stays put when the value itself is moved.
  absl::flat_hash_map<const void*, size_t> value_offsets_;
  absl::flat_hash_map<std::pair<const void*, std::string>, size_t> key_offsets_;
  std::vector<std::pair<const void*, size_t>> strings_;  // every string value
  std::vector<size_t> numbers_;  // approximate offsets of number values
  mutable absl::flat_hash_set<const void*> read_;
};

// Line starts of a text, for turning byte offsets into line:column.
class LineIndex {
 public:
  explicit LineIndex(absl::string_view text);

  // 1-based line and column (bytes) of `offset`.
  std::pair<int, int> Position(size_t offset) const;
  // Line `line` (1-based) without its newline (and without a trailing `\r`).
  absl::string_view Line(int line) const;
  int line_count() const { return static_cast<int>(starts_.size()); }

 private:
  absl::string_view text_;
  std::vector<size_t> starts_;
};

// Collects the diagnostics of one input file, with locations computed from
// offsets into the text being read. Keeps at most kMaxDiagnostics and sums up
// the rest in one final diagnostic.
class DiagnosticCollector {
 public:
  static constexpr size_t kMaxDiagnostics = 1000;

  explicit DiagnosticCollector(absl::string_view file_name)
      : file_name_(file_name) {}

  // Offsets given from now on are into `text`, whose first line is line
  // `first_line` of the file. `text` must outlive the calls that use it.
  void SetText(absl::string_view text, int first_line);

  void Error(size_t offset, std::string message) {
    Add(Severity::kError, offset, std::move(message));
  }
  void Warning(size_t offset, std::string message) {
    Add(Severity::kWarning, offset, std::move(message));
  }
  void Add(Severity severity, size_t offset, std::string message);

  // The location of `offset` in the current text.
  SourceLocation Locate(size_t offset) const;

  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

  // Returns the diagnostics in file order (plus the summary of those left
  // out).
  std::vector<Diagnostic> Finish();

 private:
  std::string file_name_;
  std::optional<LineIndex> index_;
  int first_line_ = 1;
  std::vector<Diagnostic> diagnostics_;
  size_t dropped_errors_ = 0;
  size_t dropped_warnings_ = 0;
};

// User text for a message: in backticks, control bytes escaped as `\xNN`,
// cut to at most 80 bytes (with `...`).
std::string Quote(absl::string_view text);

// `message` made safe to print on one line: control bytes escaped as
// `\xNN`, cut to at most 1000 bytes (with `...`). Messages from the parser
// core quote user text as it is; every message leaving parser/json goes
// through this.
std::string OneLine(absl::string_view message);

// "a string", "an array", ... for messages.
absl::string_view JsonTypeName(const Json& value);

}  // namespace warden::json_internal

#endif  // WARDEN_PARSER_JSON_JSON_DOCUMENT_H_
